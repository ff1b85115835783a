/* The local APIC's registers and interrupt state; the timer is in lapic_timer.c. */
#include "x86_64/devices/lapic.h"

#include <hv/bits.h>
#include <hv/string.h>

#define LAPIC_VERSION 0x14u /* an integrated APIC */
#define LAPIC_MAX_LVT (LAPIC_LVT_COUNT - 1)

/* Bits software may write in each LVT (SDM 10.5.1): timer, thermal, perf, LINT0, LINT1,
 * error. Delivery status and remote IRR are read only. */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
    0x000700ffu, 0x000107ffu, 0x000107ffu, 0x0001a7ffu, 0x0001a7ffu, 0x000100ffu,
};

static void note(struct lapic *l, const char *what, uint32_t where)
{
    if (l->ops.note)
        l->ops.note(l->ops.ctx, what, where);
}

static bool vec_test(const uint32_t *bits, unsigned v)
{
    return bits[v >> 5] & (1u << (v & 31));
}

static void vec_set(uint32_t *bits, unsigned v)
{
    bits[v >> 5] |= 1u << (v & 31);
}

static void vec_clear(uint32_t *bits, unsigned v)
{
    bits[v >> 5] &= ~(1u << (v & 31));
}

static int vec_highest(const uint32_t *bits)
{
    for (int w = 7; w >= 0; w--)
        if (bits[w])
            return w * 32 + 31 - __builtin_clz(bits[w]);
    return -1;
}

