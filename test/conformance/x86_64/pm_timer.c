/* The ACPI PM timer (ACPI 6.4, "Power Management Timer"): a 24-bit count at 3.579545 MHz in the
 * FADT's PM_TMR_BLK, read as a dword. Guests calibrate their TSC against it (Linux, and this
 * test guest's own clock), so a read must be one instant of the count. */
#include <guest/acpi.h>
#include <guest/check.h>
#include <guest/x86.h>

#define PM_TIMER_MASK 0xffffffu
#define READS 10000u

/* ACPI 6.4, "Power Management Timer": the count only goes up (then wraps at 2^24). Back-to-back
 * dword reads never go backwards: a read made of bytes sampled at different instants (a carry
 * between them) reads ahead by 256 or 65,536 counts, and the read after it is then lower. A
 * forward step of 2^23 or more counts (2.3 s) is taken as a step backwards. */
CHECK(pm_timer_monotonic, "PMT-X1")
{
    uint16_t port = acpi.pm_timer;
    if (!port) {
        skip("the FADT names no PM timer");
        return;
    }
    uint32_t prev = inl(port) & PM_TIMER_MASK, backwards = 0, high = 0, first_from = 0,
             first_to = 0, total = 0;
    for (unsigned i = 0; i < READS; i++) {
        uint32_t raw = inl(port), t = raw & PM_TIMER_MASK;
        high |= raw & ~PM_TIMER_MASK;
        uint32_t step = (t - prev) & PM_TIMER_MASK;
        if (step >= (1u << 23)) {
            if (!backwards++) {
                first_from = prev;
                first_to = t;
            }
        } else {
            total += step;
        }
        prev = t;
    }
    report(!backwards && !high && total > 0,
           "%u dword reads: %u step(s) backwards (first 0x%06x -> 0x%06x), bits 31:24 0x%x, "
           "%u counts in all",
           READS, backwards, first_from, first_to, high >> 24, total);
}
