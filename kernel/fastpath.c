/* The IPC fast path: call and reply_recv when the partner is already waiting and the message
 * is short, and reply_recv to a guest's exit. Same outcome as the slow path, with no general
 * decoding; kept short on purpose, since its instruction counts are the IPC and exit figures. */
#include <kernel/cnode.h>
#include <kernel/endpoint.h>
#include <kernel/vcpu.h>

static inline bool info_ok(uint64_t info)
{
    return !(info & HV_MSGINFO_RESERVED) && hv_msginfo_len(info) <= HV_MSG_WORDS;
}

/* Moves the message registers of `from` to `to`, zeroing words past the length. */
static inline void move_msg(struct thread *from, struct thread *to, uint64_t info,
                            uint64_t badge)
{
    unsigned len = hv_msginfo_len(info);
    arch_context_set_reg(&to->ctx, 0, 0);
    arch_context_set_reg(&to->ctx, 1, info);
    for (unsigned i = 0; i < HV_MSG_WORDS; i++)
        arch_context_set_reg(&to->ctx, HV_REG_MSG0 + i,
                             i < len ? arch_context_reg(&from->ctx, HV_REG_MSG0 + i) : 0);
    arch_context_set_reg(&to->ctx, HV_REG_NUMBER, badge);
}

static inline struct cap_slot *lookup_ep(struct thread *t, unsigned right)
{
    struct cnode *cn = thread_cnode(t);
    struct cap_slot *s = cn ? cnode_lookup(cn, arch_context_reg(&t->ctx, 0)) : NULL;
    if (!s || s->type != HV_OBJ_ENDPOINT || !(s->rights & right))
        return NULL;
    return s;
}

bool fastpath_call(struct thread *t)
{
    uint64_t info = arch_context_reg(&t->ctx, 1);
    struct cap_slot *s = lookup_ep(t, HV_RIGHT_WRITE);
    struct endpoint *ep = s ? cap_ptr(s) : NULL;
    if (!info_ok(info) || !ep || ep->state != EP_RECV)
        return false;
    struct thread *r = ep->queue.head;
    if (r->reply_to)
        return false; /* the slow path cancels the old reply */
    uint64_t badge = s->data;

    tq_remove(&ep->queue, r);
    if (tq_empty(&ep->queue))
        ep->state = EP_IDLE;
    r->blocked_on = NULL;
    move_msg(t, r, info, badge);
    r->reply_to = t;
    t->reply_from = r;
    r->run_sc = t->run_sc; /* r serves on t's time; r called nobody (it was receiving) */
    sched_handoff(t, THREAD_BLOCKED_REPLY, r);
    return true;
}

/* The reply is delivered: t waits on ep again and c runs in its place. */
static inline void reply_recv_switch(struct thread *t, struct thread *c, struct endpoint *ep)
{
    t->reply_to = NULL;
    c->reply_from = NULL;
    t->run_sc = t->sc; /* back on its own time; it calls nobody (it was replying) */
    sched_handoff(t, THREAD_BLOCKED_RECV, c);
    t->blocked_on = ep;
    tq_push(&ep->queue, t);
    ep->state = EP_RECV;
}

/* A VMM answering its guest's exit (the exit path's figure): the reply says how the guest
 * resumes. A thread's fault, or a reply the vcpu refuses, takes the slow path, which stops
 * that guest. Out of line, so that the IPC path keeps its shape. */
__attribute__((noinline)) static bool reply_recv_exit(struct thread *t, struct thread *c,
                                                      struct endpoint *ep)
{
    if (!c->vcpu || !vcpu_apply_reply(c, t))
        return false;
    c->ipc_fault = false;
    reply_recv_switch(t, c, ep);
    return true;
}

bool fastpath_reply_recv(struct thread *t)
{
    uint64_t info = arch_context_reg(&t->ctx, 1);
    struct thread *c = t->reply_to;
    struct cap_slot *s = lookup_ep(t, HV_RIGHT_READ);
    struct endpoint *ep = s ? cap_ptr(s) : NULL;
    if (!info_ok(info) || !ep || !c || ep->state == EP_SEND)
        return false;
    if (c->ipc_fault)
        return reply_recv_exit(t, c, ep);
    move_msg(t, c, info, 0);
    reply_recv_switch(t, c, ep);
    return true;
}
