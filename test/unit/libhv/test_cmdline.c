/* Unit tests for reading key=value options from the kernel command line. */
#include "check_run.h"
#include <hv/abi/error.h>
#include <hv/cmdline.h>

START_TEST(finds_values)
{
    char v[16];
    const char *line = "  console=ttyS0 duet.test=boot   duet.expect_ram_mib=512";
    ck_assert_int_eq(cmdline_get(line, "duet.test", v, sizeof(v)), HV_OK);
    ck_assert_str_eq(v, "boot");
    ck_assert_int_eq(cmdline_get(line, "console", v, sizeof(v)), HV_OK);
    ck_assert_str_eq(v, "ttyS0");
    uint64_t n = 0;
    ck_assert_int_eq(cmdline_get_u64(line, "duet.expect_ram_mib", &n), HV_OK);
    ck_assert_uint_eq(n, 512);
}
END_TEST

START_TEST(keys_match_whole_words)
{
    char v[16];
    ck_assert_int_eq(cmdline_get("xduet.test=a duet.testx=b", "duet.test", v, sizeof(v)),
                     HV_ENOENT);
    ck_assert_int_eq(cmdline_get("duet.test", "duet.test", v, sizeof(v)), HV_ENOENT);
    ck_assert_int_eq(cmdline_get("", "a", v, sizeof(v)), HV_ENOENT);
    ck_assert_int_eq(cmdline_get("a= b=2", "a", v, sizeof(v)), HV_OK);
    ck_assert_str_eq(v, "");
}
END_TEST

START_TEST(value_too_long)
{
    char v[4];
    ck_assert_int_eq(cmdline_get("k=abcd", "k", v, sizeof(v)), HV_ETRUNC);
    ck_assert_int_eq(cmdline_get("k=abc", "k", v, sizeof(v)), HV_OK);
    ck_assert_str_eq(v, "abc");
}
END_TEST

START_TEST(numbers_refuse_garbage_and_overflow)
{
    uint64_t n = 7;
    ck_assert_int_eq(cmdline_get_u64("k=12a", "k", &n), HV_EINVAL);
    ck_assert_int_eq(cmdline_get_u64("k=", "k", &n), HV_EINVAL);
    ck_assert_int_eq(cmdline_get_u64("k=-1", "k", &n), HV_EINVAL);
    ck_assert_int_eq(cmdline_get_u64("k=18446744073709551616", "k", &n), HV_EINVAL);
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(cmdline_get_u64("k=18446744073709551615", "k", &n), HV_OK);
    ck_assert_uint_eq(n, UINT64_MAX);
}
END_TEST

START_TEST(flags_match_whole_words)
{
    const char *line = "duet.test=core  quiet duet.bench=ipc";
    ck_assert(cmdline_has(line, "duet.test=core"));
    ck_assert(cmdline_has(line, "quiet"));
    ck_assert(cmdline_has(line, "duet.bench=ipc"));
    ck_assert(!cmdline_has(line, "duet.test=cor"));
    ck_assert(!cmdline_has(line, "test=core"));
    ck_assert(!cmdline_has(line, "quie"));
    ck_assert(!cmdline_has(line, "duet.bench"));
    ck_assert(!cmdline_has("", "quiet"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cmdline");
    TCase *tc = tcase_create("cmdline");
    tcase_add_test(tc, finds_values);
    tcase_add_test(tc, keys_match_whole_words);
    tcase_add_test(tc, value_too_long);
    tcase_add_test(tc, numbers_refuse_garbage_and_overflow);
    tcase_add_test(tc, flags_match_whole_words);
    suite_add_tcase(s, tc);
    return check_run(s);
}
