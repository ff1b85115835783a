/* libFuzzer target for the x86_64 VMM: a guest with fuzzed memory (instruction bytes, page
 * tables) and registers takes fuzzed exits, clock steps, console input and interrupt-line
 * changes. Every reply must be well-formed per hv/abi/vcpu.h, every injection a legal vector,
 * every timer arming a legal vector; string I/O in 64-bit mode must respect the guest's page
 * protection (string_oracle.h, SEC-V1); and nothing may crash or trip a sanitizer. */
#include "fuzz_input.h"
#include "fuzz_invariant.h"
#include "string_oracle.h"
#include <hv/abi/svm_exit.h>
#include "x86_64/vmm_x86.h"
#include <hv/abi/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (2u << 20)
#define PT_BASE 0x100000u

static uint8_t ram[RAM_SIZE];
static uint8_t ram_before[RAM_SIZE]; /* the string I/O oracle's snapshot */
static uint64_t regs[HV_X86_REG_COUNT];
static uint64_t now;
static struct vmm_x86 x;

static int f_inject(void *ctx, unsigned cpu, uint32_t irq, uint64_t flags)
{
    INVARIANT(cpu == 0);
    if (flags == HV_X86_INJECT_INTR)
        INVARIANT(irq >= 32 && irq <= 255);
    else
        INVARIANT(flags == HV_X86_INJECT_NMI && irq == 2);
    return HV_OK;
}

static void f_console(void *ctx, const uint8_t *b, size_t n)
{
    INVARIANT(n > 0);
}

static void f_power(void *ctx, enum vmm_power what)
{
    INVARIANT(what == VMM_POWER_OFF || what == VMM_POWER_RESET || what == VMM_POWER_EXIT);
}

static void f_log(void *ctx, const char *line)
{
    INVARIANT(strlen(line) < 256);
}

static bool f_read(void *ctx, uint32_t reg, uint64_t *v)
{
    if (reg >= HV_X86_REG_COUNT)
        return false;
    *v = regs[reg];
    return true;
}

static bool f_write(void *ctx, uint32_t reg, uint64_t v)
{
    INVARIANT(reg < HV_X86_REG_COUNT);
    /* The kernel refuses a deadline without a vector: the VMM writes the vector first. */
    if (reg == HV_X86_TIMER_DEADLINE && v)
        INVARIANT(regs[HV_X86_TIMER_VECTOR] >= 32 && regs[HV_X86_TIMER_VECTOR] <= 255);
    regs[reg] = v;
    return true;
}

static void f_cpuid(void *ctx, uint32_t leaf, uint32_t sub, struct x86_cpuid_regs *r)
{
    /* Whatever a host might say: derived from the leaf so runs are reproducible. */
    uint64_t h = (leaf * 0x9e3779b97f4a7c15ull) ^ sub;
    *r = (struct x86_cpuid_regs){(uint32_t)h, (uint32_t)(h >> 32), (uint32_t)(h >> 7),
                                 (uint32_t)(h >> 21)};
}

static uint64_t f_now(void *ctx)
{
    return now;
}

static const struct vmm_ops ops = {
    .inject = f_inject, .console_write = f_console, .power = f_power, .log = f_log};
static const struct vmm_x86_ops xops = {
    .vcpu_read = f_read, .vcpu_write = f_write, .host_cpuid = f_cpuid, .now_ns = f_now};

/* RFLAGS bits OR, AND, XOR and TEST write: CF PF AF ZF SF OF. */
#define LOGIC_FLAGS 0x8d5ull

static bool reg_ok(uint64_t reg, uint64_t value)
{
    if (reg <= HV_X86_R15)
        return true;
    return reg == HV_X86_RFLAGS && ((value ^ regs[HV_X86_RFLAGS]) & ~LOGIC_FLAGS) == 0;
}

