/* The scheduler: per-priority FIFO run queues found in O(1) through a two-level bitmap, round
 * robin on each tick, and CPU budgets on scheduling contexts (sched_context.h): the context a
 * thread runs on is charged from the counter at every switch between contexts, a timer at the
 * end of its budget stops it, and its threads wait parked until the period's refill. */
#include <arch.h>
#include <kernel/assert.h>
#include <kernel/sched.h>
#include <kernel/sched_context.h>
#include <kernel/string.h>
#include <kernel/tick.h>

static struct sched_cpu cpu0;

/* What sched_cpu.running holds when no context is being charged: idle, or the running one
 * just spent (so that the next choice takes the slow path and parks its threads). A thread
 * never runs on either, so comparing with running is the whole fast path's check. */
static struct sched_context idle_mark, spent_mark;

struct sched_cpu *sched_cpu(void)
{
    return &cpu0;
}

void sched_init(void)
{
    memset(&cpu0, 0, sizeof(cpu0));
    cpu0.running = &idle_mark;
}

void tq_push(struct thread_queue *q, struct thread *t)
{
    t->qnext = NULL;
    t->qprev = q->tail;
    if (q->tail)
        q->tail->qnext = t;
    else
        q->head = t;
    q->tail = t;
}

void tq_push_head(struct thread_queue *q, struct thread *t)
{
    t->qprev = NULL;
    t->qnext = q->head;
    if (q->head)
        q->head->qprev = t;
    else
        q->tail = t;
    q->head = t;
}

void tq_remove(struct thread_queue *q, struct thread *t)
{
    if (t->qprev)
        t->qprev->qnext = t->qnext;
    else
        q->head = t->qnext;
    if (t->qnext)
        t->qnext->qprev = t->qprev;
    else
        q->tail = t->qprev;
    t->qnext = t->qprev = NULL;
}

struct thread *tq_pop(struct thread_queue *q)
{
    struct thread *t = q->head;
    if (t)
        tq_remove(q, t);
    return t;
}

static bool in_run_queue(const struct thread *t)
{
    return t->state == THREAD_READY && !t->parked_on;
}

static void rq_insert(struct thread *t, bool head)
{
    struct sched_cpu *c = &cpu0;
    unsigned p = t->prio;
    if (head)
        tq_push_head(&c->ready[p], t);
    else
        tq_push(&c->ready[p], t);
    c->bitmap[p / 64] |= 1ull << (p % 64);
    c->bitmap_top |= 1ull << (p / 64);
}

static void rq_remove(struct thread *t)
{
    struct sched_cpu *c = &cpu0;
    unsigned p = t->prio;
    tq_remove(&c->ready[p], t);
    if (tq_empty(&c->ready[p])) {
        c->bitmap[p / 64] &= ~(1ull << (p % 64));
        if (!c->bitmap[p / 64])
            c->bitmap_top &= ~(1ull << (p / 64));
    }
}

/* t can't run until sc is refilled (or configured): off the run queue, onto sc's list. */
static void park(struct thread *t, struct sched_context *sc)
{
    rq_remove(t);
    t->parked_on = sc;
    tq_push(&sc->parked, t);
}

/* Rare (a parked thread blocked or suspended): out of line, so that sched_block stays small
 * enough to inline into the IPC paths. */
__attribute__((noinline)) static void unpark_list(struct thread *t)
{
    tq_remove(&t->parked_on->parked, t);
    t->parked_on = NULL;
}

void sched_lend(struct thread *t, struct sched_context *sc)
{
    /* A chain of calls: t is called by nobody or serves its caller; each thread in it is the
     * one its callee replies to, so the walk ends (no thread waits on itself). */
    for (; t; t = t->reply_from) {
        t->run_sc = sc;
        if (t->parked_on && t->parked_on != sc)
            sched_unpark(t);
    }
}

void sched_unpark(struct thread *t)
{
    if (!t->parked_on)
        return;
    unpark_list(t);
    if (t->state == THREAD_READY)
        rq_insert(t, false); /* judged again when chosen */
}

static void unpark_all(struct sched_context *sc)
{
    while (!tq_empty(&sc->parked))
        sched_unpark(sc->parked.head);
}

static void make_ready(struct thread *t, bool head)
{
    assert(t->state != THREAD_READY);
    t->state = THREAD_READY;
    rq_insert(t, head);
}

void sched_make_ready(struct thread *t)
{
    make_ready(t, false);
}

void sched_make_ready_head(struct thread *t)
{
    make_ready(t, true);
}

void sched_handoff(struct thread *t, unsigned state, struct thread *r)
{
    assert(t->state == THREAD_READY && !t->parked_on && r->state != THREAD_READY);
    t->state = (uint8_t)state;
    r->state = THREAD_READY;
    if (t->prio == r->prio) {
        /* One queue: r takes t's place at its head and the bitmap stays as it is. */
        struct thread_queue *q = &cpu0.ready[t->prio];
        tq_remove(q, t);
        tq_push_head(q, r);
        return;
    }
    rq_remove(t);
    rq_insert(r, true);
}

void sched_block(struct thread *t, unsigned state)
{
    if (in_run_queue(t))
        rq_remove(t);
    else if (t->parked_on)
        unpark_list(t);
    t->state = (uint8_t)state;
}

void sched_forget(struct thread *t)
{
    sched_block(t, t->state);
    if (cpu0.current == t)
        cpu0.current = NULL;
}

