/* Check tests of hv_enum_name: the name in the table, or the fallback outside it or in a hole. */
#include "check_run.h"

#include <hv/enum_name.h>

enum colour { RED, GREEN, BLUE, UNNAMED, LAST };

static const char *const names[LAST] = {
    [RED] = "red", [GREEN] = "green", [BLUE] = "blue", /* UNNAMED left out: a hole */
};

START_TEST(names_in_the_table)
{
    ck_assert_str_eq(HV_ENUM_NAME(names, RED, "?"), "red");
    ck_assert_str_eq(HV_ENUM_NAME(names, BLUE, "?"), "blue");
}
END_TEST

START_TEST(fallback_outside_or_in_a_hole)
{
    ck_assert_str_eq(HV_ENUM_NAME(names, UNNAMED, "?"), "?");
    ck_assert_str_eq(HV_ENUM_NAME(names, LAST, "none"), "none");
    ck_assert_str_eq(HV_ENUM_NAME(names, -1, "?"), "?");
    ck_assert_str_eq(hv_enum_name(names, 2, BLUE, "?"), "?"); /* count bounds, not the enum */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("enum_name");
    TCase *t = tcase_create("enum_name");
    tcase_add_test(t, names_in_the_table);
    tcase_add_test(t, fallback_outside_or_in_a_hole);
    suite_add_tcase(s, t);
    return check_run(s);
}
