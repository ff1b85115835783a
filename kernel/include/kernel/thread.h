/* Threads: a schedulable register context with its cnode, address space, fault endpoint,
 * priority and CPU budget, and its IPC state. */
#pragma once

#include <arch_core.h>
#include <kernel/cap.h>

enum thread_state {
    THREAD_INACTIVE = 0,   /* never resumed, suspended, or faulted with no handler */
    THREAD_READY,          /* running or runnable (in a run queue unless parked) */
    THREAD_BLOCKED_SEND,   /* queued on an endpoint to send (or call, or deliver a fault) */
    THREAD_BLOCKED_RECV,   /* queued on an endpoint to receive */
    THREAD_BLOCKED_REPLY,  /* called; waits for reply_from to reply */
    THREAD_BLOCKED_NTFN,   /* queued on a notification */
    THREAD_BLOCKED_VCPU,   /* its guest waits for an interrupt (WFI/HLT): on the idle list */
};

struct endpoint;
struct notification;
struct vcpu;
struct sched_context;

struct thread {
    struct obj_header hdr;
    uint8_t state;
    uint8_t prio;
    bool ipc_call;       /* the blocked send is a call (wants a reply) */
    bool ipc_fault;      /* the pending call is a fault message: the reply keeps registers */
    struct thread *qnext, *qprev; /* run queue, endpoint or notification queue */
    void *blocked_on;             /* endpoint or notification queued on */
    struct thread *reply_to;      /* the caller this thread owes a reply */
    struct thread *reply_from;    /* the thread this one waits a reply from */
    uint64_t ipc_badge;           /* badge of the cap a blocked send uses */
    uint64_t msg_info;            /* staged message of a blocked sender or a fault */
    uint64_t msg[HV_MSG_WORDS];
    struct sched_context *sc;     /* the context it runs on (NULL: the system's, unbudgeted) */
    struct sched_context *run_sc; /* the one charged now: sc, or its caller's while serving */
    struct thread *sc_next;       /* the other threads bound to sc */
    struct sched_context *parked_on; /* ready, but waiting for this context's refill */
    struct cap_slot cnode_cap, vspace_cap, fault_cap;
    struct vcpu *vcpu;            /* bound vcpu: when scheduled, the thread runs this guest */
    struct arch_context ctx;
};

_Static_assert(sizeof(struct thread) <= 1u << HV_THREAD_SIZE_BITS, "thread fits its object");

void thread_init(struct thread *t);

/* The cnode capability addresses resolve in (NULL if none). */
struct cnode *thread_cnode(struct thread *t);

/* Sets cnode, vspace, fault endpoint caps (fault may be NULL), priority and the scheduling
 * context it runs on (NULL: the system's). The caller validated everything; the thread is
 * inactive. */
void thread_configure(struct thread *t, struct cap_slot *cnode, struct cap_slot *vspace,
                      struct cap_slot *fault, unsigned prio, struct sched_context *sc);

/* Where the inactive thread starts: pc, stack pointer sp, arg in R0, every other register
 * zero. */
void thread_set_entry(struct thread *t, uint64_t pc, uint64_t sp, uint64_t arg);

/* Inactive -> ready. */
void thread_resume(struct thread *t);

/* Any state -> inactive: leaves every queue, cancels a pending send/recv/call. */
void thread_suspend(struct thread *t);

/* The thread's last capability is gone. */
void thread_destroy(struct thread *t);

/* Makes a blocked thread ready with R0 = err (an IPC cancelled under it). A thread whose
 * pending call is a fault has no handler any more: it is suspended instead. */
void thread_cancel_ipc(struct thread *t, int err);

/* A fault of kind at addr: becomes a call to the fault endpoint, or suspends the thread. */
void fault_deliver(struct thread *t, unsigned kind, uint64_t addr, uint64_t syndrome);
