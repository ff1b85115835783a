/* Unit tests for libhv's printf-style formatter. */
#include "check_run.h"
#include <hv/fmt.h>
#include <stdint.h>

static char buf[64];

#define EXPECT(expected, ...)                                                                  \
    do {                                                                                       \
        int n_ = fmt_snprintf(buf, sizeof(buf), __VA_ARGS__);                                  \
        ck_assert_str_eq(buf, expected);                                                       \
        ck_assert_int_eq(n_, (int)sizeof(expected) - 1);                                       \
    } while (0)

START_TEST(conversions)
{
    EXPECT("a 42 -7 ff FF x", "a %d %i %x %X %c", 42, -7, 255, 255, 'x');
    EXPECT("18446744073709551615", "%lu", UINT64_MAX);
    EXPECT("-9223372036854775808", "%ld", INT64_MIN);
    EXPECT("0x00000000deadbeef", "%p", (void *)0xdeadbeef);
    EXPECT("100%", "%d%%", 100);
    EXPECT("(null)", "%s", (char *)0);

}
END_TEST

START_TEST(widths_and_padding)
{
    EXPECT("0042", "%04d", 42);
    EXPECT("  42", "%4d", 42);
    EXPECT("-042", "%04d", -42);
    EXPECT(" -42", "%4d", -42);
    EXPECT("0000beef", "%08lx", (uint64_t)0xbeef);
    EXPECT("ab   |", "%-5s|", "ab");
    EXPECT("   ab|", "%5s|", "ab");
}
END_TEST

START_TEST(truncates_and_terminates)
{
    char small[5];
    int n = fmt_snprintf(small, sizeof(small), "%s", "abcdefgh");
    ck_assert_int_eq(n, 8);
    ck_assert_str_eq(small, "abcd");
    ck_assert_int_eq(fmt_snprintf(small, 0, "xyz"), 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fmt");
    TCase *tc = tcase_create("fmt");
    tcase_add_test(tc, conversions);
    tcase_add_test(tc, widths_and_padding);
    tcase_add_test(tc, truncates_and_terminates);
    suite_add_tcase(s, tc);
    return check_run(s);
}
