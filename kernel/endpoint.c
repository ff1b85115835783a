/* Synchronous IPC: endpoints queue blocked senders or receivers in FIFO order; a call leaves
 * the caller waiting in its receiver's single reply slot (pre-MCS seL4 style). */
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/endpoint.h>
#include <kernel/vcpu.h>

void ep_init(struct endpoint *ep)
{
    ep->hdr.type = HV_OBJ_ENDPOINT;
    ep->state = EP_IDLE;
}

/* Writes a message into to's result registers: R0 ok, R1 info, R2..R7 words, R8 badge. Words
 * past the length are zeroed so that nothing the sender did not send leaks. */
static void put_msg(struct thread *to, uint64_t info, const uint64_t *w, uint64_t badge)
{
    unsigned len = hv_msginfo_len(info);
    arch_context_set_reg(&to->ctx, 0, HV_OK);
    arch_context_set_reg(&to->ctx, 1, info);
    for (unsigned i = 0; i < HV_MSG_WORDS; i++)
        arch_context_set_reg(&to->ctx, HV_REG_MSG0 + i, i < len ? w[i] : 0);
    arch_context_set_reg(&to->ctx, HV_REG_NUMBER, badge);
}

/* The message in from's registers (validated by the syscall layer). */
static void get_msg(struct thread *from, uint64_t *info, uint64_t *w)
{
    *info = arch_context_reg(&from->ctx, 1);
    for (unsigned i = 0; i < HV_MSG_WORDS; i++)
        w[i] = arch_context_reg(&from->ctx, HV_REG_MSG0 + i);
}

static void link_reply(struct thread *server, struct thread *caller)
{
    if (server->reply_to)
        ep_cancel_reply(server);
    server->reply_to = caller;
    caller->reply_from = server;
    caller->blocked_on = NULL;
    caller->state = THREAD_BLOCKED_REPLY;
    sched_lend(server, caller->run_sc); /* it serves on the caller's time */
}

static void dequeue(struct endpoint *ep, struct thread *t)
{
    tq_remove(&ep->queue, t);
    if (tq_empty(&ep->queue))
        ep->state = EP_IDLE;
    t->blocked_on = NULL;
}

static void enqueue(struct endpoint *ep, struct thread *t, unsigned state)
{
    sched_block(t, state);
    t->blocked_on = ep;
    tq_push(&ep->queue, t);
    ep->state = state == THREAD_BLOCKED_SEND ? EP_SEND : EP_RECV;
}

/* Sends info/w from t; staged: t is not running (a fault), so it can only block. */
static void send_msg(struct endpoint *ep, struct thread *t, uint64_t badge, bool call,
                     uint64_t info, const uint64_t *w)
{
    if (ep->state == EP_RECV) {
        struct thread *r = ep->queue.head;
        dequeue(ep, r);
        put_msg(r, info, w, badge);
        if (call) {
            sched_block(t, THREAD_BLOCKED_REPLY);
            link_reply(r, t);
            sched_make_ready_head(r); /* direct switch: the caller gave its turn away */
        } else {
            sched_make_ready(r);
            arch_context_set_reg(&t->ctx, 0, HV_OK);
        }
        return;
    }
    t->msg_info = info;
    for (unsigned i = 0; i < HV_MSG_WORDS; i++)
        t->msg[i] = w[i];
    t->ipc_badge = badge;
    t->ipc_call = call;
    enqueue(ep, t, THREAD_BLOCKED_SEND);
}

void ep_send(struct endpoint *ep, struct thread *t, uint64_t badge, bool call)
{
    uint64_t info, w[HV_MSG_WORDS];
    get_msg(t, &info, w);
    send_msg(ep, t, badge, call, info, w);
}

void ep_send_staged(struct endpoint *ep, struct thread *t, uint64_t badge)
{
    uint64_t w[HV_MSG_WORDS];
    for (unsigned i = 0; i < HV_MSG_WORDS; i++)
        w[i] = t->msg[i];
    t->ipc_fault = true;
    send_msg(ep, t, badge, true, t->msg_info, w);
}

void ep_recv(struct endpoint *ep, struct thread *t)
{
    if (t->reply_to)
        ep_cancel_reply(t); /* receiving again gives up the pending reply */
    if (ep->state != EP_SEND) {
        enqueue(ep, t, THREAD_BLOCKED_RECV);
        return;
    }
    struct thread *s = ep->queue.head;
    dequeue(ep, s);
    put_msg(t, s->msg_info, s->msg, s->ipc_badge);
    if (s->ipc_call) {
        s->ipc_call = false;
        link_reply(t, s);
    } else {
        arch_context_set_reg(&s->ctx, 0, HV_OK);
        sched_make_ready(s);
    }
}

int ep_reply(struct thread *t)
{
    struct thread *c = t->reply_to;
    if (!c)
        return HV_ENOENT;
    uint64_t info, w[HV_MSG_WORDS];
    t->reply_to = NULL;
    c->reply_from = NULL;
    sched_lend(t, t->sc); /* back on its own time */
    if (c->ipc_fault) {
        c->ipc_fault = false; /* resume the faulting thread with its registers as they were */
        /* A guest exit's reply says how the guest resumes; a malformed one stops that guest
         * (only the replier's own vcpu), and the reply itself still succeeds. */
        if (c->vcpu && !vcpu_apply_reply(c, t)) {
            c->state = THREAD_INACTIVE;
            return HV_OK;
        }
    } else {
        get_msg(t, &info, w);
        put_msg(c, info, w, 0);
    }
    sched_make_ready_head(c);
    return HV_OK;
}

void ep_cancel_reply(struct thread *t)
{
    struct thread *c = t->reply_to;
    assert(c && c->reply_from == t);
    t->reply_to = NULL;
    sched_lend(t, t->sc); /* it was on c's time: now it is on its own again */
    thread_cancel_ipc(c, HV_ECANCELED);
}

void ep_remove_waiter(struct endpoint *ep, struct thread *t)
{
    assert(t->blocked_on == ep);
    dequeue(ep, t);
}

void ep_destroy(struct endpoint *ep)
{
    struct thread *t;
    while ((t = ep->queue.head)) {
        dequeue(ep, t);
        thread_cancel_ipc(t, HV_ECANCELED);
    }
}
