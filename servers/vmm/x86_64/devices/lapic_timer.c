/* The local APIC timer (SDM 10.5.4): one-shot and periodic count down at the bus clock over
 * the divide configuration; TSC-deadline fires when the guest's TSC reaches IA32_TSC_DEADLINE.
 * Nothing is stepped: the count is computed from the clock, and the next expiry is handed to
 * the VMM (timer_arm), which wires it to the kernel's per-vcpu timer and calls
 * lapic_timer_update when it fires. The guest's TSC is taken to be ns * tsc_hz / 1e9. */
#include "x86_64/devices/lapic.h"
#include "x86_64/x86_time.h"
#include <hv/bits.h>

static uint64_t now(const struct lapic *l)
{
    return l->ops.now_ns(l->ops.ctx);
}

static unsigned timer_mode(const struct lapic *l)
{
    return (l->lvt[0] >> 17) & 3;
}

/* DCR bits 3,1,0 encode divide by 2^((value + 1) & 7), with 0b111 meaning 1. */
static uint64_t timer_divide(const struct lapic *l)
{
    unsigned v = ((l->dcr >> 1) & 4) | (l->dcr & 3);
    return 1ull << ((v + 1) & 7);
}

/* Nanoseconds for `count` timer ticks. */
static uint64_t ticks_to_ns(const struct lapic *l, uint64_t count)
{
    /* count < 2^32 and divide <= 128: their product fits in 64 bits. */
    return x86_muldiv(count * timer_divide(l), NS_PER_S, l->bus_hz, false);
}

static uint64_t ns_to_ticks(const struct lapic *l, uint64_t ns)
{
    return x86_muldiv(ns, l->bus_hz, NS_PER_S, false) / timer_divide(l);
}

static uint64_t tsc_to_ns(const struct lapic *l, uint64_t tsc)
{
    return x86_muldiv(tsc, NS_PER_S, l->tsc_hz, true);
}

static void set_deadline(struct lapic *l, uint64_t deadline)
{
    if (deadline == l->timer_deadline)
        return;
    l->timer_deadline = deadline;
    if (l->ops.timer_arm)
        l->ops.timer_arm(l->ops.ctx, deadline);
}

void lapic_timer_reset(struct lapic *l)
{
    l->dcr = 0;
    l->tmict = 0;
    l->tsc_deadline = 0;
    l->timer_start_ns = 0;
    l->timer_deadline = 0; /* differs from UINT64_MAX so that the disarm below is reported */
    set_deadline(l, UINT64_MAX);
}

uint64_t lapic_timer_deadline(const struct lapic *l)
{
    return l->timer_deadline;
}

uint32_t lapic_timer_current(const struct lapic *l)
{
    unsigned mode = timer_mode(l);
    if (l->tmict == 0 || mode == LAPIC_TIMER_TSC_DEADLINE || mode == 3)
        return 0;
    uint64_t t = now(l);
    uint64_t elapsed = t > l->timer_start_ns ? ns_to_ticks(l, t - l->timer_start_ns) : 0;
    if (mode == LAPIC_TIMER_PERIODIC)
        return (uint32_t)(l->tmict - elapsed % l->tmict);
    return elapsed >= l->tmict ? 0 : (uint32_t)(l->tmict - elapsed);
}

/* (Re)starts a one-shot or periodic count from TMICT now. */
static void start_count(struct lapic *l)
{
    if (l->tmict == 0) {
        set_deadline(l, UINT64_MAX); /* writing 0 stops the timer */
        return;
    }
    l->timer_start_ns = now(l);
    set_deadline(l, hv_sat_add(l->timer_start_ns, ticks_to_ns(l, l->tmict)));
}

void lapic_timer_write_lvt(struct lapic *l, uint32_t value)
{
    unsigned old_mode = timer_mode(l);
    l->lvt[0] = value;
    if (timer_mode(l) != old_mode) {
        /* SDM 10.5.4.1: a write that changes the mode disarms the timer. */
        l->tmict = 0;
        l->tsc_deadline = 0;
        set_deadline(l, UINT64_MAX);
    }
}

void lapic_timer_write_tmict(struct lapic *l, uint32_t value)
{
    unsigned mode = timer_mode(l);
    /* In TSC-deadline mode the initial count is ignored (SDM 10.5.4.1); mode 3 is reserved. */
    if (mode == LAPIC_TIMER_TSC_DEADLINE || mode == 3)
        return;
    l->tmict = value;
    start_count(l);
}

void lapic_timer_write_dcr(struct lapic *l, uint32_t value)
{
    l->dcr = value & 0xb;
    /* A new divider while counting: restart the count at the new rate (the SDM leaves the
     * in-flight period undefined; Linux programs DCR before TMICT). */
    unsigned mode = timer_mode(l);
    if (l->tmict && l->timer_deadline != UINT64_MAX &&
        (mode == LAPIC_TIMER_ONESHOT || mode == LAPIC_TIMER_PERIODIC))
        start_count(l);
}

uint64_t lapic_tsc_deadline_read(const struct lapic *l)
{
    /* Reads as 0 outside TSC-deadline mode (SDM 10.5.4.1). */
    return timer_mode(l) == LAPIC_TIMER_TSC_DEADLINE ? l->tsc_deadline : 0;
}

void lapic_tsc_deadline_write(struct lapic *l, uint64_t value)
{
    /* Ignored outside TSC-deadline mode; 0 disarms. */
    if (timer_mode(l) != LAPIC_TIMER_TSC_DEADLINE)
        return;
    l->tsc_deadline = value;
    set_deadline(l, value ? tsc_to_ns(l, value) : UINT64_MAX);
}

static void timer_fire(struct lapic *l)
{
    uint32_t lvt = l->lvt[0];
    if (!(lvt & LAPIC_LVT_MASKED))
        lapic_set_irr(l, (uint8_t)lvt, false);
}

void lapic_timer_update(struct lapic *l)
{
    uint64_t t = now(l);
    if (l->timer_deadline == UINT64_MAX || t < l->timer_deadline)
        return;
    switch (timer_mode(l)) {
    case LAPIC_TIMER_PERIODIC: {
        /* Periods the VMM was late for coalesce into one interrupt; the next expiry stays on
         * the period grid so the rate does not drift. */
        uint64_t period = ticks_to_ns(l, l->tmict);
        if (period == 0)
            period = 1;
        uint64_t periods = (t - l->timer_start_ns) / period;
        l->timer_start_ns += periods * period;
        timer_fire(l);
        set_deadline(l, hv_sat_add(l->timer_start_ns, period));
        break;
    }
    case LAPIC_TIMER_TSC_DEADLINE:
        /* It fires once, then disarms and clears the MSR (SDM 10.5.4.1). */
        l->tsc_deadline = 0;
        timer_fire(l);
        set_deadline(l, UINT64_MAX);
        break;
    default:
        timer_fire(l);
        set_deadline(l, UINT64_MAX);
        break;
    }
}
