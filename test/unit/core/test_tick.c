/* Unit tests for the kernel's timer policy (kernel/tick.c) over the fake arch's counter and
 * one-shot deadline: ticks on a fixed schedule, missed ticks skipped after a stall, and extra
 * deadlines that only ever bring the timer earlier. */
#include "check_run.h"
#include "core_fixture.h"
#include <kernel/tick.h>
#include <string.h>

/* fake counter at FAKE_COUNTER_HZ (1000) and ticks at 100 Hz: one tick every 10 counts. */
#define HZ 100
#define INTERVAL 10

static void setup(void)
{
    fake_arch_reset();
}

static void interrupt_at(uint64_t now)
{
    fake.now = now;
    kernel_timer_interrupt();
}

START_TEST(first_deadline_is_one_interval_away)
{
    fake.now = 1000;
    ck_assert_int_eq(tick_start(HZ), HV_OK);
    ck_assert_uint_eq(fake.deadline, 1000 + INTERVAL);
    ck_assert_uint_eq(tick_count(), 0);
}
END_TEST

START_TEST(late_ticks_do_not_drift)
{
    ck_assert_int_eq(tick_start(HZ), HV_OK);
    interrupt_at(10);
    ck_assert_uint_eq(tick_count(), 1);
    ck_assert_uint_eq(fake.deadline, 20);
    /* 3 counts late: the next tick is still at 30, not 33. */
    interrupt_at(23);
    ck_assert_uint_eq(tick_count(), 2);
    ck_assert_uint_eq(fake.deadline, 30);
    /* An interrupt before the tick is due counts nothing and keeps the deadline. */
    interrupt_at(25);
    ck_assert_uint_eq(tick_count(), 2);
    ck_assert_uint_eq(fake.deadline, 30);
}
END_TEST

START_TEST(missed_ticks_are_skipped_not_burst)
{
    ck_assert_int_eq(tick_start(HZ), HV_OK);
    /* A stall from 10 to 95: one tick for it, not nine, and the next on the old schedule. */
    interrupt_at(95);
    ck_assert_uint_eq(tick_count(), 1);
    ck_assert_uint_eq(fake.deadline, 100);
    interrupt_at(100);
    ck_assert_uint_eq(tick_count(), 2);
    ck_assert_uint_eq(fake.deadline, 110);
    /* Exactly on a later tick's time: that tick, and the one after it next. */
    interrupt_at(130);
    ck_assert_uint_eq(tick_count(), 3);
    ck_assert_uint_eq(fake.deadline, 140);
}
END_TEST

START_TEST(extra_deadlines_only_bring_the_timer_earlier)
{
    ck_assert_int_eq(tick_start(HZ), HV_OK);
    unsigned set = fake.deadlines_set;
    tick_wake_at(5);
    ck_assert_uint_eq(fake.deadline, 5);
    ck_assert_uint_eq(fake.deadlines_set, set + 1);
    /* Later than what is set: nothing to change. */
    tick_wake_at(7);
    tick_wake_at(10);
    ck_assert_uint_eq(fake.deadline, 5);
    ck_assert_uint_eq(fake.deadlines_set, set + 1);
    /* Its interrupt is no tick; the tick's deadline comes back. */
    interrupt_at(5);
    ck_assert_uint_eq(tick_count(), 0);
    ck_assert_uint_eq(fake.deadline, 10);
}
END_TEST

START_TEST(counter_too_slow_for_the_tick)
{
    fake.hz = HZ / 2;
    ck_assert_int_eq(tick_start(HZ), HV_EINVAL);
    ck_assert_uint_eq(fake.deadlines_set, 0);
    ck_assert_ptr_nonnull(strstr(fake.console, "tick:"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_tick");
    TCase *tc = tcase_create("tick");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, first_deadline_is_one_interval_away);
    tcase_add_test(tc, late_ticks_do_not_drift);
    tcase_add_test(tc, missed_ticks_are_skipped_not_burst);
    tcase_add_test(tc, extra_deadlines_only_bring_the_timer_earlier);
    tcase_add_test(tc, counter_too_slow_for_the_tick);
    suite_add_tcase(s, tc);
    return check_run(s);
}
