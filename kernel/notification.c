/* Notifications: asynchronous signal bits; a waiter is handed the bits directly, otherwise
 * they accumulate in the word until a wait or poll takes them. */
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/irq.h>
#include <kernel/notification.h>

void ntfn_init(struct notification *n)
{
    n->hdr.type = HV_OBJ_NOTIFICATION;
}

static void wake(struct thread *t, uint64_t bits)
{
    t->blocked_on = NULL;
    arch_context_set_reg(&t->ctx, 0, HV_OK);
    arch_context_set_reg(&t->ctx, 1, bits);
    sched_make_ready(t);
}

void ntfn_signal(struct notification *n, uint64_t bits)
{
    struct thread *t = tq_pop(&n->waiters);
    if (t) {
        assert(n->word == 0); /* waiters exist only while the word is empty */
        wake(t, bits);
    } else {
        n->word |= bits;
    }
}

void ntfn_wait(struct notification *n, struct thread *t)
{
    if (n->word) {
        arch_context_set_reg(&t->ctx, 0, HV_OK);
        arch_context_set_reg(&t->ctx, 1, ntfn_poll(n));
        return;
    }
    sched_block(t, THREAD_BLOCKED_NTFN);
    t->blocked_on = n;
    tq_push(&n->waiters, t);
}

uint64_t ntfn_poll(struct notification *n)
{
    uint64_t w = n->word;
    n->word = 0;
    return w;
}

void ntfn_remove_waiter(struct notification *n, struct thread *t)
{
    assert(t->blocked_on == n);
    tq_remove(&n->waiters, t);
    t->blocked_on = NULL;
}

void ntfn_destroy(struct notification *n)
{
    struct thread *t;
    while ((t = tq_pop(&n->waiters))) {
        t->blocked_on = NULL;
        thread_cancel_ipc(t, HV_ECANCELED);
    }
    irq_unbind_ntfn(n);
}