void sched_set_prio(struct thread *t, unsigned prio)
{
    bool queued = in_run_queue(t);
    if (queued)
        rq_remove(t);
    t->prio = (uint8_t)prio;
    if (queued)
        rq_insert(t, false);
}

struct thread *sched_current(void)
{
    return cpu0.current;
}

/* ---- charging ---------------------------------------------------------------------------- */

static void release_add(struct sched_context *sc)
{
    sc->depleted = true;
    sc->rnext = cpu0.release;
    cpu0.release = sc;
}

static void release_remove(struct sched_context *sc)
{
    struct sched_context **link = &cpu0.release;
    while (*link && *link != sc)
        link = &(*link)->rnext;
    if (*link)
        *link = sc->rnext;
    sc->rnext = NULL;
    sc->depleted = false;
}

static bool charging(const struct sched_cpu *c)
{
    return c->running != &idle_mark && c->running != &spent_mark;
}

/* Charges the running context for the time since it was last charged. */
static void charge_running(uint64_t now)
{
    struct sched_cpu *c = &cpu0;
    uint64_t used = now - c->since;
    c->since = now;
    if (!charging(c))
        return;
    if (!c->running) {
        c->system_consumed += used;
        return;
    }
    if (sc_charge(c->running, used)) {
        release_add(c->running);
        c->running = &spent_mark;
    }
}

/* From now on the CPU's time goes to sc (NULL: the system context; &idle_mark: nobody). */
static void switch_charge(struct sched_context *sc)
{
    struct sched_cpu *c = &cpu0;
    uint64_t now = arch_counter_now();
    charge_running(now);
    c->running = sc;
    c->since = now;
    if (sc_budgeted(sc)) {
        sc_refill(sc, now); /* a period that ended while it waited */
        tick_wake_at(sched_next_event());
    }
}

static struct thread *highest_ready(const struct sched_cpu *c)
{
    unsigned w = 63 - (unsigned)__builtin_clzll(c->bitmap_top);
    unsigned p = w * 64 + 63 - (unsigned)__builtin_clzll(c->bitmap[w]);
    return c->ready[p].head;
}

static inline struct sched_context *context_of(const struct thread *t)
{
    return t->run_sc;
}

/* A switch to another context: charges the one that ran, parks threads whose context is spent
 * (or has no budget yet), and idles when nothing can run. */
__attribute__((noinline)) static struct thread *choose_switching(struct sched_cpu *c)
{
    while (c->bitmap_top) {
        struct thread *t = highest_ready(c);
        struct sched_context *sc = context_of(t);
        if (sc != c->running) {
            if (sc && (sc->depleted || !sc->configured)) {
                park(t, sc);
                continue;
            }
            switch_charge(sc);
        }
        c->current = t;
        return t;
    }
    if (c->running != &idle_mark)
        switch_charge(&idle_mark);
    c->current = NULL;
    return NULL;
}

struct thread *sched_choose(void)
{
    struct sched_cpu *c = &cpu0;
    /* The same context goes on (an IPC, a thread of the same partition): nothing to read,
     * charge or arm, since running is never a spent or unconfigured context. Kept this short
     * so that it inlines into the arch's exit path (the IPC figure). */
    if (c->bitmap_top) {
        struct thread *t = highest_ready(c);
        if (context_of(t) == c->running) {
            c->current = t;
            return t;
        }
    }
    return choose_switching(c);
}

void sched_rotate(struct thread *t)
{
    if (in_run_queue(t)) {
        rq_remove(t);
        rq_insert(t, false);
    }
}

void sched_release_now(struct sched_context *sc)
{
    release_remove(sc);
    unpark_all(sc);
}

void sched_release_forget(struct sched_context *sc)
{
    release_remove(sc);
    unpark_all(sc);
    if (cpu0.running == sc)
        cpu0.running = &spent_mark; /* what it ran since its last charge goes to nobody */
}

void sched_timer(uint64_t now)
{
    struct sched_cpu *c = &cpu0;
    charge_running(now);
    struct sched_context **link = &c->release;
    while (*link) {
        struct sched_context *sc = *link;
        if (!sc_refill(sc, now)) {
            link = &sc->rnext;
            continue;
        }
        *link = sc->rnext;
        sc->rnext = NULL;
        sc->depleted = false;
        unpark_all(sc);
    }
    /* A running context that was not depleted still starts a new period on time. */
    if (charging(c) && sc_budgeted(c->running))
        sc_refill(c->running, now);
}

void sched_charge_now(void)
{
    charge_running(arch_counter_now());
}

uint64_t sched_next_event(void)
{
    struct sched_cpu *c = &cpu0;
    uint64_t next = UINT64_MAX;
    for (struct sched_context *sc = c->release; sc; sc = sc->rnext)
        if (sc->period_end < next)
            next = sc->period_end;
    struct sched_context *r = c->running;
    if (charging(c) && sc_budgeted(r)) {
        uint64_t end = c->since + (uint64_t)(r->remaining > 0 ? r->remaining : 0);
        if (end < next)
            next = end;
        if (r->period_end < next)
            next = r->period_end;
    }
    return next;
}

void sched_tick(void)
{
    struct thread *t = cpu0.current;
    cpu0.ticks++;
    if (t)
        sched_rotate(t); /* round robin: one tick per turn */
}
