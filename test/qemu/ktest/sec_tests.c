/* In-QEMU regression tests of the hardening issue's findings (duet.test=sec): each case is an
 * attack a compromised VMM or task could make, named by its finding (SEC-C1, ...), and passes
 * only when the attack is refused in the way the design says. */
#include "ktest.h"
#include "report.h"
#include <hv/abi/error.h>

#define PRIO_VICTIM 100
#define PRIO_ATTACKER 101

/* ---- SEC-C1: a thread whose address space cap was revoked must not run in another's ----
 * Two address spaces hold the same program (the test program loaded a second time), so the
 * same code and the same variable addresses, with different data. Thread A runs on a copy of
 * the first space's cap; the copy is revoked. Thread B of the second space runs and wakes A
 * at once: A must fault, not run under B's translation (it would read B's marker). Every slot
 * A and B use is fixed and every value travels in registers: A can't trust its memory. */
#define C1_GO 2040     /* A waits here (root slot; B holds a copy) */
#define C1_REPORT 2041 /* A reports what it read (badge 2) */
#define C1_FAULT 2042  /* A's fault endpoint (badge 1) */
#define C1_READY 2043  /* A says it is about to wait */
#define C1_B_GO 3      /* B's cnode: the go notification (write) */
#define C1_B_PARK 4    /* B's cnode: a notification nobody signals */
#define C1_STACK_TOP 0x7ffed000ull /* inside both spaces' stack regions, below the root's use */
#define C1_MARKER_ROOT 0xaaaa5555aaaa5555ull
#define C1_MARKER_B 0xbbbb6666bbbb6666ull

static volatile uint64_t c1_marker = C1_MARKER_ROOT;

static void c1_thread_a(void)
{
    uint64_t bits;
    hv_signal(C1_READY);
    hv_wait(C1_GO, &bits);
    struct hv_msg m = {.info = hv_msginfo(1, 1), .w = {c1_marker}};
    hv_send(C1_REPORT, &m);
    for (;;)
        hv_wait(C1_GO, &bits);
}

static void c1_thread_b(void)
{
    uint64_t bits;
    c1_marker = C1_MARKER_B; /* its own copy of the variable */
    hv_signal(C1_B_GO);      /* A, higher priority, runs right after this */
    for (;;)
        hv_wait(C1_B_PARK, &bits);
}

static void test_sec_c1(void)
{
    struct root_program b;
    uint64_t ep = root_new(HV_OBJ_ENDPOINT, 0), go = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t park = root_new(HV_OBJ_NOTIFICATION, 0), a = root_new(HV_OBJ_THREAD, 0);
    uint64_t ready = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t vcopy = root_slot();
    int r = root_load_program("root", &b);
    if (!r)
        r = hv_cap_copy(go, ROOT_CNODE, C1_GO, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_cap_copy(ready, ROOT_CNODE, C1_READY, HV_RIGHT_WRITE, 1);
    if (!r)
        r = hv_cap_copy(ep, ROOT_CNODE, C1_REPORT, HV_RIGHT_WRITE, 2);
    if (!r)
        r = hv_cap_copy(ep, ROOT_CNODE, C1_FAULT, HV_RIGHT_WRITE, 1);
    if (!r)
        r = hv_cap_copy(go, b.cnode, C1_B_GO, HV_RIGHT_WRITE, 1);
    if (!r)
        r = hv_cap_copy(park, b.cnode, C1_B_PARK, HV_RIGHT_READ, 0);
    if (!r)
        r = hv_cap_copy(ROOT_VSPACE, ROOT_CNODE, vcopy, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_thread_configure(a, ROOT_CNODE, vcopy, C1_FAULT, PRIO_ATTACKER, HV_SC_INHERIT,
                                (uint64_t)c1_thread_a, C1_STACK_TOP);
    if (!r)
        r = hv_thread_resume(a);
    uint64_t bits;
    if (!r)
        r = hv_wait(ready, &bits); /* A runs on the root's space up to its signal */
    if (!r)
        r = hv_thread_configure(b.thread, b.cnode, b.vspace, 0, PRIO_VICTIM, HV_SC_INHERIT,
                                (uint64_t)c1_thread_b, b.stack_top);
    if (r) {
        test_check("SEC-C1", false, "could not set the test up: %d", r);
        return;
    }
    /* A's space cap goes while A is between its signal and its wait. */
    struct hv_msg m = {0};
    int revoked = hv_cap_revoke(vcopy);
    r = hv_thread_resume(b.thread);
    int got = r ? r : hv_recv(ep, &m);
    uint64_t what = hv_msginfo_label(m.info);
    bool faulted = got == HV_OK && m.badge == 1 && what == HV_FAULT_PAGE;
    test_check("SEC-C1", revoked == HV_OK && faulted,
               "after its space cap was revoked the thread %s (badge %lu, label %lu, word 0x%lx; "
               "B's marker 0x%lx)",
               faulted ? "faulted" : m.w[0] == C1_MARKER_B ? "ran in another task's space" :
                                                             "did something else",
               m.badge, what, m.w[0], (uint64_t)C1_MARKER_B);
    hv_thread_suspend(a);
    hv_thread_suspend(b.thread);
}

void sec_tests_run(const struct hv_bootinfo *info)
{
    (void)info;
    test_sec_c1();
}
