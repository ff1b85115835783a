/* Unit tests for the focus owner (servers/keyboard/focus.c): only the keyboard's and the
 * console's badges move the focus, only to a partition that may take it, and every move is
 * counted in the word the listeners read. */
#include "check_run.h"
#include "focus.h"
#include <hv/abi/error.h>

static struct focus f;

START_TEST(init_checks_its_numbers)
{
    ck_assert(!focus_init(&f, 0, 1, 0));
    ck_assert(!focus_init(&f, HV_PT_MAX_PARTITIONS + 1, 1, 0));
    ck_assert(!focus_init(&f, 2, 3, 2));
    ck_assert(focus_init(&f, HV_PT_MAX_PARTITIONS, 0xffffffffu, 15));
    ck_assert_uint_eq(f.current, 15);
    ck_assert_uint_eq(f.focusable, 0xffff); /* bits past the table dropped */
    ck_assert(focus_init(&f, 3, 0x6, 0));   /* partition 0 may not take focus: 1 gets it */
    ck_assert_uint_eq(f.current, 1);
    ck_assert(focus_init(&f, 3, 0x0, 0));
    ck_assert_uint_eq(f.current, HV_FOCUS_NONE);
}
END_TEST

START_TEST(only_the_keyboard_and_the_console_move_it)
{
    bool moved = true;
    ck_assert(focus_init(&f, 3, 0x7, 0));
    /* badge 0 (an unbadged cap), a VMM's or any other badge: refused, nothing changes */
    static const uint64_t others[] = {0, 3, 0x100, 0x200, ~0ull};
    for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        ck_assert_int_eq(focus_request(&f, others[i], HV_FOCUS_SET, 2, &moved), HV_EPERM);
        ck_assert(!moved);
        ck_assert_int_eq(focus_request(&f, others[i], HV_FOCUS_NEXT, 0, &moved), HV_EPERM);
    }
    ck_assert_uint_eq(f.current, 0);
    ck_assert_uint_eq(f.generation, 0);
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_CONSOLE, HV_FOCUS_SET, 2, &moved), 0);
    ck_assert(moved);
    ck_assert_uint_eq(f.current, 2);
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_KEYBOARD, HV_FOCUS_NEXT, 0, &moved), 0);
    ck_assert(moved);
    ck_assert_uint_eq(f.current, 0);
    ck_assert_uint_eq(f.generation, 2);
}
END_TEST

START_TEST(bad_requests_change_nothing)
{
    bool moved;
    ck_assert(focus_init(&f, 3, 0x5, 0));
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_CONSOLE, HV_FOCUS_SET, 1, &moved),
                     HV_EINVAL); /* not focusable */
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_CONSOLE, HV_FOCUS_SET, 3, &moved), HV_EINVAL);
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_CONSOLE, HV_FOCUS_SET, 1ull << 32, &moved),
                     HV_EINVAL);
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_CONSOLE, 0, 0, &moved), HV_EINVAL);
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_CONSOLE, 3, 0, &moved), HV_EINVAL);
    ck_assert_uint_eq(f.current, 0);
    ck_assert_uint_eq(f.generation, 0);
}
END_TEST

START_TEST(next_skips_what_may_not_take_focus)
{
    bool moved;
    ck_assert(focus_init(&f, 5, 0x15, 0)); /* 0, 2, 4 */
    static const unsigned want[] = {2, 4, 0, 2};
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_KEYBOARD, HV_FOCUS_NEXT, 0, &moved), 0);
        ck_assert_uint_eq(f.current, want[i]);
    }
    /* one focusable partition: next stays, and nothing counts as a move */
    ck_assert(focus_init(&f, 3, 0x2, 0));
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_KEYBOARD, HV_FOCUS_NEXT, 0, &moved), 0);
    ck_assert(!moved);
    ck_assert_uint_eq(f.current, 1);
    ck_assert_uint_eq(f.generation, 0);
    /* none: next finds none */
    ck_assert(focus_init(&f, 3, 0x0, 0));
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_KEYBOARD, HV_FOCUS_NEXT, 0, &moved), 0);
    ck_assert(!moved);
    ck_assert_uint_eq(f.current, HV_FOCUS_NONE);
}
END_TEST

START_TEST(the_word_listeners_read)
{
    bool moved;
    ck_assert(focus_init(&f, 4, 0xf, 3));
    uint64_t w0 = focus_word(&f);
    ck_assert_uint_eq(hv_focus_partition(w0), 3);
    ck_assert_uint_eq(hv_focus_generation(w0), 0);
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_CONSOLE, HV_FOCUS_SET, 3, &moved), 0);
    ck_assert(!moved); /* already there: the word stays, listeners are not woken for nothing */
    ck_assert_uint_eq(focus_word(&f), w0);
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_CONSOLE, HV_FOCUS_SET, 1, &moved), 0);
    ck_assert_uint_eq(hv_focus_partition(focus_word(&f)), 1);
    ck_assert_uint_eq(hv_focus_generation(focus_word(&f)), 1);
    ck_assert(focus_init(&f, 2, 0, 0));
    ck_assert_uint_eq(hv_focus_partition(focus_word(&f)), HV_FOCUS_NONE);
}
END_TEST

START_TEST(a_listener_follows_the_page)
{
    static struct hv_focus_page page;
    bool moved;
    uint32_t seen = 0;
    ck_assert(focus_init(&f, 3, 0x7, 0));
    page.version = HV_FOCUS_VERSION;
    hv_focus_publish(&page, focus_word(&f));
    ck_assert(!hv_focus_moved(hv_focus_read(&page), &seen)); /* generation 0: nothing yet */
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_KEYBOARD, HV_FOCUS_NEXT, 0, &moved), 0);
    ck_assert_int_eq(focus_request(&f, HV_FOCUS_BADGE_CONSOLE, HV_FOCUS_SET, 2, &moved), 0);
    hv_focus_publish(&page, focus_word(&f));
    uint64_t w = hv_focus_read(&page);
    ck_assert(hv_focus_moved(w, &seen)); /* two moves, one wake-up: acts on where it is now */
    ck_assert_uint_eq(hv_focus_partition(w), 2);
    ck_assert_uint_eq(seen, 2);
    ck_assert(!hv_focus_moved(hv_focus_read(&page), &seen)); /* a second signal: nothing */
    ck_assert_uint_eq(page.version, HV_FOCUS_VERSION);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("focus");
    TCase *tc = tcase_create("owner");
    tcase_add_test(tc, init_checks_its_numbers);
    tcase_add_test(tc, only_the_keyboard_and_the_console_move_it);
    tcase_add_test(tc, bad_requests_change_nothing);
    tcase_add_test(tc, next_skips_what_may_not_take_focus);
    tcase_add_test(tc, the_word_listeners_read);
    tcase_add_test(tc, a_listener_follows_the_page);
    suite_add_tcase(s, tc);
    return check_run(s);
}
