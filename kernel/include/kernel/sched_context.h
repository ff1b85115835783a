/* Scheduling contexts: a CPU budget per period that one or more threads run on (a partition's
 * vcpu threads and its VMM share one), charged for the time actually used and enforced by a
 * timer at the budget's end (seL4 MCS, NOVA). A server serving a call runs on its caller's
 * context (sched.c), so the work done for a partition is charged to that partition. */
#pragma once

#include <hv/abi/syscall.h>
#include <kernel/object.h>
#include <kernel/thread_queue.h>

struct thread;

struct sched_context {
    struct obj_header hdr;
    uint64_t budget, period;     /* counter units; budget == period: never throttled */
    int64_t remaining;           /* left in this period; <= 0: depleted (an overrun is debt) */
    uint64_t period_end;         /* counter value at which the budget is refilled */
    uint64_t consumed;           /* counter units charged in all, for measurement */
    uint64_t configured_at;      /* counter value of the first sc_configure */
    bool depleted;               /* on the release list, its threads parked */
    bool configured;             /* sc_configure gave it a budget: threads may run on it */
    struct thread_queue parked;  /* ready threads waiting for the refill */
    struct thread *bound;        /* threads bound to it, through thread.sc_next */
    struct sched_context *rnext; /* release list */
};

_Static_assert(sizeof(struct sched_context) <= 1u << HV_SCHED_CONTEXT_SIZE_BITS,
               "a scheduling context fits its object");

void sc_init(struct sched_context *sc);
/* The last cap is gone: its threads stop (suspended), nothing refers to it any more. */
void sc_destroy(struct sched_context *sc);
/* A new budget and period (counter units, 0 < budget <= period), starting a fresh period at
 * now. Threads parked on it run again if the new budget allows. */
void sc_configure(struct sched_context *sc, uint64_t budget, uint64_t period, uint64_t now);

/* Binds t to sc (NULL: the unbudgeted system context the root task starts on). */
void sc_bind(struct thread *t, struct sched_context *sc);

/* Charges used counter units to sc; true when that depleted it. */
bool sc_charge(struct sched_context *sc, uint64_t used);
/* The refill due at now, if it is; true when sc may run again. */
bool sc_refill(struct sched_context *sc, uint64_t now);
static inline bool sc_budgeted(const struct sched_context *sc)
{
    return sc && sc->budget < sc->period;
}
