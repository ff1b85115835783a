/* A fake arch for host tests of the kernel core: every physical access goes through a bounds
 * check into one heap buffer, so a wild access is an abort or an ASan report. */
#include "fake_arch.h"
#include "pt_format.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <hv/abi/syscall.h>
#include <kernel/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake_arch fake;
static uint8_t *phys;

void fake_arch_reset_size(size_t used)
{
    size_t size = (size_t)1 << FAKE_PHYS_BITS;
    if (!phys)
        phys = aligned_alloc(4096, size);
    memset(phys, 0xa5, used < size ? used : size); /* retype must zero what it hands out */
    memset(&fake, 0, sizeof(fake));
    for (unsigned i = 0; i < FAKE_IRQS; i++)
        fake.irq_masked[i] = true;
}

void fake_arch_reset(void)
{
    fake_arch_reset_size((size_t)1 << FAKE_PHYS_BITS);
}

void *arch_phys_to_virt(paddr_t pa)
{
    uint64_t off = pa_addr(pa) - FAKE_PHYS_BASE;
    if (pa_addr(pa) < FAKE_PHYS_BASE || off >= (1ull << FAKE_PHYS_BITS)) {
        fprintf(stderr, "fake arch: physical address %#llx outside RAM\n",
                (unsigned long long)pa_addr(pa));
        abort();
    }
    return phys + off;
}

paddr_t arch_virt_to_phys(const void *va)
{
    return pa_init(FAKE_PHYS_BASE + (uint64_t)((const uint8_t *)va - phys));
}

void arch_console_putc(char c)
{
    if (fake.console_len < sizeof(fake.console) - 1)
        fake.console[fake.console_len++] = c;
}

uint64_t arch_context_reg(const struct arch_context *ctx, unsigned r)
{
    if (r >= HV_SYSCALL_REGS)
        abort();
    return ctx->words[r];
}

void arch_context_set_reg(struct arch_context *ctx, unsigned r, uint64_t v)
{
    if (r >= HV_SYSCALL_REGS)
        abort();
    ctx->words[r] = v;
}

void arch_context_init(struct arch_context *ctx, uint64_t pc, uint64_t sp, uint64_t arg)
{
    ctx->words[FAKE_CTX_PC] = pc;
    ctx->words[FAKE_CTX_SP] = sp;
    ctx->words[0] = arg;
}

uint64_t arch_context_pc(const struct arch_context *ctx)
{
    return ctx->words[FAKE_CTX_PC];
}

const struct pt_format *arch_vspace_format(void)
{
    return &aarch64_stage1_format;
}

void arch_vspace_init(struct arch_vspace *avs, paddr_t root)
{
    avs->words[0] = pa_addr(root);
}

void arch_vspace_destroy(struct arch_vspace *avs, paddr_t root)
{
    if (avs->words[0] != pa_addr(root))
        abort();
    fake.flushes++;
}

void arch_vspace_flush(struct arch_vspace *avs, uint64_t va, uint64_t size)
{
    fake.flushes++;
}

void arch_irq_mask(unsigned irq)
{
    if (irq < FAKE_IRQS)
        fake.irq_masked[irq] = true;
}

void arch_irq_unmask(unsigned irq)
{
    if (irq >= FAKE_IRQS)
        abort();
    fake.irq_masked[irq] = false;
}

bool arch_irq_trigger_ok(unsigned irq, unsigned trigger)
{
    return irq < FAKE_IRQS && trigger == HV_IRQ_EDGE_HIGH;
}

void arch_irq_set_trigger(unsigned irq, unsigned trigger)
{
    if (irq >= FAKE_IRQS)
        abort();
    fake.irq_trigger[irq] = trigger;
}

unsigned arch_irq_count(void)
{
    return FAKE_IRQS;
}

bool arch_irq_reserved(unsigned irq)
{
    return irq == FAKE_TIMER_IRQ;
}

bool arch_has_ioports(void)
{
    return !fake.no_ioports;
}

bool arch_ioport_reserved(unsigned port)
{
    return (port >= FAKE_RESERVED_PORT_FIRST && port <= FAKE_RESERVED_PORT_LAST) ||
           port == FAKE_RESERVED_PORT_EXIT;
}

/* The core must have checked everything: a bad access here is a test failure. */
static void fake_port_access(unsigned port, unsigned size, bool out)
{
    if ((size != 1 && size != 2 && size != 4) || port + size - 1 > 0xffff || fake.no_ioports)
        abort();
    for (unsigned i = 0; i < size; i++)
        if (arch_ioport_reserved(port + i))
            abort();
    fake.port_accesses++;
    fake.last_port = port, fake.last_size = size, fake.last_out = out;
}

uint32_t arch_ioport_in(unsigned port, unsigned size)
{
    fake_port_access(port, size, false);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)fake.ports[port + i] << (8 * i);
    return v;
}

void arch_ioport_out(unsigned port, unsigned size, uint32_t v)
{
    fake_port_access(port, size, true);
    if (size < 4 && v >> (8 * size))
        abort();
    for (unsigned i = 0; i < size; i++)
        fake.ports[port + i] = (uint8_t)(v >> (8 * i));
}

/* ---- timer ---- */

uint64_t arch_counter_now(void)
{
    return fake.now;
}

uint64_t arch_counter_hz(void)
{
    return fake.hz ? fake.hz : FAKE_COUNTER_HZ;
}

int arch_timer_init(void)
{
    return HV_OK;
}

