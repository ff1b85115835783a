/* The scheduler: per-priority FIFO run queues found in O(1) through a two-level bitmap, round
 * robin on each tick, and budgets: a thread that spent its budget waits on the release list
 * until its period ends, however much it wants to run. */
#include <kernel/assert.h>
#include <kernel/sched.h>
#include <kernel/string.h>

static struct sched_cpu cpu0;

struct sched_cpu *sched_cpu(void)
{
    return &cpu0;
}

void sched_init(void)
{
    memset(&cpu0, 0, sizeof(cpu0));
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

static bool runnable(const struct thread *t)
{
    return t->state == THREAD_READY && !t->depleted;
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

static void release_remove(struct thread *t)
{
    struct thread **link = &cpu0.release;
    while (*link && *link != t)
        link = &(*link)->rnext;
    if (*link)
        *link = t->rnext;
    t->rnext = NULL;
}

static void make_ready(struct thread *t, bool head)
{
    assert(t->state != THREAD_READY);
    t->state = THREAD_READY;
    if (!t->depleted)
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

void sched_block(struct thread *t, unsigned state)
{
    if (runnable(t))
        rq_remove(t);
    t->state = (uint8_t)state;
}

void sched_forget(struct thread *t)
{
    if (runnable(t))
        rq_remove(t);
    if (t->depleted)
        release_remove(t);
    t->depleted = false;
    if (cpu0.current == t)
        cpu0.current = NULL;
}

void sched_set_params(struct thread *t, unsigned prio, unsigned budget, unsigned period)
{
    bool queued = runnable(t);
    if (queued)
        rq_remove(t);
    t->prio = (uint8_t)prio;
    t->budget = budget;
    t->period = period;
    t->remaining = budget;
    t->period_end = cpu0.now + period;
    if (queued)
        rq_insert(t, false);
}

struct thread *sched_current(void)
{
    return cpu0.current;
}

struct thread *sched_choose(void)
{
    struct sched_cpu *c = &cpu0;
    if (!c->bitmap_top) {
        c->current = NULL;
        return NULL;
    }
    unsigned w = 63 - (unsigned)__builtin_clzll(c->bitmap_top);
    unsigned p = w * 64 + 63 - (unsigned)__builtin_clzll(c->bitmap[w]);
    c->current = c->ready[p].head;
    return c->current;
}

void sched_rotate(struct thread *t)
{
    if (runnable(t)) {
        rq_remove(t);
        rq_insert(t, false);
    }
}

/* A new period refills the budget; periods missed while blocked are skipped. */
static void refill_if_due(struct thread *t, uint64_t now)
{
    if (now < t->period_end)
        return;
    t->remaining = t->budget;
    t->period_end += t->period;
    if (t->period_end <= now)
        t->period_end = now + t->period;
}

static void release_due(uint64_t now)
{
    struct thread **link = &cpu0.release;
    while (*link) {
        struct thread *t = *link;
        if (now < t->period_end) {
            link = &t->rnext;
            continue;
        }
        *link = t->rnext;
        t->rnext = NULL;
        t->depleted = false;
        refill_if_due(t, now);
        if (t->state == THREAD_READY)
            rq_insert(t, false);
    }
}

static void charge(struct thread *t, uint64_t now)
{
    refill_if_due(t, now - 1); /* the tick just spent belongs to the period it began in */
    if (t->budget >= t->period)
        return; /* a full budget is never exhausted */
    if (--t->remaining > 0)
        return;
    rq_remove(t);
    t->depleted = true;
    t->rnext = cpu0.release;
    cpu0.release = t;
}

void sched_tick(void)
{
    struct sched_cpu *c = &cpu0;
    struct thread *t = c->current;
    c->now++;
    if (t && runnable(t)) {
        charge(t, c->now);
        if (runnable(t))
            sched_rotate(t); /* round robin: one tick per turn */
    }
    release_due(c->now);
}