bool lapic_x2apic_mode(const struct lapic *l)
{
    return (l->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
}

bool lapic_xapic_mode(const struct lapic *l)
{
    return (l->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EN;
}

static bool sw_enabled(const struct lapic *l)
{
    return (l->apic_base & APIC_BASE_EN) && (l->svr & LAPIC_SVR_ENABLE);
}

/* The x2APIC logical ID is derived from the APIC ID (SDM 10.12.10.2). */
static uint32_t x2apic_ldr(uint32_t id)
{
    return (id >> 4) << 16 | 1u << (id & 0xf);
}

/* Software-visible reset (SDM 10.4.7.1), also what disabling the APIC leaves behind. */
static void lapic_reset_regs(struct lapic *l)
{
    l->tpr = 0;
    l->svr = 0xff;
    l->ldr = lapic_x2apic_mode(l) ? x2apic_ldr(l->id) : 0;
    l->dfr = 0xffffffffu;
    l->esr = l->esr_pending = 0;
    l->icr_lo = l->icr_hi = 0;
    for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
        l->lvt[i] = LAPIC_LVT_MASKED;
    memset(l->irr, 0, sizeof(l->irr));
    memset(l->isr, 0, sizeof(l->isr));
    memset(l->tmr, 0, sizeof(l->tmr));
    memset(l->handed, 0, sizeof(l->handed));
    l->nmi_pending = false;
    l->extint_pending = false;
    lapic_timer_reset(l);
}

void lapic_init(struct lapic *l, uint32_t id, bool x2apic, uint64_t tsc_hz, uint64_t bus_hz,
                const struct lapic_ops *ops)
{
    memset(l, 0, sizeof(*l));
    l->ops = *ops;
    l->id = id;
    l->tsc_hz = tsc_hz ? tsc_hz : 1;
    l->bus_hz = bus_hz ? bus_hz : 1;
    l->apic_base =
        LAPIC_BASE | APIC_BASE_EN | (id == 0 ? APIC_BASE_BSP : 0) | (x2apic ? APIC_BASE_EXTD : 0);
    lapic_reset_regs(l);
}

uint64_t lapic_base_read(const struct lapic *l)
{
    return l->apic_base;
}

bool lapic_base_write(struct lapic *l, uint64_t value)
{
    /* Bits 12..51 are the base (physical-address width of 52 at most), 8/10/11 the flags. */
    const uint64_t valid = 0x000ffffffffff000ull | APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_EN;
    if (value & ~valid)
        return false;
    uint64_t mode_old = l->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD);
    uint64_t mode_new = value & (APIC_BASE_EN | APIC_BASE_EXTD);
    /* SDM 10.12.5 figure "x2APIC state transitions": EXTD without EN is invalid, and leaving
     * x2APIC mode goes through disabled first. */
    if (mode_new == APIC_BASE_EXTD)
        return false;
    if (mode_old == (APIC_BASE_EN | APIC_BASE_EXTD) && mode_new == APIC_BASE_EN)
        return false;
    if (mode_old == 0 && mode_new == (APIC_BASE_EN | APIC_BASE_EXTD))
        return false;
    /* Relocation: the MSR keeps the base written, but the register page stays at LAPIC_BASE,
     * as on QEMU 7.2 with TCG (LAPIC-X6, X7; KVM calls relocation unsupported). The SDM moves
     * the page; a guest that writes a stray base (0, say) still finds its APIC. */
    if ((value & ~0xfffull) != LAPIC_BASE)
        note(l, "APIC base moved: the registers stay at 0xfee00000", (uint32_t)(value >> 12));
    /* BSP is read only. */
    value = (value & ~APIC_BASE_BSP) | (l->apic_base & APIC_BASE_BSP);
    l->apic_base = value;
    if (mode_new == 0)
        lapic_reset_regs(l); /* hardware disable: state as after reset */
    else if (mode_new != mode_old)
        l->ldr = lapic_x2apic_mode(l) ? x2apic_ldr(l->id) : 0;
    return true;
}

/* PPR (SDM 10.8.3.1) with the given in-service set. */
static uint32_t ppr_with(const struct lapic *l, const uint32_t *isr)
{
    int isrv = vec_highest(isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
    return (l->tpr & 0xf0) >= isr_class ? l->tpr & 0xff : isr_class;
}

/* Delivery decisions count a handed vector as in service: the CPU takes it before anything
 * of a lower class, as it would take it from the IRR first. */
static uint32_t lapic_ppr(const struct lapic *l)
{
    return ppr_with(l, l->isr);
}

/* Forgets the handed vectors the CPU has taken since: they are really in service now. */
static void settle_handed(struct lapic *l)
{
    for (unsigned n = 0; n < 4; n++) {
        uint32_t *h = &l->handed[2 * n];
        if (!(h[0] | h[1]))
            continue;
        uint64_t left = l->ops.undelivered ? l->ops.undelivered(l->ops.ctx, n) : 0;
        h[0] &= (uint32_t)left;
        h[1] &= (uint32_t)(left >> 32);
    }
}

/* The in-service set the guest sees: without the vectors the CPU has not taken yet. */
static void isr_seen(struct lapic *l, uint32_t isr[8])
{
    settle_handed(l);
    for (unsigned i = 0; i < 8; i++)
        isr[i] = l->isr[i] & ~l->handed[i];
}

int lapic_pending_vector(const struct lapic *l)
{
    if (!(l->apic_base & APIC_BASE_EN))
        return -1;
    int v = vec_highest(l->irr);
    if (v < 0 || ((uint32_t)v & 0xf0) <= (lapic_ppr(l) & 0xf0))
        return -1;
    return v;
}

bool lapic_deliverable(const struct lapic *l, uint8_t vector)
{
    return (l->apic_base & APIC_BASE_EN) && (vector & 0xf0u) > (lapic_ppr(l) & 0xf0);
}

void lapic_ack(struct lapic *l, uint8_t vector)
{
    if (!vec_test(l->irr, vector))
        return;
    vec_clear(l->irr, vector);
    vec_set(l->isr, vector);
    vec_set(l->handed, vector);
}

void lapic_unack(struct lapic *l, uint8_t vector)
{
    if (!vec_test(l->isr, vector))
        return;
    vec_clear(l->isr, vector);
    vec_clear(l->handed, vector);
    vec_set(l->irr, vector);
}

static void lapic_error(struct lapic *l, uint32_t bit)
{
    l->esr_pending |= bit;
    uint32_t lvt = l->lvt[5];
    /* The error LVT raises its own interrupt, unless masked or itself illegal. */
    if (!(lvt & LAPIC_LVT_MASKED) && (lvt & 0xff) >= 16)
        lapic_set_irr(l, (uint8_t)lvt, false);
}

void lapic_set_irr(struct lapic *l, uint8_t vector, bool level)
{
    if (vector < 16) {
        /* Vectors 0-15 are reserved for exceptions (SDM 10.5.2). */
        lapic_error(l, LAPIC_ESR_RECV_ILLEGAL);
        return;
    }
    vec_set(l->irr, vector);
    if (level)
        vec_set(l->tmr, vector);
    else
        vec_clear(l->tmr, vector);
}

static void lapic_eoi(struct lapic *l)
{
    /* The highest vector the guest has taken: one handed to the CPU but still waiting for the
     * guest to open interrupts is not in service yet. */
    uint32_t isr[8];
    isr_seen(l, isr);
    int v = vec_highest(isr);
    if (v < 0)
        return; /* an EOI with nothing in service is ignored */
    vec_clear(l->isr, (unsigned)v);
    /* Level-triggered: broadcast the EOI so the IOAPIC clears remote IRR. */
    if (vec_test(l->tmr, (unsigned)v) && l->ops.eoi)
        l->ops.eoi(l->ops.ctx, (uint8_t)v);
}

bool lapic_accepts_extint(const struct lapic *l)
{
    /* A hardware-disabled APIC passes INTR straight to the CPU (SDM 10.4.3). */
    if (!(l->apic_base & APIC_BASE_EN))
        return true;
    uint32_t lint0 = l->lvt[3];
    return l->extint_pending ||
           (!(lint0 & LAPIC_LVT_MASKED) && ((lint0 >> 8) & 7) == APIC_DM_EXTINT);
}

static bool dest_matches(const struct lapic *l, const struct apic_msg *m)
{
    bool x2 = lapic_x2apic_mode(l);
    uint32_t broadcast = x2 ? 0xffffffffu : 0xffu;
    if (!m->logical)
        return m->dest == broadcast || m->dest == l->id;
    if (x2) {
        /* Cluster in bits 31:16, a bit per member in 15:0 (SDM 10.12.10.2). */
        return m->dest == broadcast ||
               ((m->dest >> 16) == (l->ldr >> 16) && (m->dest & l->ldr & 0xffff));
    }
    uint8_t dest = (uint8_t)m->dest, lid = (uint8_t)(l->ldr >> 24);
    if (dest == 0xff)
        return true;
    if ((l->dfr >> 28) == 0xf)
        return dest & lid;                                  /* flat model */
    return (dest >> 4) == (lid >> 4) && (dest & lid & 0xf); /* cluster model */
}

void lapic_deliver(struct lapic *l, const struct apic_msg *m)
{
    if (!(l->apic_base & APIC_BASE_EN) || !dest_matches(l, m))
        return;
    switch (m->delivery) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        /* A software-disabled APIC takes no fixed interrupts. */
        if (sw_enabled(l))
            lapic_set_irr(l, m->vector, m->level);
        break;
    case APIC_DM_NMI:
        l->nmi_pending = true;
        break;
    case APIC_DM_EXTINT:
        l->extint_pending = true;
        break;
    default:
        /* SMI, INIT, SIPI: one vcpu, no firmware; nothing to do. */
        note(l, "APIC delivery mode ignored", m->delivery);
        break;
    }
}

static void lapic_send_ipi(struct lapic *l, uint32_t lo, uint32_t dest)
{
    struct apic_msg m = {
        .vector = (uint8_t)lo,
        .delivery = (uint8_t)((lo >> 8) & 7),
        .logical = lo & (1u << 11),
        .level = false, /* IPIs are edge: level IPIs were only ever INIT deassert */
        .dest = dest,
    };
    unsigned shorthand = (lo >> 18) & 3;
    if ((m.delivery == APIC_DM_FIXED || m.delivery == APIC_DM_LOWEST) && m.vector < 16) {
        lapic_error(l, LAPIC_ESR_SEND_ILLEGAL);
        return;
    }
    if (shorthand == 3)
        return; /* all excluding self: there is nobody else */
    if (shorthand != 0) {
        /* Self, or all including self: deliver to ourselves whatever the destination. */
        m.logical = false;
        m.dest = l->id;
    }
    if (m.delivery == APIC_DM_LOWEST && shorthand != 0)
        return; /* invalid with a shorthand (SDM 10.6.1) */
    lapic_deliver(l, &m);
}

static bool read_lvt(const struct lapic *l, uint32_t off, uint32_t *v)
{
    if (off < LAPIC_LVT_TIMER || off > LAPIC_LVT_ERROR)
        return false;
    *v = l->lvt[(off - LAPIC_LVT_TIMER) >> 4];
    return true;
}

/* A register read by xAPIC offset; x2 for the MSR interface. False: no such register. */
static bool reg_read(struct lapic *l, uint32_t off, bool x2, uint32_t *v)
{
    if (off >= LAPIC_ISR && off < LAPIC_ISR + 0x80) {
        uint32_t isr[8];
        isr_seen(l, isr);
        *v = isr[(off - LAPIC_ISR) >> 4];
        return true;
    }
    if (off >= LAPIC_TMR && off < LAPIC_TMR + 0x80) {
        *v = l->tmr[(off - LAPIC_TMR) >> 4];
        return true;
    }
    if (off >= LAPIC_IRR && off < LAPIC_IRR + 0x80) {
        /* Handed and not taken yet: still requested (SDM 10.8.4), as on QEMU. */
        settle_handed(l);
        unsigned i = (off - LAPIC_IRR) >> 4;
        *v = l->irr[i] | l->handed[i];
        return true;
    }
    if (read_lvt(l, off, v))
        return true;
    switch (off) {
    case LAPIC_ID:
        *v = x2 ? l->id : l->id << 24;
        return true;
    case LAPIC_VER:
        *v = LAPIC_VERSION | LAPIC_MAX_LVT << 16;
        return true;
    case LAPIC_TPR:
        *v = l->tpr;
        return true;
    case LAPIC_PPR: {
        uint32_t isr[8];
        isr_seen(l, isr);
        *v = ppr_with(l, isr);
        return true;
    }
    case LAPIC_LDR:
        *v = l->ldr;
        return true;
    case LAPIC_SVR:
        *v = l->svr;
        return true;
    case LAPIC_ESR:
        *v = l->esr;
        return true;
    case LAPIC_ICR:
        *v = l->icr_lo; /* delivery status (bit 12) always idle: sends are instant */
        return true;
    case LAPIC_TMICT:
        *v = l->tmict;
        return true;
    case LAPIC_TMCCT:
        *v = lapic_timer_current(l);
        return true;
    case LAPIC_DCR:
        *v = l->dcr;
        return true;
    }
    if (x2)
        return false;
    switch (off) {
    case LAPIC_APR:
    case LAPIC_RRD:
        *v = 0; /* arbitration priority and remote read: nothing to arbitrate */
        return true;
    case LAPIC_DFR:
        *v = l->dfr;
        return true;
    case LAPIC_ICR_HI:
        *v = l->icr_hi;
        return true;
    case LAPIC_EOI:
        *v = 0; /* write-only in xAPIC too, but MMIO reads of it are harmless */
        return true;
    }
    return false;
}

static void write_svr(struct lapic *l, uint32_t v)
{
    /* Vector, software enable, focus processor checking; no EOI-broadcast suppression
     * (VER bit 24 is clear). */
    l->svr = v & 0x3ff;
    if (!(v & LAPIC_SVR_ENABLE)) {
        /* Software disable masks every LVT (SDM 10.4.7.2). */
        for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
            l->lvt[i] |= LAPIC_LVT_MASKED;
    }
}

static void write_lvt(struct lapic *l, uint32_t off, uint32_t v)
{
    unsigned i = (off - LAPIC_LVT_TIMER) >> 4;
    v &= lvt_writable[i];
    if (!(l->svr & LAPIC_SVR_ENABLE))
        v |= LAPIC_LVT_MASKED; /* cannot unmask while software-disabled */
    if (i == 0) {
        lapic_timer_write_lvt(l, v);
        return;
    }
    /* Keep remote IRR and delivery status (read only). */
    l->lvt[i] = (l->lvt[i] & ~lvt_writable[i]) | v;
}

uint32_t lapic_tpr(const struct lapic *l)
{
    return l->tpr;
}

void lapic_set_tpr(struct lapic *l, uint32_t tpr)
{
    l->tpr = tpr & 0xff;
}

/* A register write by xAPIC offset. False: no such register, or not writable. */
static bool reg_write(struct lapic *l, uint32_t off, bool x2, uint32_t v)
{
    if (off >= LAPIC_LVT_TIMER && off <= LAPIC_LVT_ERROR) {
        write_lvt(l, off, v);
        return true;
    }
    switch (off) {
    case LAPIC_TPR:
        lapic_set_tpr(l, v);
        return true;
    case LAPIC_EOI:
        lapic_eoi(l);
        return true;
    case LAPIC_SVR:
        write_svr(l, v);
        return true;
    case LAPIC_ESR:
        /* A write moves the errors seen since the last write into the register. */
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        return true;
    case LAPIC_ICR:
        l->icr_lo = v & 0x000cdfffu; /* vector, mode, dest mode, level, trigger, shorthand */
        if (!x2)
            lapic_send_ipi(l, l->icr_lo, l->icr_hi >> 24);
        return true;
    case LAPIC_TMICT:
        lapic_timer_write_tmict(l, v);
        return true;
    case LAPIC_DCR:
        lapic_timer_write_dcr(l, v);
        return true;
    }
    if (x2)
        return false;
    switch (off) {
    case LAPIC_LDR:
        l->ldr = v & 0xff000000u;
        return true;
    case LAPIC_DFR:
        l->dfr = v | 0x0fffffffu;
        return true;
    case LAPIC_ICR_HI:
        l->icr_hi = v & 0xff000000u;
        return true;
    case LAPIC_ID:
    case LAPIC_VER:
    case LAPIC_APR:
    case LAPIC_PPR:
    case LAPIC_RRD:
    case LAPIC_TMCCT:
        return true; /* read-only registers ignore writes in xAPIC mode */
    }
    if ((off >= LAPIC_ISR && off < LAPIC_IRR + 0x80))
        return true;
    return false;
}

bool lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *value)
{
    *value = 0;
    if (!lapic_x2apic_mode(l) || msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST)
        return false;
    uint32_t off = (msr - MSR_X2APIC_FIRST) << 4;
    /* Write-only registers #GP on read in x2APIC mode (SDM table 10-6). */
    if (off == LAPIC_EOI || off == LAPIC_SELF_IPI)
        return false;
    if (off == LAPIC_ICR) {
        *value = (uint64_t)l->icr_hi << 32 | l->icr_lo;
        return true;
    }
    uint32_t v;
    if (!reg_read(l, off, true, &v))
        return false;
    *value = v;
    return true;
}

