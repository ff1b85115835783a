/* The scheduler: fixed priorities with an O(1) bitmap, round robin within a priority, and
 * CPU budgets on scheduling contexts charged at every switch between them. Per-CPU state, one
 * CPU now. */
#pragma once

#include <kernel/thread.h>
#include <kernel/thread_queue.h>

struct sched_context;

struct sched_cpu {
    struct thread_queue ready[HV_PRIO_MAX + 1];
    uint64_t bitmap[(HV_PRIO_MAX + 1) / 64];
    uint64_t bitmap_top; /* bit w set iff bitmap[w] != 0 */
    struct thread *current; /* running thread, NULL when idle */
    /* The context the CPU's time is charged to since `since` (counter value): the system's
     * when NULL; nobody's while idle or just after the running one was spent (sched.c's
     * marks). */
    struct sched_context *running;
    uint64_t since;
    uint64_t system_consumed;      /* counter units run on no context (the root task's) */
    struct sched_context *release; /* depleted contexts, unsorted */
    uint64_t ticks;
};

void sched_init(void);
struct sched_cpu *sched_cpu(void);

/* The thread the CPU runs after this kernel entry (NULL: idle). Charges the context that ran
 * when the next one differs, and parks threads whose context is spent. */
struct thread *sched_current(void);
struct thread *sched_choose(void);
/* The context t's time is charged to: its own, or its caller's while it serves a call. */
static inline struct sched_context *sched_context_of(const struct thread *t)
{
    return t->run_sc;
}
/* t's charged context is now sc: so is every thread serving t's call, down the chain. A
 * parked one is judged again. Called where reply links are made, broken or re-bound. */
void sched_lend(struct thread *t, struct sched_context *sc);

/* State changes: each keeps "in a run queue iff READY and not parked". */
void sched_make_ready(struct thread *t);           /* at the tail of its priority */
void sched_make_ready_head(struct thread *t);      /* direct switch from IPC */
void sched_block(struct thread *t, unsigned state); /* leaves the run queue (or parking) */
/* The running thread t blocks in state and r, blocked, becomes ready at the head of its
 * priority: the IPC fast path's direct switch, as sched_block then sched_make_ready_head. */
void sched_handoff(struct thread *t, unsigned state, struct thread *r);
void sched_forget(struct thread *t);               /* leaves every scheduler list */
void sched_set_prio(struct thread *t, unsigned prio);
/* t parked on a context that no longer decides for it: back to the run queue if ready. */
void sched_unpark(struct thread *t);

void sched_rotate(struct thread *t);
/* One timer tick: the round robin turns. */
void sched_tick(void);
/* A timer interrupt at now: charges the running context, refills the ones whose period ended
 * and lets their threads run again. */
void sched_timer(uint64_t now);
/* Charges the running context up to now, so that what it consumed is current. */
void sched_charge_now(void);
/* The counter value of the scheduler's next event (a budget's end, a refill), or UINT64_MAX. */
uint64_t sched_next_event(void);
/* sc may run now (configured afresh) / goes away: off the release list, its threads unparked. */
void sched_release_now(struct sched_context *sc);
void sched_release_forget(struct sched_context *sc);
