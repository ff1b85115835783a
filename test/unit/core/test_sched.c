/* Unit tests for the scheduler: priority order, round robin, and budgets on scheduling
 * contexts over a simulated counter and timer (fake arch): charged for the time used at every
 * switch, enforced at the budget's end, shared by the threads bound to one context and lent
 * over a call. The counter runs at 1000 Hz here: a 10 ms tick is 10 counts. */
#include "check_run.h"
#include "core_fixture.h"
#include <kernel/tick.h>

#define TICK 10 /* counts */

static void setup(void)
{
    fix_setup();
    ck_assert_int_eq(tick_start(100), HV_OK);
    tick_start_scheduling();
}

/* What ran, counted in counter units: one thread per slot, idle last. */
struct usage {
    struct thread *who[4];
    uint64_t ran[5];
};

static void account(struct usage *u, struct thread *cur, uint64_t units)
{
    unsigned i = 0;
    while (i < 4 && u->who[i] && u->who[i] != cur)
        i++;
    u->ran[cur && i < 4 && u->who[i] == cur ? i : 4] += units;
}

/* Runs the machine for units counts as the hardware would: the chosen thread runs until the
 * timer's deadline (or until `until`), the interrupt comes, the scheduler chooses again. A
 * hook may block or wake threads at given times (before each choice). */
static void run_for(uint64_t units, struct usage *u, void (*hook)(uint64_t now))
{
    uint64_t end = fake.now + units;
    for (unsigned guard = 0; fake.now < end && guard < 1000000; guard++) {
        if (hook)
            hook(fake.now);
        struct thread *cur = sched_choose();
        uint64_t next = end;
        if (fake.deadline > fake.now && fake.deadline < next)
            next = fake.deadline;
        if (hook) { /* the hook acts one count before each tick and at the tick */
            uint64_t base = fake.now - fake.now % TICK;
            uint64_t moment = base + (fake.now % TICK < TICK - 1 ? TICK - 1 : TICK);
            if (moment < next)
                next = moment;
        }
        account(u, cur, next - fake.now);
        fake.now = next;
        if (fake.deadline && fake.now >= fake.deadline)
            kernel_timer_interrupt();
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
    struct usage u = {.who = {lo, hi}};
    run_for(1000, &u, NULL);
    ck_assert_uint_eq(u.ran[0], 0);
    ck_assert_uint_eq(u.ran[1], 1000);
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
    struct usage u = {.who = {a, b}};
    run_for(10000, &u, NULL);
    ck_assert_uint_ge(u.ran[0], 1980);
    ck_assert_uint_le(u.ran[0], 2020);
    ck_assert_uint_eq(u.ran[0] + u.ran[1], 10000);
    ck_assert_uint_eq(a->sc->consumed, u.ran[0]);
}
END_TEST

START_TEST(budget_caps_a_higher_priority_spinner)
{
    struct thread *a = fix_thread(20, 21, 22, 50, 2, 10);
    struct thread *b = fix_thread(23, 24, 25, 10, 10, 10);
    thread_suspend(root);
    struct usage u = {.who = {a, b}};
    run_for(10000, &u, NULL);
    ck_assert_uint_ge(u.ran[0], 1980);
    ck_assert_uint_le(u.ran[0], 2020);
    /* The budget ends between ticks, when it is spent, not at the next tick. */
    ck_assert_ptr_eq(sched_choose(), a);
    run_for(25, &u, NULL);
    ck_assert(a->sc->depleted);
    ck_assert_ptr_eq(sched_choose(), b);
}
END_TEST

/* SEC-H2: a thread that sleeps across every tick and runs between them was charged nothing
 * when budgets were sampled at the tick; charged for the time it runs, it gets its share. */
static struct thread *dodger;

static void dodge_ticks(uint64_t now)
{
    if (now % TICK == TICK - 1 && dodger->state == THREAD_READY)
        thread_suspend(dodger); /* just before the tick */
    else if (now % TICK != TICK - 1 && dodger->state == THREAD_INACTIVE)
        thread_resume(dodger); /* just after it */
}

START_TEST(sec_h2_tick_dodger_is_charged)
{
    dodger = fix_thread(20, 21, 22, 50, 2, 10);
    struct thread *b = fix_thread(23, 24, 25, 10, 10, 10);
    thread_suspend(root);
    struct usage u = {.who = {dodger, b}};
    run_for(10000, &u, dodge_ticks);
    ck_assert_uint_ge(u.ran[0], 1900);
    ck_assert_uint_le(u.ran[0], 2100);
    ck_assert_uint_ge(u.ran[1], 7900);
}
END_TEST

/* Threads bound to one context share its budget: a partition's vcpu thread and its VMM. */
START_TEST(bound_threads_share_one_budget)
{
    struct thread *a = fix_thread(20, 21, 22, 50, 10, 10);
    struct thread *b = fix_thread(23, 24, 25, 50, 10, 10);
    struct thread *other = fix_thread(26, 27, 28, 10, 10, 10);
    struct sched_context *sc = fix_sc(40, 3, 10);
    thread_suspend(a);
    thread_suspend(b);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, 20, 21, 22, 0, 50, 40, 0x1000, 0x8000),
                      HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, 23, 24, 25, 0, 50, 40, 0x1000, 0x8000),
                      HV_OK);
    thread_resume(a);
    thread_resume(b);
    thread_suspend(root);
    struct usage u = {.who = {a, b, other}};
    run_for(10000, &u, NULL);
    ck_assert_uint_ge(u.ran[0] + u.ran[1], 2970);
    ck_assert_uint_le(u.ran[0] + u.ran[1], 3030);
    ck_assert_uint_gt(u.ran[0], 1000); /* both got turns */
    ck_assert_uint_gt(u.ran[1], 1000);
    ck_assert_uint_eq(sc->consumed, u.ran[0] + u.ran[1]);
}
END_TEST

