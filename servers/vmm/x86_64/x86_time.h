/* Time-base conversions (ns, TSC ticks, PIT and APIC timer clocks): a * b / c with a 128-bit
 * intermediate product. The division is done by hand because a freestanding x86_64 build has
 * no __udivti3 for a 128-bit divide. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define NS_PER_S 1000000000ull

/* floor(a * b / c), or with round_up the ceiling; UINT64_MAX if it does not fit (or c = 0). */
static inline uint64_t x86_muldiv(uint64_t a, uint64_t b, uint64_t c, bool round_up)
{
    if (c == 0)
        return UINT64_MAX;
    unsigned __int128 p = (unsigned __int128)a * b;
    uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p;
    if (hi >= c)
        return UINT64_MAX;
    /* Long division of hi:lo by c, one quotient bit per step; hi < c keeps it in 64 bits. */
    uint64_t q = 0, r = hi;
    for (int i = 63; i >= 0; i--) {
        bool top = r >> 63;
        r = r << 1 | ((lo >> i) & 1);
        q <<= 1;
        if (top || r >= c) {
            r -= c;
            q |= 1;
        }
    }
    if (round_up && r) {
        if (q == UINT64_MAX)
            return UINT64_MAX;
        q++;
    }
    return q;
}