static void check_reply(const uint64_t r[6], unsigned len, enum vmm_exit_action a)
{
    INVARIANT(len <= 6);
    if (a != VMM_EXIT_RESUME) {
        INVARIANT(a == VMM_EXIT_STOP && len == 0);
        return;
    }
    if (len == 0)
        return;
    uint64_t f = r[0];
    INVARIANT((f & ~(uint64_t)HV_VCPU_RESUME_ALL) == 0);
    INVARIANT(!((f & HV_VCPU_RESUME_ADVANCE) && (f & HV_VCPU_RESUME_FAULT)));
    if (f & (HV_VCPU_RESUME_ADVANCE | HV_VCPU_RESUME_FAULT))
        INVARIANT(len >= 2);
    if (f & HV_VCPU_RESUME_ADVANCE)
        INVARIANT(r[1] <= 15);
    if ((f & HV_VCPU_RESUME_FAULT) && r[1]) {
        INVARIANT((r[1] & 0xffffff00u) == 1u << 8);
        INVARIANT((r[1] & 0xff) < 32);
    }
    /* A reply sets general registers, and RFLAGS after a logical op on MMIO (only its
     * arithmetic flags differ from the guest's: reg_ok checks the value). */
    if (f & HV_VCPU_RESUME_SET_A)
        INVARIANT(len >= 4 && reg_ok(r[2], r[3]));
    if (f & HV_VCPU_RESUME_SET_B)
        INVARIANT(len >= 6 && reg_ok(r[4], r[5]));
    for (unsigned i = len; i < 6; i++)
        INVARIANT(r[i] == 0);
}

/* Identity-mapped long mode over the 2 MiB of RAM, or paging off. In long mode, the mode's
 * upper bits pick user mode (CPL 3), user pages (the tables and every other page), CR0.WP
 * and CR4.SMAP, so that the page-protection checks of string I/O are reached at once. */
