/* The x86 VMM test fixture. */
#include "x86_fixture.h"

#include <hv/abi/svm_exit.h>
#include <hv/abi/error.h>
#include <stdlib.h>
#include <string.h>

struct fx_env fx;
struct vmm_x86 fxv;

static int f_inject(void *ctx, unsigned cpu, uint32_t irq, uint64_t flags)
{
    if (fx.inject_result != HV_OK)
        return fx.inject_result;
    if (fx.ninjects < FX_MAX_INJECTS) {
        fx.injects[fx.ninjects] = irq;
        fx.inject_flags[fx.ninjects++] = flags;
    }
    return HV_OK;
}

static void f_console(void *ctx, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n && fx.nout < sizeof(fx.out); i++)
        fx.out[fx.nout++] = b[i];
}

static void f_power(void *ctx, enum vmm_power what)
{
    fx.power_calls++;
    fx.last_power = what;
}

static void f_log(void *ctx, const char *line)
{
    fx.log_lines++;
    strncpy(fx.last_log, line, sizeof(fx.last_log) - 1);
}

static bool f_read(void *ctx, uint32_t reg, uint64_t *v)
{
    if (fx.fail_reads || reg >= HV_X86_REG_COUNT)
        return false;
    *v = fx.regs[reg];
    return true;
}

static bool f_write(void *ctx, uint32_t reg, uint64_t v)
{
    if (fx.refuse_writes || reg >= HV_X86_REG_COUNT)
        return false;
    if (fx.refuse_deadline_without_vector && reg == HV_X86_TIMER_DEADLINE && v &&
        !fx.regs[HV_X86_TIMER_VECTOR])
        return false;
    fx.regs[reg] = v;
    fx.reg_written[reg] = true;
    if (fx.nwrites < FX_MAX_WRITES) {
        fx.write_reg[fx.nwrites] = reg;
        fx.write_val[fx.nwrites] = v;
    }
    fx.nwrites++;
    return true;
}

/* A host that looks like QEMU's qemu64 with SVM: AMD, family 15, a few features. */
static void f_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, struct x86_cpuid_regs *r)
{
    *r = (struct x86_cpuid_regs){0};
    if (leaf == 0) {
        r->eax = 0xd;
        memcpy(&r->ebx, "Auth", 4);
        memcpy(&r->edx, "enti", 4);
        memcpy(&r->ecx, "cAMD", 4);
    } else if (leaf == 1) {
        r->eax = 0x000f0fb1;
        r->ebx = 0x00040800; /* 4 logical processors, APIC ID 0 */
        r->ecx = 0x80a02209 | (1u << 5) | (1u << 3) | (1u << 26) | (1u << 28);
        r->edx = 0x178bfbff;
    } else if (leaf == 0x80000001) {
        r->ecx = 0x00000025; /* LAHF, SVM, ABM */
        r->edx = 0x20100800;
    }
}

static uint64_t f_now(void *ctx)
{
    uint64_t t = fx.now_ns;
    fx.now_ns += fx.now_step_ns;
    return t;
}

static const struct vmm_ops ops = {
    .inject = f_inject, .console_write = f_console, .power = f_power, .log = f_log};
static const struct vmm_x86_ops xops = {
    .vcpu_read = f_read, .vcpu_write = f_write, .host_cpuid = f_cpuid, .now_ns = f_now};

void fx_setup(void)
{
    uint8_t *ram = fx.ram;
    memset(&fx, 0, sizeof(fx));
    fx.ram = ram ? ram : calloc(1, FX_RAM_SIZE);
    memset(fx.ram, 0, FX_RAM_SIZE);
    fx.now_ns = 1000;
    const struct x86_platform_config cfg = {.tsc_hz = 1000000000ull, .x2apic = true};
    ck_assert_int_eq(vmm_x86_init(&fxv, &ops, &xops, NULL, "t", &cfg, fx.ram, FX_RAM_SIZE), HV_OK);
}

void fx_teardown(void)
{
    free(fx.ram);
    fx.ram = NULL;
}

