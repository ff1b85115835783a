/* Synchronous IPC endpoints: send, recv, call, reply, reply_recv, with badges and FIFO queues
 * of blocked senders or receivers, plus the call / reply_recv fast path. */
#pragma once

#include <kernel/sched.h>

enum ep_state { EP_IDLE, EP_SEND, EP_RECV };

struct endpoint {
    struct obj_header hdr;
    uint8_t state;
    struct thread_queue queue; /* all senders (EP_SEND) or all receivers (EP_RECV) */
};

_Static_assert(sizeof(struct endpoint) <= 1u << HV_ENDPOINT_SIZE_BITS, "endpoint size");

void ep_init(struct endpoint *ep);

/* t sends its message registers (R1 info, R2..R7) through a cap with badge. call: t then
 * waits for the reply. block false: no receiver means the message is dropped (HV_OK). */
void ep_send(struct endpoint *ep, struct thread *t, uint64_t badge, bool call);
void ep_recv(struct endpoint *ep, struct thread *t);
/* Sends t's message registers to the caller t owes a reply; HV_ENOENT if none. */
int ep_reply(struct thread *t);

/* Drops t's outstanding reply: the caller wakes with HV_ECANCELED. */
void ep_cancel_reply(struct thread *t);
void ep_remove_waiter(struct endpoint *ep, struct thread *t);
void ep_destroy(struct endpoint *ep);

/* Delivers a staged message (t->msg_info, t->msg) as a call from t; used for faults. */
void ep_send_staged(struct endpoint *ep, struct thread *t, uint64_t badge);

/* Fast paths: true when the call was handled completely. */
bool fastpath_call(struct thread *t);
bool fastpath_reply_recv(struct thread *t);
