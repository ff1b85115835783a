/* Checks servers/keyboard/evdev_codes.h, written by hand, against the host's
 * linux/input-event-codes.h: every name the server uses has Linux's number. */
#include "check_run.h"
#include "codes.h"
#include <string.h>

START_TEST(every_code_is_linuxs)
{
    ck_assert_uint_eq(codes_ours_count, codes_linux_count);
    ck_assert_uint_ge(codes_ours_count, 120); /* the list really holds the keyboard's keys */
    for (unsigned i = 0; i < codes_ours_count; i++) {
        ck_assert_str_eq(codes_ours[i].name, codes_linux[i].name);
        ck_assert_msg(codes_ours[i].value == codes_linux[i].value, "%s: ours %ld, Linux's %ld",
                      codes_ours[i].name, codes_ours[i].value, codes_linux[i].value);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("evdev_codes");
    TCase *tc = tcase_create("codes");
    tcase_add_test(tc, every_code_is_linuxs);
    suite_add_tcase(s, tc);
    return check_run(s);
}