void fx_assert_well_formed(const uint64_t reply[6], unsigned len)
{
    ck_assert_uint_le(len, 6);
    if (len == 0)
        return;
    uint64_t f = reply[0];
    ck_assert_uint_eq(f & ~(uint64_t)HV_VCPU_RESUME_ALL, 0);
    ck_assert(!((f & HV_VCPU_RESUME_ADVANCE) && (f & HV_VCPU_RESUME_FAULT)));
    if (f & (HV_VCPU_RESUME_ADVANCE | HV_VCPU_RESUME_FAULT))
        ck_assert_uint_ge(len, 2);
    if (f & HV_VCPU_RESUME_ADVANCE)
        ck_assert_uint_le(reply[1], 15);
    if ((f & HV_VCPU_RESUME_FAULT) && reply[1])
        ck_assert_uint_eq(reply[1] & 0xffffff00u, 1u << 8);
    if (f & HV_VCPU_RESUME_SET_A) {
        ck_assert_uint_ge(len, 4);
        ck_assert_uint_lt(reply[2], HV_X86_RIP);
    }
    if (f & HV_VCPU_RESUME_SET_B) {
        ck_assert_uint_ge(len, 6);
        ck_assert_uint_lt(reply[4], HV_X86_RIP);
    }
}

enum vmm_exit_action fx_exit(uint64_t code, uint64_t info1, uint64_t info2, uint64_t rip,
                             uint64_t rax, uint64_t reply[6], unsigned *len)
{
    const uint64_t w[6] = {code, info2, rip, info1, rax, 0};
    fx.regs[HV_X86_RAX] = rax;
    fx.regs[HV_X86_RIP] = rip;
    enum vmm_exit_action a = vmm_x86_handle_exit(&fxv.vmm, w, reply, len);
    fx_assert_well_formed(reply, *len);
    return a;
}

void fx_long_mode(void)
{
    /* PML4 at 1 MiB, PDPT, PD, two PTs covering 4 MiB. */
    uint64_t *pml4 = (uint64_t *)(fx.ram + 0x100000), *pdpt = pml4 + 512, *pd = pdpt + 512;
    uint64_t *pt = pd + 512;
    pml4[0] = 0x101000 | 3;
    pdpt[0] = 0x102000 | 3;
    pd[0] = 0x103000 | 3;
    pd[1] = 0x104000 | 3;
    for (unsigned i = 0; i < 1024; i++)
        pt[i] = (uint64_t)i << 12 | 3;
    fx.regs[HV_X86_CR0] = X86_CR0_PE | X86_CR0_PG;
    fx.regs[HV_X86_CR3] = 0x100000;
    fx.regs[HV_X86_CR4] = X86_CR4_PAE;
    fx.regs[HV_X86_EFER] = X86_EFER_LME | X86_EFER_LMA;
    fx.regs[HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_CODE64;
}

unsigned fx_injected(uint32_t vector)
{
    unsigned n = 0;
    for (unsigned i = 0; i < fx.ninjects; i++)
        n += fx.injects[i] == vector;
    return n;
}

uint32_t fx_in(uint16_t port, unsigned size)
{
    uint64_t reply[6];
    unsigned len;
    uint64_t sz = size == 1 ? SVM_IOIO_SZ8 : size == 2 ? SVM_IOIO_SZ16 : SVM_IOIO_SZ32;
    fx_exit(SVM_EXIT_IOIO, (uint64_t)port << 16 | sz | SVM_IOIO_TYPE_IN, 0x1001, 0x1000,
            0xdeadbeefcafe0000ull, reply, &len);
    ck_assert_uint_eq(reply[0] & HV_VCPU_RESUME_SET_A, HV_VCPU_RESUME_SET_A);
    ck_assert_uint_eq(reply[2], HV_X86_RAX);
    return (uint32_t)(reply[3] & (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1));
}

void fx_out(uint16_t port, unsigned size, uint32_t value)
{
    uint64_t reply[6];
    unsigned len;
    uint64_t sz = size == 1 ? SVM_IOIO_SZ8 : size == 2 ? SVM_IOIO_SZ16 : SVM_IOIO_SZ32;
    fx_exit(SVM_EXIT_IOIO, (uint64_t)port << 16 | sz, 0x1001, 0x1000, value, reply, &len);
}

bool fx_rdmsr(uint32_t msr, uint64_t *value)
{
    uint64_t reply[6];
    unsigned len;
    fx.regs[HV_X86_RCX] = msr;
    fx_exit(SVM_EXIT_MSR, 0, 0, 0x1000, 0, reply, &len);
    if (reply[0] & HV_VCPU_RESUME_FAULT)
        return false;
    ck_assert_uint_eq(reply[0],
                      HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B | HV_VCPU_RESUME_ADVANCE);
    *value = reply[3] | reply[5] << 32;
    return true;
}

bool fx_wrmsr(uint32_t msr, uint64_t value)
{
    uint64_t reply[6];
    unsigned len;
    fx.regs[HV_X86_RCX] = msr;
    fx.regs[HV_X86_RDX] = value >> 32;
    fx_exit(SVM_EXIT_MSR, 1, 0, 0x1000, value & 0xffffffffu, reply, &len);
    return !(reply[0] & HV_VCPU_RESUME_FAULT);
}
