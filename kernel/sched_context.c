/* Scheduling contexts: budgets charged for the time used, refilled each period
 * (sched_context.h). The scheduler (sched.c) decides when to charge and parks the threads of
 * a depleted context; this file keeps the arithmetic and the links to threads. */
#include <kernel/assert.h>
#include <kernel/sched.h>
#include <kernel/sched_context.h>
#include <kernel/string.h>
#include <kernel/thread.h>

void sc_init(struct sched_context *sc)
{
    memset(sc, 0, sizeof(*sc));
    sc->hdr.type = HV_OBJ_SCHED_CONTEXT;
}

void sc_bind(struct thread *t, struct sched_context *sc)
{
    if (t->sc == sc)
        return;
    if (t->sc) {
        struct thread **link = &t->sc->bound;
        while (*link != t)
            link = &(*link)->sc_next;
        *link = t->sc_next;
    }
    t->sc = sc;
    t->sc_next = NULL;
    if (sc) {
        t->sc_next = sc->bound;
        sc->bound = t;
    }
    if (!t->reply_to)
        sched_lend(t, sc); /* and whoever serves it; while t serves, it is on its caller's */
}

void sc_destroy(struct sched_context *sc)
{
    /* A thread without its budget must not run on none: it stops. */
    while (sc->bound) {
        struct thread *t = sc->bound;
        thread_suspend(t);
        sc_bind(t, NULL);
    }
    sched_release_forget(sc);
    assert(tq_empty(&sc->parked));
}

void sc_configure(struct sched_context *sc, uint64_t budget, uint64_t period, uint64_t now)
{
    assert(budget > 0 && budget <= period);
    sc->budget = budget;
    sc->period = period;
    sc->remaining = (int64_t)budget;
    sc->period_end = now + period;
    if (!sc->configured)
        sc->configured_at = now;
    sc->configured = true;
    sched_release_now(sc); /* its threads waited for a budget, or for the old one's refill */
}

bool sc_charge(struct sched_context *sc, uint64_t used)
{
    sc->consumed += used;
    if (!sc_budgeted(sc) || sc->depleted)
        return false;
    sc->remaining -= (int64_t)(used < INT64_MAX ? used : INT64_MAX);
    return sc->remaining <= 0;
}

bool sc_refill(struct sched_context *sc, uint64_t now)
{
    if (now < sc->period_end)
        return false;
    /* Whole periods missed while idle or depleted are skipped, and with them any debt. Right
     * after the period it ran in, an overrun (timer latency) is paid from the new budget, so
     * the share holds over time; unspent budget is never carried over. */
    uint64_t periods = (now - sc->period_end) / sc->period + 1;
    int64_t budget = (int64_t)sc->budget;
    sc->period_end += periods * sc->period;
    if (periods > 1 || sc->remaining > 0)
        sc->remaining = budget;
    else
        sc->remaining += budget;
    return sc->remaining > 0;
}
