/* The KVM paravirtual clock records (pvclock.h). */
#include "x86_64/devices/pvclock.h"

#include "x86_64/x86_time.h"

bool pvclock_scale_for(uint64_t tsc_hz, struct pvclock_scale *out)
{
    if (tsc_hz < 1000 || tsc_hz > (1ull << 40))
        return false;
    /* ns per tick is 1e9 / tsc_hz = (mul / 2^32) * 2^shift with mul in [2^31, 2^32): scale
     * numerator or denominator by two until the quotient lies in [1/2, 1). */
    uint64_t num = NS_PER_S, den = tsc_hz;
    int shift = 0;
    while (num >= den) { /* at most 30 rounds: num <= 1e9 < 2^30, den >= 1000 */
        den <<= 1;
        shift++;
    }
    while (num * 2 < den) { /* at most 41 rounds: den <= 2^40 */
        num <<= 1;
        shift--;
    }
    out->mul = (uint32_t)x86_muldiv(num, 1ull << 32, den, false);
    out->shift = (int8_t)shift;
    return true;
}

uint64_t pvclock_scale_delta(uint64_t delta, struct pvclock_scale s)
{
    if (s.shift < 0)
        delta >>= -s.shift;
    else
        delta <<= s.shift;
    return (uint64_t)(((unsigned __int128)delta * s.mul) >> 32);
}

bool pvclock_system_time_write(struct pvclock *c, const struct x86_guest_mem *m, uint64_t value,
                               uint64_t now_ns, uint64_t tsc_now, uint64_t tsc_hz)
{
    c->system_time_msr = value;
    if (!(value & 1))
        return true; /* disabled: nothing to write */
    uint64_t gpa = value & ~1ull;
    struct pvclock_scale s;
    if ((gpa & 3) || !pvclock_scale_for(tsc_hz, &s))
        return false;
    struct pvclock_time_record r = {
        .version = 2,
        .tsc_timestamp = tsc_now,
        .system_time = now_ns,
        .tsc_to_system_mul = s.mul,
        .tsc_shift = s.shift,
        .flags = PVCLOCK_TSC_STABLE,
    };
    /* The vcpu is stopped in this exit, so no reader sees a half-written record; an even
     * version says it is complete. */
    return x86_gpa_write(m, gpa, &r, sizeof(r));
}

bool pvclock_wall_clock_write(struct pvclock *c, const struct x86_guest_mem *m, uint64_t value,
                              uint64_t epoch_s)
{
    c->wall_clock_msr = value;
    struct pvclock_wall_record r = {
        .version = 2,
        .sec = (uint32_t)epoch_s,
        .nsec = 0,
    };
    return x86_gpa_write(m, value, &r, sizeof(r));
}
