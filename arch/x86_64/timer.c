/* The LAPIC timer as the kernel's one-shot deadline, against the HPET as the free-running
 * counter (kernel/tick.c decides what the deadline is); and the TSC's rate, which guests'
 * timers are written in (hv/abi/vcpu_x86_64.h). */
#include "timer.h"
#include "cpu.h"
#include "intc.h"
#include "trap.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/printk.h>

static uint64_t lapic_hz, tsc_hz;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

int arch_timer_init(void)
{
    int r = hpet_init();
    if (r)
        return r;
    /* The TSC is measured over the LAPIC timer's calibration window, for free. */
    uint64_t tsc0 = rdtsc(), h0 = hpet_now();
    lapic_hz = lapic_timer_calibrate();
    uint64_t tsc1 = rdtsc(), h1 = hpet_now();
    tsc_hz = (tsc1 - tsc0) * hpet_hz() / (h1 - h0);
    if (lapic_hz == 0) {
        printk("timer: the LAPIC timer does not count\n");
        return HV_EINVAL;
    }
    return HV_OK;
}

/* The LAPIC counts down from a 32-bit value at its own rate: the HPET interval is converted,
 * rounded up so the interrupt never comes before the counter reaches when. A deadline further
 * than the LAPIC can count comes early, and the kernel then sets it again. */
void arch_timer_set_deadline(uint64_t when)
{
    uint64_t now = hpet_now(), count = 1;
    if (when > now) {
        uint64_t delta = when - now;
        count = delta > UINT64_MAX / lapic_hz ? UINT32_MAX
                                              : (delta * lapic_hz + hpet_hz() - 1) / hpet_hz();
    }
    if (count > UINT32_MAX)
        count = UINT32_MAX;
    lapic_timer_oneshot((uint32_t)count, X86_VECTOR_TIMER);
}

/* Counts from arch_timer_init on; 0 before. */
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