/* A server serving a call runs on its caller's budget: the work done for a partition is the
 * partition's, and a spent budget stops the work done for it. */
START_TEST(server_runs_on_callers_budget)
{
    struct thread *client = fix_thread(20, 21, 22, 50, 2, 10);
    struct thread *server = fix_thread(23, 24, 25, 60, 10, 10);
    struct thread *other = fix_thread(26, 27, 28, 10, 10, 10);
    fix_retype(HV_OBJ_ENDPOINT, 0, 30, 1);
    /* The endpoint into both cnodes at slot 3. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 30, 21, 3, HV_RIGHTS_ALL, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 30, 24, 3, HV_RIGHTS_ALL, 0), HV_OK);
    thread_suspend(root);
    ck_assert_ptr_eq(sched_choose(), server);
    ck_assert_uint_eq(SYS(server, HV_SYS_RECV, 3), HV_OK); /* blocks */
    ck_assert_ptr_eq(sched_choose(), client);
    SYS(client, HV_SYS_CALL, 3, hv_msginfo(1, 0));
    ck_assert_ptr_eq(sched_current(), server);
    ck_assert_ptr_eq(sched_context_of(server), client->sc);
    /* The server spins on the request: 2 ticks of 10, then it waits for the refill. */
    struct usage u = {.who = {client, server, other}};
    run_for(1000, &u, NULL);
    ck_assert_uint_ge(u.ran[1], 190);
    ck_assert_uint_le(u.ran[1], 210);
    ck_assert_uint_eq(client->sc->consumed, u.ran[1]);
    /* It replies: on its own (unbudgeted) time again. */
    while (sched_choose() != server)
        run_for(1, &u, NULL);
    SYS(server, HV_SYS_REPLY, hv_msginfo(0, 0));
    ck_assert_ptr_null(sched_context_of(server));
}
END_TEST

/* A thread on a context that has no budget yet waits; sc_configure lets it run. */
START_TEST(unconfigured_context_waits)
{
    fix_retype(HV_OBJ_SCHED_CONTEXT, 0, 40, 1);
    struct thread *a = fix_thread(20, 21, 22, 50, 10, 10);
    thread_suspend(a);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_CONFIGURE, 20, 21, 22, 0, 50, 40, 0x1000, 0x8000),
                      HV_OK);
    thread_resume(a);
    thread_suspend(root);
    ck_assert_ptr_null(sched_choose());
    thread_resume(root);
    ck_assert_uint_eq(SYS(root, HV_SYS_SC_CONFIGURE, ROOT_SLOT_SCHED_CONTROL, 40, 5000, 10000),
                      HV_OK);
    thread_suspend(root);
    ck_assert_ptr_eq(sched_choose(), a);
}
END_TEST

/* SEC-H3: only the sched-control cap sets a budget; it can't be copied; a thread can bind only
 * a context it holds with the write right, or its own. */