static void guest_setup(uint8_t mode)
{
    memset(ram, 0, sizeof(ram));
    memset(regs, 0, sizeof(regs));
    if (mode % 3 == 0) {
        uint64_t us = (mode & 0x10) ? 4 : 0;
        uint64_t *pml4 = (uint64_t *)(ram + PT_BASE);
        pml4[0] = (PT_BASE + 0x1000) | 3 | us;
        pml4[512] = (PT_BASE + 0x2000) | 3 | us;  /* PDPT[0] */
        pml4[1024] = (PT_BASE + 0x3000) | 3 | us; /* PD[0] */
        for (unsigned i = 0; i < 512; i++)
            pml4[1536 + i] = (uint64_t)i << 12 | 3 | (i & 1 ? 0 : us);
        regs[HV_X86_CR0] = 0x80000011 | ((mode & 0x20) ? 1u << 16 : 0);
        regs[HV_X86_CR3] = PT_BASE;
        regs[HV_X86_CR4] = 0x20 | ((mode & 0x40) ? 1u << 21 : 0);
        regs[HV_X86_EFER] = 0x500;
        regs[HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_CODE64;
        regs[HV_X86_SEG(HV_X86_SS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_DATA;
        if (mode & 0x08) {
            regs[HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)] |= 3u << 5;
            regs[HV_X86_SEG(HV_X86_SS, HV_X86_SEG_ATTR)] |= 3u << 5;
        }
    } else if (mode % 3 == 1) {
        regs[HV_X86_CR0] = 0x11;
        regs[HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_CODE32;
    }
}

/* Flips flag bits of one entry of the long-mode tables guest_setup built (P, R/W, U/S, PS,
 * A/D; sometimes NX or an address bit), the way page-table bugs and attacks look. */
static void flip_entry(struct fuzz_input *in)
{
    unsigned table = in_u8(in) % 4, index = in_u16(in) % 512;
    uint8_t flags = in_u8(in), high = in_u8(in);
    uint64_t *e = (uint64_t *)(ram + PT_BASE + table * 0x1000) + index;
    *e ^= flags;
    if (high & 1)
        *e ^= 1ull << 63;
    if (high & 2)
        *e ^= 1ull << (12 + (high >> 2) % 40);
}

static void vmm_setup(struct fuzz_input *in)
{
    const struct x86_platform_config cfg = {
        .tsc_hz = 1000000000ull + in_u16(in),
        .x2apic = in_u8(in) & 1,
        .poweroff_port = in_u8(in) ? 0xf4 : 0,
    };
    INVARIANT(vmm_x86_init(&x, &ops, &xops, NULL, "fuzz", &cfg, ram, RAM_SIZE) == HV_OK);
}

static const uint64_t codes[] = {
    SVM_EXIT_IOIO,    SVM_EXIT_IOIO,     SVM_EXIT_IOIO,    SVM_EXIT_MSR,   SVM_EXIT_MSR,
    SVM_EXIT_NPF,     SVM_EXIT_NPF,      SVM_EXIT_NPF,     SVM_EXIT_CPUID, SVM_EXIT_HLT,
    SVM_EXIT_VMMCALL, SVM_EXIT_SHUTDOWN, SVM_EXIT_INVALID, SVM_EXIT_VINTR, HV_VCPU_EXIT_KERNEL | 1,
};

static void do_exit(struct fuzz_input *in)
{
    uint8_t sel = in_u8(in);
    uint64_t code = sel < 0xf0 ? codes[sel % (sizeof(codes) / sizeof(codes[0]))] : in_u64(in);
    uint64_t info1 = in_u64(in), info2 = in_u64(in), rax = in_u64(in);
    uint64_t rip = in_u32(in);
    if (code == SVM_EXIT_IOIO && !(sel & 0x80))
        info1 &= 0xffff03ffull; /* a plausible EXITINFO1: port and low flag bits */
    if (code == SVM_EXIT_MSR && !(sel & 0x80))
        info1 &= 1;
    if (code == SVM_EXIT_NPF && !(sel & 0x80)) {
        /* Mostly the platform's own pages, or a virtio slot. */
        static const uint64_t pages[] = {0xfec00000, 0xfee00000, 0xd0000000, 0xd0000e00};
        info2 = pages[info2 % 4] + (info2 >> 8 & 0xff);
        info1 &= SVM_NPF_WRITE | SVM_NPF_PRESENT | SVM_NPF_FETCH | SVM_NPF_IN_WALK;
    }
    regs[HV_X86_RAX] = rax;
    regs[HV_X86_RIP] = rip;
    const uint64_t w[6] = {code, info2, rip, info1, rax, 0};
    uint64_t reply[6] = {0};
    unsigned len = 99;
    const struct string_oracle_guest g = {ram, RAM_SIZE, regs};
    struct string_oracle o = {0};
    if (code == SVM_EXIT_IOIO)
        string_oracle_before(&o, &g, info1, ram_before);
    enum vmm_exit_action a = vmm_x86_handle_exit(&x.vmm, w, reply, &len);
    check_reply(reply, len, a);
    if (a == VMM_EXIT_RESUME)
        string_oracle_after(&o, &g, reply, len);
    if (a == VMM_EXIT_STOP)
        vmm_setup(in); /* what a reset does: a fresh platform */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size, 0};
    now = 1000;
    guest_setup(in_u8(&in));
    vmm_setup(&in);
    for (unsigned steps = 0; steps < 256 && !in_done(&in); steps++) {
        switch (in_u8(&in) % 7) {
        case 0:
            do_exit(&in);
            break;
        case 1: {
            uint32_t off = in_u32(&in) % (RAM_SIZE - 16);
            in_bytes(&in, ram + off, 16);
            break;
        }
        case 2: {
            uint8_t reg = in_u8(&in);
            regs[reg % HV_X86_REG_COUNT] = in_u64(&in);
            break;
        }
        case 3:
            now += in_u32(&in);
            vmm_x86_deliver(&x);
            break;
        case 4: {
            uint8_t buf[8];
            size_t n = in_u8(&in) % 8;
            in_bytes(&in, buf, n);
            size_t taken = vmm_console_input(&x.vmm, buf, n);
            INVARIANT(taken <= n);
            break;
        }
        case 6:
            flip_entry(&in);
            break;
        default: {
            uint8_t gsi = in_u8(&in);
            struct vmm_irq_line line = vmm_x86_irq_line(&x, gsi % 32);
            vmm_irq_set(&line, gsi & 0x80);
            vmm_x86_deliver(&x);
            break;
        }
        }
    }
    return 0;
}
