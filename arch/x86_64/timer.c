/* The LAPIC timer as the kernel's tick, one-shot for the earlier of the next tick and the
 * earliest guest deadline; the HPET as the free-running counter; and the TSC's rate, which
 * guests' timers are written in (hv/abi/vcpu_x86_64.h). */
#include "cpu.h"
#include "intc.h"
#include "timer.h"
#include "trap.h"
#include <arch.h>
#include <kernel/printk.h>

static uint64_t lapic_hz, tsc_hz;
static uint64_t tick_interval; /* HPET counts per tick */
static uint64_t next_tick;     /* HPET value of the next tick */
static uint64_t armed;         /* HPET value the one-shot is programmed for */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* Programs the one-shot for HPET value when (at once if it has passed). */
static void program(uint64_t when)
{
    uint64_t now = hpet_now(), count = 1;
    /* when - now is at most one tick interval (when <= next_tick), so the product fits. */
    if (when > now)
        count = ((when - now) * lapic_hz + hpet_hz() - 1) / hpet_hz();
    if (count > UINT32_MAX)
        count = UINT32_MAX;
    armed = when;
    lapic_timer_oneshot((uint32_t)count, X86_VECTOR_TIMER);
}

void arch_timer_start(unsigned hz)
{
    if (hpet_init())
        arch_poweroff(false);
    /* The TSC is measured over the LAPIC timer's calibration window, for free. */
    uint64_t tsc0 = rdtsc(), h0 = hpet_now();
    lapic_hz = lapic_timer_calibrate();
    uint64_t tsc1 = rdtsc(), h1 = hpet_now();
    tsc_hz = (tsc1 - tsc0) * hpet_hz() / (h1 - h0);
    tick_interval = hpet_hz() / hz;
    if (tick_interval == 0 || lapic_hz / hz == 0 || lapic_hz / hz > UINT32_MAX) {
        printk("timer: LAPIC timer runs at %lu Hz, cannot tick at %u Hz\n", lapic_hz, hz);
        arch_poweroff(false);
    }
    next_tick = hpet_now() + tick_interval;
    program(next_tick);
}

void arch_timer_wake_at(uint64_t when)
{
    if (when < armed)
        program(when);
}

void timer_handle_irq(void)
{
    uint64_t now = hpet_now();
    if (now >= next_tick) {
        /* From the previous tick, so the period does not drift with the handler's latency;
         * after a long stall the missed ticks are skipped rather than run in a burst. */
        next_tick += tick_interval;
        if (next_tick <= now)
            next_tick = now + tick_interval;
        kernel_timer_tick();
    } else {
        kernel_timer_event();
    }
    uint64_t event = kernel_timer_next_event();
    program(event < next_tick ? event : next_tick);
}

/* Counts from arch_timer_start on; 0 before. */
uint64_t arch_counter_now(void)
{
    return hpet_now();
}

uint64_t arch_counter_hz(void)
{
    return hpet_hz();
}

uint64_t x86_tsc_hz(void)
{
    return tsc_hz;
}

uint64_t x86_tsc_now(void)
{
    return rdtsc();
}

uint64_t x86_tsc_to_counter(uint64_t tsc)
{
    uint64_t now_tsc = rdtsc(), now = hpet_now();
    if (tsc <= now_tsc)
        return now;
    uint64_t delta = tsc - now_tsc;
    if (delta > UINT64_MAX / hpet_hz())
        return UINT64_MAX - 1; /* centuries away: never, but still a deadline */
    /* Rounded up, and one count more: the TSC must have reached tsc when the wakeup comes. */
    return now + (delta * hpet_hz() + tsc_hz - 1) / tsc_hz + 1;
}
