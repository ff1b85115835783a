/* The platform's wiring: interrupt lines from the models to the 8259 pair and the IOAPIC,
 * from those to the LAPIC and the CPU, the shared timer deadline, and the MMIO pages. */
#include "x86_64/x86_platform.h"

#include "x86_64/exit/msr.h"
#include "x86_64/pc_wiring.h"
#include <hv/bits.h>

static uint64_t pf_now(void *ctx)
{
    struct x86_platform *pf = ctx;
    return pf->ops.now_ns(pf->ops.ctx);
}

static void pf_console(void *ctx, uint8_t byte)
{
    struct x86_platform *pf = ctx;
    if (pf->ops.console_write)
        pf->ops.console_write(pf->ops.ctx, byte);
}

static void pf_uart_irq(void *ctx, bool level)
{
    x86_platform_set_irq(ctx, X86_IRQ_COM1, level);
}

static void pf_pit_irq(void *ctx, bool level)
{
    x86_platform_set_irq(ctx, X86_IRQ_PIT, level);
}

static void pf_pic_out(void *ctx, bool level)
{
    /* INTR is sampled when the VMM asks for an interrupt (x86_platform_take_interrupt). */
}

static void pf_ioapic_deliver(void *ctx, const struct apic_msg *msg)
{
    struct x86_platform *pf = ctx;
    lapic_deliver(&pf->lapic, msg);
}

static void pf_lapic_eoi(void *ctx, uint8_t vector)
{
    struct x86_platform *pf = ctx;
    ioapic_eoi(&pf->ioapic, vector);
}

static void pf_lapic_arm(void *ctx, uint64_t deadline)
{
    /* Re-armed as a whole at the end of the exit or event (x86_platform_poll). */
}

static void pf_lapic_note(void *ctx, const char *what, uint32_t where)
{
    struct x86_platform *pf = ctx;
    x86_log_once(&pf->log, X86_LOG_MODEL, 0x1000000ull | where, "x86: lapic: %s (0x%x)", what,
                 where);
}

static uint64_t pf_lapic_undelivered(void *ctx, unsigned n)
{
    struct x86_platform *pf = ctx;
    return pf->ops.intr_undelivered ? pf->ops.intr_undelivered(pf->ops.ctx, n) : 0;
}

static void pf_log(void *ctx, const char *msg)
{
    struct x86_platform *pf = ctx;
    if (pf->ops.log)
        pf->ops.log(pf->ops.ctx, msg);
}

void x86_platform_init(struct x86_platform *pf, const struct x86_platform_config *cfg,
                       const struct x86_platform_ops *ops)
{
    *pf = (struct x86_platform){.cfg = *cfg, .ops = *ops, .armed = UINT64_MAX};
    pf->pat = 0x0007040600070406ull; /* the architectural reset value */
    pf->misc_enable = X86_MISC_ENABLE_VALUE;
    if (!pf->cfg.apic_bus_hz)
        pf->cfg.apic_bus_hz = 1000000000ull;
    if (!pf->cfg.tsc_hz)
        pf->cfg.tsc_hz = 1000000000ull;
    x86_log_init(&pf->log, pf_log, pf);
    uart_init(&pf->uart, pf_console, pf_uart_irq, pf);
    pic_init(&pf->pic, pf_pic_out, pf);
    pit_init(&pf->pit, pf_now, pf_pit_irq, pf);
    ioapic_init(&pf->ioapic, 0, pf_ioapic_deliver, pf);
    struct lapic_ops lops = {
        .ctx = pf,
        .now_ns = pf_now,
        .timer_arm = pf_lapic_arm,
        .eoi = pf_lapic_eoi,
        .note = pf_lapic_note,
        .undelivered = pf_lapic_undelivered,
    };
    /* One vcpu, APIC ID 0, the bootstrap processor; the IOAPIC takes ID 0 too (separate
     * ID spaces on a system bus APIC). */
    lapic_init(&pf->lapic, 0, cfg->x2apic, pf->cfg.tsc_hz, pf->cfg.apic_bus_hz, &lops);
    cmos_init(&pf->cmos, cfg->rtc_epoch_s, pf_now, pf);
    acpi_pm_init(&pf->pm, pf_now, pf);
}