bool lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t value)
{
    if (!lapic_x2apic_mode(l) || msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST)
        return false;
    uint32_t off = (msr - MSR_X2APIC_FIRST) << 4;
    if (off == LAPIC_ICR) {
        /* One 64-bit register: the destination is bits 63:32. */
        l->icr_hi = (uint32_t)(value >> 32);
        l->icr_lo = (uint32_t)value & 0x000cdfffu;
        lapic_send_ipi(l, l->icr_lo, l->icr_hi);
        return true;
    }
    if (value >> 32)
        return false; /* the other registers are 32 bits; reserved bits set: #GP */
    uint32_t v = (uint32_t)value;
    switch (off) {
    case LAPIC_EOI:
    case LAPIC_ESR:
        if (v != 0)
            return false; /* SDM: a non-zero write #GPs in x2APIC mode */
        break;
    case LAPIC_SELF_IPI:
        if (v & ~0xffu)
            return false;
        lapic_send_ipi(l, v | 1u << 18, 0);
        return true;
    }
    return reg_write(l, off, true, v);
}

bool lapic_mmio_read(struct lapic *l, uint64_t offset, unsigned size, uint64_t *value)
{
    *value = hv_size_mask(size);
    if (!lapic_xapic_mode(l) || size != 4 || (offset & 0xf) || offset >= LAPIC_SIZE)
        return false;
    uint32_t v;
    if (!reg_read(l, (uint32_t)offset, false, &v)) {
        lapic_error(l, LAPIC_ESR_ILLEGAL_REG);
        return false;
    }
    *value = v;
    return true;
}

bool lapic_mmio_write(struct lapic *l, uint64_t offset, unsigned size, uint64_t value)
{
    if (!lapic_xapic_mode(l) || size != 4 || (offset & 0xf) || offset >= LAPIC_SIZE)
        return false;
    if (!reg_write(l, (uint32_t)offset, false, (uint32_t)value)) {
        lapic_error(l, LAPIC_ESR_ILLEGAL_REG);
        return false;
    }
    return true;
}
