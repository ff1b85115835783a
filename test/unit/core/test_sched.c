/* Unit tests for the scheduler: priority order, round robin, and budgets over simulated
 * ticks (a 20% budget gets 20% of the CPU while spinning against a full-budget neighbour). */
#include "check_run.h"
#include "core_fixture.h"

static void setup(void)
{
    fix_setup();
}

/* Runs n ticks; counts how many each of a and b ran. */
static void run_ticks(unsigned n, struct thread *a, unsigned *na, struct thread *b, unsigned *nb)
{
    *na = *nb = 0;
    for (unsigned i = 0; i < n; i++) {
        struct thread *cur = sched_choose();
        *na += cur == a;
        *nb += cur == b;
        sched_tick();
    }
}

START_TEST(highest_priority_runs)
{
    struct thread *lo = fix_thread(20, 21, 22, 10, 10, 10);
    struct thread *hi = fix_thread(23, 24, 25, 200, 10, 10);
    struct thread *mid = fix_thread(26, 27, 28, 130, 10, 10);
    ck_assert_ptr_eq(sched_choose(), root);
    thread_suspend(root);
    ck_assert_ptr_eq(sched_choose(), hi);
    thread_suspend(hi);
    ck_assert_ptr_eq(sched_choose(), mid);
    thread_suspend(mid);
    ck_assert_ptr_eq(sched_choose(), lo);
    thread_suspend(lo);
    ck_assert_ptr_null(sched_choose());
    /* A spinning high-priority thread never lets the low one run. */
    thread_resume(lo);
    thread_resume(hi);
    unsigned nl, nh;
    run_ticks(100, lo, &nl, hi, &nh);
    ck_assert_uint_eq(nl, 0);
    ck_assert_uint_eq(nh, 100);
}
END_TEST

START_TEST(round_robin_within_priority)
{
    struct thread *a = fix_thread(20, 21, 22, 10, 10, 10);
    struct thread *b = fix_thread(23, 24, 25, 10, 10, 10);
    thread_suspend(root);
    ck_assert_ptr_eq(sched_choose(), a);
    sched_tick();
    ck_assert_ptr_eq(sched_choose(), b);
    sched_tick();
    ck_assert_ptr_eq(sched_choose(), a);
    /* yield moves the caller behind its peers. */
    ck_assert_uint_eq(SYS(a, HV_SYS_YIELD, 0), HV_OK);
    ck_assert_ptr_eq(sched_current(), b);
}
END_TEST

START_TEST(budget_twenty_percent_same_priority)
{
    struct thread *a = fix_thread(20, 21, 22, 10, 2, 10);
    struct thread *b = fix_thread(23, 24, 25, 10, 10, 10);
    thread_suspend(root);
    unsigned na, nb;
    run_ticks(1000, a, &na, b, &nb);
    ck_assert_uint_eq(na, 200);
    ck_assert_uint_eq(nb, 800);
}
END_TEST

START_TEST(budget_caps_a_higher_priority_spinner)
{
    struct thread *a = fix_thread(20, 21, 22, 50, 2, 10);
    struct thread *b = fix_thread(23, 24, 25, 10, 10, 10);
    thread_suspend(root);
    unsigned na, nb;
    run_ticks(1000, a, &na, b, &nb);
    ck_assert_uint_eq(na, 200);
    ck_assert_uint_eq(nb, 800);
    /* Within a period a runs first, then is depleted and waits on the release list. */
    ck_assert_ptr_eq(sched_choose(), a);
    sched_tick();
    sched_tick();
    ck_assert(a->depleted);
    ck_assert_ptr_eq(sched_choose(), b);
}
END_TEST

START_TEST(depleted_thread_suspended_and_resumed)
{
    struct thread *a = fix_thread(20, 21, 22, 50, 1, 10);
    thread_suspend(root);
    ck_assert_ptr_eq(sched_choose(), a);
    sched_tick();
    ck_assert(a->depleted);
    thread_suspend(a);
    thread_resume(a);
    /* Still depleted: resuming does not refill the budget early. */
    ck_assert_ptr_null(sched_choose());
    for (unsigned i = 0; i < 9; i++)
        sched_tick();
    ck_assert_ptr_eq(sched_choose(), a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_sched");
    TCase *tc = tcase_create("sched");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, highest_priority_runs);
    tcase_add_test(tc, round_robin_within_priority);
    tcase_add_test(tc, budget_twenty_percent_same_priority);
    tcase_add_test(tc, budget_caps_a_higher_priority_spinner);
    tcase_add_test(tc, depleted_thread_suspended_and_resumed);
    suite_add_tcase(s, tc);
    return check_run(s);
}
