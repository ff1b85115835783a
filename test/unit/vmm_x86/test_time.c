/* x86_muldiv, the 128-bit-intermediate a * b / c every time conversion goes through. */
#include "check_run.h"
#include "x86_64/devices/pvclock.h"
#include "x86_64/x86_time.h"

#include <stdlib.h>

START_TEST(exact_and_rounding)
{
    ck_assert_uint_eq(x86_muldiv(10, 3, 4, false), 7);
    ck_assert_uint_eq(x86_muldiv(10, 3, 4, true), 8);
    ck_assert_uint_eq(x86_muldiv(12, 3, 4, true), 9);
    ck_assert_uint_eq(x86_muldiv(0, 5, 7, true), 0);
    /* Products far beyond 64 bits with results that fit. */
    ck_assert_uint_eq(x86_muldiv(UINT64_MAX, 1000000000ull, 1000000000ull, false), UINT64_MAX);
    ck_assert_uint_eq(x86_muldiv(1ull << 62, 1ull << 20, 1ull << 21, false), 1ull << 61);
    ck_assert_uint_eq(x86_muldiv(18446744073709551557ull, 3579545, 1000000000, false),
                      66030950515326656ull);
}
END_TEST

START_TEST(overflow_and_zero_divisor)
{
    ck_assert_uint_eq(x86_muldiv(UINT64_MAX, 2, 1, false), UINT64_MAX);
    ck_assert_uint_eq(x86_muldiv(1, 1, 0, false), UINT64_MAX);
    ck_assert_uint_eq(x86_muldiv(UINT64_MAX, 1, 1, true), UINT64_MAX);
}
END_TEST

START_TEST(matches_wide_arithmetic)
{
    srand(1);
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t a = (uint64_t)rand() << 33 ^ (uint64_t)rand() << 11 ^ (uint64_t)rand();
        uint64_t b = (uint64_t)rand() << 20 ^ (uint64_t)rand();
        uint64_t c = ((uint64_t)rand() << 31 ^ (uint64_t)rand()) | 1;
        unsigned __int128 p = (unsigned __int128)a * b;
        unsigned __int128 q = p / c, qu = (p + c - 1) / c;
        ck_assert_uint_eq(x86_muldiv(a, b, c, false), q > UINT64_MAX ? UINT64_MAX : (uint64_t)q);
        ck_assert_uint_eq(x86_muldiv(a, b, c, true), qu > UINT64_MAX ? UINT64_MAX : (uint64_t)qu);
    }
}
END_TEST

/* The kvmclock scale: a second of TSC ticks is a second of ns to within the 32-bit
 * fraction's precision, and the rate Linux derives from it (pvclock_tsc_khz) is the TSC's. */
START_TEST(pvclock_scale_is_the_tsc_rate)
{
    static const uint64_t rates[] = {1000,       999999,      1000000,     1000000000,  1000000001,
                                     2494334000, 3300000000u, 4000000000u, (1ull << 40)};
    for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
        struct pvclock_scale sc;
        ck_assert(pvclock_scale_for(rates[i], &sc));
        ck_assert_uint_ge(sc.mul, 1u << 31);
        uint64_t ns = pvclock_scale_delta(rates[i], sc);
        ck_assert_uint_le(ns, 1000000000ull);
        ck_assert_uint_ge(ns, 1000000000ull - 2);
        /* Linux: khz = (1e6 << 32) / mul, then shifted the other way; the quotient has
         * about 20 bits, so the result is good to a few parts in a million. */
        uint64_t khz = (1000000ull << 32) / sc.mul;
        khz = sc.shift < 0 ? khz << -sc.shift : khz >> sc.shift;
        uint64_t want = rates[i] / 1000, slack = want / 250000 + 1;
        ck_assert_uint_le(khz, want + slack);
        ck_assert_uint_ge(khz + slack, want);
    }
    struct pvclock_scale sc = {7, 7};
    ck_assert(!pvclock_scale_for(0, &sc));
    ck_assert(!pvclock_scale_for(999, &sc));
    ck_assert(!pvclock_scale_for((1ull << 40) + 1, &sc));
    ck_assert(!pvclock_scale_for(UINT64_MAX, &sc));
    ck_assert_uint_eq(sc.mul, 7); /* untouched when refused */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("time");
    TCase *tc = tcase_create("muldiv");
    tcase_add_test(tc, exact_and_rounding);
    tcase_add_test(tc, overflow_and_zero_divisor);
    tcase_add_test(tc, matches_wide_arithmetic);
    tcase_add_test(tc, pvclock_scale_is_the_tsc_rate);
    suite_add_tcase(s, tc);
    return check_run(s);
}