START_TEST(sec_h3_only_sched_control_sets_budgets)
{
    struct thread *a = fix_thread(20, 21, 22, 50, 2, 10);
    fix_sc(40, 5, 10);
    /* The task holds its own context's cap, read-only, and one with write. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 120, 21, 4, HV_RIGHT_READ, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 120, 21, 5, HV_RIGHTS_ALL, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, ROOT_SLOT_SCHED_CONTROL, 21, 6, HV_RIGHTS_ALL, 0),
                      HV_ETYPE); /* the control can't be copied */
    /* Without the control, nothing sets a budget: not with the context's own cap... */
    ck_assert_uint_eq(SYS(a, HV_SYS_SC_CONFIGURE, 5, 5, 10000, 10000), HV_ETYPE);
    /* ...nor with any other slot. */
    ck_assert_uint_eq(SYS(a, HV_SYS_SC_CONFIGURE, 6, 5, 10000, 10000), HV_ENOENT);
    ck_assert_uint_eq(a->sc->budget, 20);
    /* Root's own: bad numbers refused. */
    ck_assert_uint_eq(SYS(root, HV_SYS_SC_CONFIGURE, ROOT_SLOT_SCHED_CONTROL, 40, 0, 10000),
                      HV_EINVAL);
    ck_assert_uint_eq(SYS(root, HV_SYS_SC_CONFIGURE, ROOT_SLOT_SCHED_CONTROL, 40, 20000, 10000),
                      HV_EINVAL);
    ck_assert_uint_eq(SYS(root, HV_SYS_SC_CONFIGURE, ROOT_SLOT_SCHED_CONTROL, 40, 10, 50),
                      HV_EINVAL); /* below the minimum period */
    /* Reading what it used needs the read right only; it comes with the time since the
     * budget was first set, by the kernel's counter (1000 Hz here: 1 count = 1000 us). */
    fake.now += 50;
    ck_assert_uint_eq(SYS(a, HV_SYS_SC_CONSUMED, 4), HV_OK);
    ck_assert_uint_eq(reg(a, 2), 50000);
    ck_assert_uint_le(reg(a, 1), reg(a, 2));
}
END_TEST

START_TEST(sec_h3_binding_needs_the_write_right)
{
    struct thread *a = fix_thread(20, 21, 22, 50, 2, 10);
    struct thread *b = fix_thread(23, 24, 25, 40, 10, 10);
    fix_sc(40, 9, 10);
    /* a gets b's thread cap, its own cnode and vspace caps, and the 90 % context read-only. */
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 23, 21, 3, HV_RIGHTS_ALL, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 24, 21, 4, HV_RIGHTS_ALL, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 25, 21, 5, HV_RIGHTS_ALL, 0), HV_OK);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_COPY, 40, 21, 6, HV_RIGHT_READ, 0), HV_OK);
    thread_suspend(b);
    ck_assert_uint_eq(SYS(a, HV_SYS_THREAD_CONFIGURE, 3, 4, 5, 0, 40, 6, 0x1000, 0x8000),
                      HV_EPERM);
    ck_assert_ptr_null(b->sc);
    /* Its own context it may share: b now runs on a's 20 %. */
    ck_assert_uint_eq(SYS(a, HV_SYS_THREAD_CONFIGURE, 3, 4, 5, 0, 40, HV_SC_INHERIT, 0x1000,
                          0x8000),
                      HV_OK);
    ck_assert_ptr_eq(b->sc, a->sc);
}
END_TEST

/* A context's last cap gone: its threads stop rather than run on nobody's budget. */
START_TEST(destroyed_context_stops_its_threads)
{
    struct thread *a = fix_thread(20, 21, 22, 50, 2, 10);
    ck_assert_uint_eq(a->state, THREAD_READY);
    ck_assert_uint_eq(SYS(root, HV_SYS_CAP_DELETE, 120), HV_OK);
    ck_assert_uint_eq(a->state, THREAD_INACTIVE);
    ck_assert_ptr_null(a->sc);
    ck_assert_uint_eq(SYS(root, HV_SYS_THREAD_RESUME, 20), HV_OK);
    thread_suspend(root);
    ck_assert_ptr_eq(sched_choose(), a); /* resumed explicitly: on the system context */
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
    tcase_add_test(tc, sec_h2_tick_dodger_is_charged);
    tcase_add_test(tc, bound_threads_share_one_budget);
    tcase_add_test(tc, server_runs_on_callers_budget);
    tcase_add_test(tc, unconfigured_context_waits);
    tcase_add_test(tc, sec_h3_only_sched_control_sets_budgets);
    tcase_add_test(tc, sec_h3_binding_needs_the_write_right);
    tcase_add_test(tc, destroyed_context_stops_its_threads);
    suite_add_tcase(s, tc);
    return check_run(s);
}