void arch_timer_set_deadline(uint64_t when)
{
    fake.deadline = when;
    fake.deadlines_set++;
}

void arch_wait_for_interrupt(void)
{
    /* Host tests drive time themselves (kernel_timer_interrupt): nothing would ever come. */
    abort();
}

void arch_idle(void)
{
    abort(); /* as above: the scheduler's idle would wait forever */
}

/* ---- guest address spaces: the real AArch64 stage-2 format, three tags ---- */

const struct pt_format *arch_guest_vspace_format(void)
{
    return &aarch64_stage2_format;
}

ipa_t arch_guest_vspace_top(void)
{
    return ipa_init(1ull << aarch64_stage2_format.va_bits);
}

int arch_guest_vspace_init(struct arch_vspace *avs, paddr_t root)
{
    for (unsigned tag = 1; tag <= FAKE_GUEST_TAGS; tag++) {
        if (!(fake.guest_tags & (1u << tag))) {
            fake.guest_tags |= 1u << tag;
            avs->words[0] = tag;
            avs->words[1] = pa_addr(root);
            return HV_OK;
        }
    }
    return HV_EBUSY;
}

void arch_guest_vspace_flush(struct arch_vspace *avs, ipa_t ipa, uint64_t size)
{
    fake.guest_flushes++;
}

void arch_guest_vspace_destroy(struct arch_vspace *avs, paddr_t root)
{
    if (avs->words[1] != pa_addr(root) || !(fake.guest_tags & (1u << avs->words[0])))
        abort();
    fake.guest_tags &= ~(1u << avs->words[0]);
    fake.guest_flushes++;
}

/* ---- vcpus: a register file, a pending queue and a timer deadline ---- */

void arch_vcpu_reset(struct arch_vcpu *av, paddr_t arch_page)
{
    memset(av, 0, sizeof(*av));
    av->words[FAKE_VREG_TIMER] = UINT64_MAX;
    av->words[FAKE_VW_ARCH_PAGE] = pa_addr(arch_page);
}

int arch_vcpu_read(const struct arch_vcpu *av, unsigned reg, uint64_t *val)
{
    if (reg >= FAKE_VREG_COUNT)
        return HV_ERANGE;
    *val = av->words[reg];
    return HV_OK;
}

static int check_write(unsigned reg, uint64_t val)
{
    if (reg >= FAKE_VREG_COUNT || reg == FAKE_VREG_FAULTS)
        return HV_ERANGE;
    if (reg == FAKE_VREG_PSTATE && val >= 16)
        return HV_EINVAL;
    return HV_OK;
}

int arch_vcpu_write(struct arch_vcpu *av, unsigned reg, uint64_t val)
{
    int r = check_write(reg, val);
    if (r == HV_OK)
        av->words[reg] = val;
    return r;
}

bool arch_vcpu_has_doorbells(void)
{
    return !fake.no_doorbells;
}

int arch_vcpu_inject(struct arch_vcpu *av, uint64_t irq, uint64_t flags)
{
    if (irq > 1019 || flags > 0xff)
        return HV_EINVAL;
    uint64_t n = av->words[FAKE_VW_NPENDING];
    for (uint64_t i = 0; i < n; i++)
        if (av->words[FAKE_VW_PENDING + i] == irq)
            return HV_OK;
    if (n == FAKE_VCPU_QUEUE)
        return HV_EBUSY;
    av->words[FAKE_VW_PENDING + n] = irq;
    av->words[FAKE_VW_NPENDING] = n + 1;
    return HV_OK;
}

int arch_vcpu_resume(struct arch_vcpu *av, const uint64_t *w, unsigned len)
{
    uint64_t flags = len > 0 ? w[0] : 0;
    uint64_t get[HV_MSG_WORDS] = {0};
    for (unsigned i = 0; i < len && i < HV_MSG_WORDS; i++)
        get[i] = w[i];
    if (flags & ~(uint64_t)HV_VCPU_RESUME_ALL)
        return HV_EINVAL;
    if ((flags & HV_VCPU_RESUME_ADVANCE) && (flags & HV_VCPU_RESUME_FAULT))
        return HV_EINVAL;
    if ((flags & HV_VCPU_RESUME_SET_A) && (get[2] > UINT32_MAX || check_write((unsigned)get[2], get[3])))
        return HV_EINVAL;
    if ((flags & HV_VCPU_RESUME_SET_B) && (get[4] > UINT32_MAX || check_write((unsigned)get[4], get[5])))
        return HV_EINVAL;
    if (flags & HV_VCPU_RESUME_SET_A)
        av->words[get[2]] = get[3];
    if (flags & HV_VCPU_RESUME_SET_B)
        av->words[get[4]] = get[5];
    if (flags & HV_VCPU_RESUME_ADVANCE)
        av->words[FAKE_VREG_PC] += get[1] ? get[1] : 4;
    if (flags & HV_VCPU_RESUME_FAULT)
        av->words[FAKE_VREG_FAULTS]++;
    return HV_OK;
}

bool arch_vcpu_wake_pending(const struct arch_vcpu *av)
{
    return av->words[FAKE_VW_NPENDING] > 0 || av->words[FAKE_VREG_TIMER] <= fake.now;
}

uint64_t arch_vcpu_wake_deadline(const struct arch_vcpu *av)
{
    return av->words[FAKE_VREG_TIMER];
}

_Noreturn void kernel_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "kernel assertion '%s' failed at %s:%d\n", expr, file, line);
    abort();
}
