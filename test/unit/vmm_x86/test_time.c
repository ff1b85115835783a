/* x86_muldiv, the 128-bit-intermediate a * b / c every time conversion goes through. */
#include "check_run.h"
#include "x86_time.h"

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

int main(void)
{
    Suite *s = suite_create("time");
    TCase *tc = tcase_create("muldiv");
    tcase_add_test(tc, exact_and_rounding);
    tcase_add_test(tc, overflow_and_zero_divisor);
    tcase_add_test(tc, matches_wide_arithmetic);
    suite_add_tcase(s, tc);
    return check_run(s);
}