void x86_platform_set_irq(struct x86_platform *pf, unsigned gsi, bool level)
{
    if (gsi < 16) {
        pic_set_irq(&pf->pic, gsi, level);
        /* The ISA timer is wired to IOAPIC pin 2 (pin 0 carries the 8259's INTR on PCs). */
        ioapic_set_pin(&pf->ioapic, gsi == X86_IRQ_PIT ? X86_GSI_PIT : gsi, level);
    } else if (gsi < IOAPIC_PINS) {
        ioapic_set_pin(&pf->ioapic, gsi, level);
    }
}

/* The vector the 8259 pair would answer an INTA with if IRQ0 were its only request, or -1
 * when IRQ0 could not reach the CPU that way (masked, or the LAPIC takes no ExtINT). */
static int pic_irq0_vector(struct x86_platform *pf)
{
    const struct pic_chip *m = &pf->pic.chip[0];
    if ((m->imr & 1) || m->step != PIC_READY || !lapic_accepts_extint(&pf->lapic))
        return -1;
    return m->vector_base;
}

/* Whether the kernel may raise this LAPIC vector at a deadline by itself: only if the LAPIC
 * would dispatch it then. A vector the processor priority holds back (a handler of its class
 * or above in service, or the TPR) waits in the IRR until an EOI or a TPR write lowers the
 * priority; both are exits, and the timer is armed again at the end of each (IRQ-X6). */
static bool kernel_may_raise(const struct x86_platform *pf, unsigned vector)
{
    return vector >= 32 && vector < 256 && lapic_deliverable(&pf->lapic, (uint8_t)vector);
}

/* The vector PIT IRQ0 becomes at the CPU: through IOAPIC pin 2 when that is unmasked and
 * fixed, else through the 8259 pair; -1 if it would not be delivered now. */
static int pit_vector(struct x86_platform *pf)
{
    uint64_t rte = pf->ioapic.rte[X86_GSI_PIT];
    unsigned mode = (rte >> IOAPIC_RTE_DELMODE_SHIFT) & 7;
    if (!(rte & IOAPIC_RTE_MASKED) && (mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST))
        return kernel_may_raise(pf, rte & IOAPIC_RTE_VECTOR) ? (int)(rte & IOAPIC_RTE_VECTOR)
                                                              : -1;
    return pic_irq0_vector(pf);
}

/* The next timed interrupt that will reach the CPU and its vector. A timer whose interrupt
 * is masked needs no wake-up: its state is computed from the clock when next looked at. */
static uint64_t next_timed(struct x86_platform *pf, uint8_t *vector)
{
    uint64_t best = UINT64_MAX;
    uint32_t lvt = pf->lapic.lvt[0];
    uint64_t l = lapic_timer_deadline(&pf->lapic);
    if (l != UINT64_MAX && !(lvt & LAPIC_LVT_MASKED) && kernel_may_raise(pf, lvt & 0xff)) {
        best = l;
        *vector = (uint8_t)lvt;
    }
    uint64_t p = pit_next_deadline(&pf->pit);
    int pv = pit_vector(pf);
    if (p < best && pv >= 32) {
        best = p;
        *vector = (uint8_t)pv;
    }
    return best;
}

void x86_platform_rearm(struct x86_platform *pf)
{
    uint8_t vector = 0;
    uint64_t d = next_timed(pf, &vector);
    if (d == UINT64_MAX)
        vector = 0;
    if (d == pf->armed && vector == pf->armed_vector)
        return;
    pf->armed = d;
    pf->armed_vector = vector;
    if (pf->ops.timer_arm)
        pf->ops.timer_arm(pf->ops.ctx, d, vector);
}

/* The kernel injected the armed vector when the deadline passed: the models have just raised
 * the same interrupt, so take it here instead of injecting it a second time. */
