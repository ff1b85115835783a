/* The scheduler: fixed priorities with an O(1) bitmap, round robin within a priority, and a
 * CPU budget per period per thread enforced with a release list. Per-CPU state, one CPU now. */
#pragma once

#include <kernel/thread.h>

struct thread_queue {
    struct thread *head, *tail;
};

struct sched_cpu {
    struct thread_queue ready[HV_PRIO_MAX + 1];
    uint64_t bitmap[(HV_PRIO_MAX + 1) / 64];
    uint64_t bitmap_top; /* bit w set iff bitmap[w] != 0 */
    struct thread *current; /* running thread, NULL when idle */
    struct thread *release; /* depleted threads, unsorted */
    uint64_t now;           /* ticks */
};

void sched_init(void);
struct sched_cpu *sched_cpu(void);

/* The thread the CPU runs after this kernel entry (NULL: idle). */
struct thread *sched_current(void);
struct thread *sched_choose(void);

/* State changes: each keeps "in a run queue iff READY and not depleted". */
void sched_make_ready(struct thread *t);           /* at the tail of its priority */
void sched_make_ready_head(struct thread *t);      /* direct switch from IPC */
void sched_block(struct thread *t, unsigned state); /* leaves the run queue */
void sched_forget(struct thread *t);               /* leaves run queue and release list */
void sched_set_params(struct thread *t, unsigned prio, unsigned budget, unsigned period);

void sched_rotate(struct thread *t);
/* One timer tick: charges the running thread, releases replenished threads, rotates. */
void sched_tick(void);

/* Generic FIFO of threads through qnext/qprev, used by endpoints and notifications too. */
void tq_push(struct thread_queue *q, struct thread *t);
void tq_push_head(struct thread_queue *q, struct thread *t);
void tq_remove(struct thread_queue *q, struct thread *t);
struct thread *tq_pop(struct thread_queue *q);
static inline bool tq_empty(const struct thread_queue *q) { return q->head == NULL; }
