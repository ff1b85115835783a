/* The guest's clock: the TSC, its rate measured at start against the ACPI PM timer (3.579545
 * MHz, ACPI 6.4 "Power Management Timer"), at the port the FADT names on both a q35 and a
 * partition. */
#include <guest/acpi.h>
#include <guest/console.h>
#include <guest/time.h>
#include <guest/x86.h>

#define PM_TIMER_HZ 3579545u
#define PM_TIMER_MASK 0xffffffu /* 24 bits unless the FADT says 32; 24 is enough for 10 ms */

static uint64_t tsc_khz = 1000000; /* 1 GHz, until measured */

uint64_t x86_tsc_khz(void)
{
    return tsc_khz;
}

void arch_time_init(void)
{
    uint16_t port = acpi.pm_timer;
    if (!port) {
        gprintf("NOTE: no PM timer in the FADT; assuming a 1 GHz TSC\n");
        return;
    }
    /* 10 ms of PM timer: 35795 ticks. Bounded by spins if the timer does not move. */
    uint32_t t0 = inl(port) & PM_TIMER_MASK, t;
    uint64_t c0 = rdtsc(), c1 = c0;
    unsigned i;
    for (i = 0; i < WAIT_MAX_SPINS; i++) {
        t = inl(port) & PM_TIMER_MASK;
        c1 = rdtsc();
        if (((t - t0) & PM_TIMER_MASK) >= PM_TIMER_HZ / 100)
            break;
    }
    if (i == WAIT_MAX_SPINS || c1 <= c0) {
        gprintf("NOTE: the PM timer at 0x%x does not count; assuming a 1 GHz TSC\n", port);
        return;
    }
    tsc_khz = (c1 - c0) / 10;
}

uint64_t time_us(void)
{
    return rdtsc() * 1000 / tsc_khz;
}

void delay_us(uint64_t us)
{
    uint64_t end = time_us() + us;
    for (unsigned i = 0; i < WAIT_MAX_SPINS && time_us() < end; i++)
        ;
}