static void consume_armed(struct x86_platform *pf)
{
    uint8_t v = pf->armed_vector;
    if (lapic_pending_vector(&pf->lapic) == v) {
        lapic_ack(&pf->lapic, v);
        return;
    }
    if (pic_output(&pf->pic) && lapic_accepts_extint(&pf->lapic) && pic_irq0_vector(pf) == v &&
        (pf->pic.chip[0].irr & 1))
        (void)pic_ack(&pf->pic);
}

void x86_platform_poll(struct x86_platform *pf)
{
    bool fired = pf->armed != UINT64_MAX && pf->ops.now_ns(pf->ops.ctx) >= pf->armed;
    pit_update(&pf->pit);
    lapic_timer_update(&pf->lapic);
    if (fired) {
        consume_armed(pf);
        pf->armed = UINT64_MAX; /* the kernel's timer is one-shot: it is off now */
        pf->armed_vector = 0;
    }
    x86_platform_rearm(pf);
}

int x86_platform_take_interrupt(struct x86_platform *pf)
{
    int v = lapic_pending_vector(&pf->lapic);
    if (v >= 0) {
        lapic_ack(&pf->lapic, (uint8_t)v);
        return v;
    }
    /* The 8259's INTR reaches the CPU through LINT0 in ExtINT mode (virtual wire), an
     * IOAPIC ExtINT message, or straight when the LAPIC is disabled. */
    if (pic_output(&pf->pic) && lapic_accepts_extint(&pf->lapic)) {
        pf->lapic.extint_pending = false;
        return pic_ack(&pf->pic);
    }
    return -1;
}

void x86_platform_untake_interrupt(struct x86_platform *pf, uint8_t vector)
{
    lapic_unack(&pf->lapic, vector);
}

bool x86_platform_take_nmi(struct x86_platform *pf)
{
    bool nmi = pf->lapic.nmi_pending;
    pf->lapic.nmi_pending = false;
    return nmi;
}

size_t x86_platform_console_input(struct x86_platform *pf, const uint8_t *buf, size_t n)
{
    return uart_rx_push(&pf->uart, buf, n);
}

uint64_t x86_mmio_read(struct x86_platform *pf, uint64_t gpa, unsigned size)
{
    uint64_t v = hv_size_mask(size);
    bool ok;
    if (gpa >= IOAPIC_BASE && gpa < IOAPIC_BASE + IOAPIC_SIZE)
        ok = ioapic_mmio_read(&pf->ioapic, gpa - IOAPIC_BASE, size, &v);
    else if (gpa >= LAPIC_BASE && gpa < LAPIC_BASE + LAPIC_SIZE)
        ok = lapic_mmio_read(&pf->lapic, gpa - LAPIC_BASE, size, &v);
    else
        ok = pf->ops.mmio_read && pf->ops.mmio_read(pf->ops.ctx, gpa, size, &v);
    if (!ok) {
        v = hv_size_mask(size);
        x86_log_once(&pf->log, X86_LOG_MMIO, gpa >> 12,
                     "x86: unclaimed MMIO read 0x%lx size %u (reads all ones)", (unsigned long)gpa,
                     size);
    }
    return v;
}

void x86_mmio_write(struct x86_platform *pf, uint64_t gpa, unsigned size, uint64_t value)
{
    bool ok;
    if (gpa >= IOAPIC_BASE && gpa < IOAPIC_BASE + IOAPIC_SIZE)
        ok = ioapic_mmio_write(&pf->ioapic, gpa - IOAPIC_BASE, size, value);
    else if (gpa >= LAPIC_BASE && gpa < LAPIC_BASE + LAPIC_SIZE)
        ok = lapic_mmio_write(&pf->lapic, gpa - LAPIC_BASE, size, value);
    else
        ok = pf->ops.mmio_write && pf->ops.mmio_write(pf->ops.ctx, gpa, size, value);
    if (!ok)
        x86_log_once(&pf->log, X86_LOG_MMIO, gpa >> 12,
                     "x86: unclaimed MMIO write 0x%lx size %u (ignored)", (unsigned long)gpa, size);
}
