/* Threads: configuration, resume/suspend, teardown, and turning faults into IPC. */
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/cnode.h>
#include <kernel/endpoint.h>
#include <kernel/notification.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched_context.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/vcpu.h>

void thread_init(struct thread *t)
{
    t->hdr.type = HV_OBJ_THREAD;
    t->state = THREAD_INACTIVE;
}

struct cnode *thread_cnode(struct thread *t)
{
    return cap_is_empty(&t->cnode_cap) ? NULL : cap_ptr(&t->cnode_cap);
}

/* Takes t out of whatever it waits on; its state is then meaningless until set. */
static void ipc_detach(struct thread *t)
{
    switch (t->state) {
    case THREAD_BLOCKED_SEND:
    case THREAD_BLOCKED_RECV:
        ep_remove_waiter(t->blocked_on, t);
        break;
    case THREAD_BLOCKED_NTFN:
        ntfn_remove_waiter(t->blocked_on, t);
        break;
    case THREAD_BLOCKED_VCPU:
        vcpu_idle_remove(t);
        break;
    case THREAD_BLOCKED_REPLY:
        assert(t->reply_from && t->reply_from->reply_to == t);
        t->reply_from->reply_to = NULL;
        sched_lend(t->reply_from, t->reply_from->sc); /* it was on t's time: now its own */
        t->reply_from = NULL;
        break;
    default:
        break;
    }
    t->blocked_on = NULL;
    t->ipc_call = t->ipc_fault = false;
}

void thread_configure(struct thread *t, struct cap_slot *cnode, struct cap_slot *vspace,
                      struct cap_slot *fault, unsigned prio, struct sched_context *sc)
{
    assert(t->state == THREAD_INACTIVE);
    /* Old caps go first but their objects die only after the new caps hold references, so
     * re-installing the same object, or a cycle through this thread, stays consistent. */
    cap_delete_one(&t->cnode_cap);
    cap_delete_one(&t->vspace_cap);
    cap_delete_one(&t->fault_cap);
    cap_derive(&t->cnode_cap, cnode, HV_RIGHTS_ALL, false, 0);
    cap_derive(&t->vspace_cap, vspace, HV_RIGHTS_ALL, false, 0);
    if (fault)
        cap_derive(&t->fault_cap, fault, HV_RIGHTS_ALL, false, 0);
    sched_set_prio(t, prio);
    sc_bind(t, sc);
    cap_drain();
}

void thread_set_entry(struct thread *t, uint64_t pc, uint64_t sp, uint64_t arg)
{
    assert(t->state == THREAD_INACTIVE);
    /* Nothing of a previous run survives: the arch sets only its start registers. */
    memset(&t->ctx, 0, sizeof(t->ctx));
    arch_context_init(&t->ctx, pc, sp, arg);
}

void thread_resume(struct thread *t)
{
    assert(t->state == THREAD_INACTIVE);
    sched_make_ready(t);
}

void thread_suspend(struct thread *t)
{
    if (t->state == THREAD_READY)
        sched_block(t, THREAD_INACTIVE);
    ipc_detach(t);
    t->state = THREAD_INACTIVE;
}

/* A fault nobody will handle leaves a kernel line (an audit record no task can forge: only the
 * kernel and the holder of the debug-console cap write untagged lines), at the 1st, 2nd, 4th,
 * 8th, ... such fault since boot: a task that resumes its faulting thread in a loop costs the
 * kernel a line per doubling, not a line per fault. */
static uint64_t unhandled_faults;

static void fault_unhandled(uint64_t kind, uint64_t addr, uint64_t pc)
{
    unhandled_faults++;
    if (unhandled_faults & (unhandled_faults - 1))
        return;
    if (kind == HV_FAULT_VCPU) /* a guest exit: its first word, not an address and a pc */
        printk("kernel: a vcpu thread's exit has no fault handler and it is suspended: exit "
               "word 0x%lx (%lu such faults so far)\n", addr, unhandled_faults);
    else
        printk("kernel: a thread faulted with no fault handler and is suspended: fault %lu at "
               "0x%lx, pc 0x%lx (%lu such faults so far)\n", kind, addr, pc, unhandled_faults);
}

void thread_cancel_ipc(struct thread *t, int err)
{
    /* The caller already took t off the queue or reply link it was on. */
    bool fault = t->ipc_fault;
    t->blocked_on = NULL;
    t->ipc_call = t->ipc_fault = false;
    t->reply_from = NULL;
    if (fault) {
        t->state = THREAD_INACTIVE; /* its fault can no longer be handled */
        fault_unhandled(hv_msginfo_label(t->msg_info), t->msg[0], t->msg[2]);
        return;
    }
    arch_context_set_reg(&t->ctx, 0, (uint64_t)err);
    t->state = THREAD_INACTIVE; /* any non-ready state, for sched_make_ready */
    sched_make_ready(t);
}

void thread_destroy(struct thread *t)
{
    thread_suspend(t);
    vcpu_thread_gone(t);
    if (t->reply_to)
        ep_cancel_reply(t);
    sched_forget(t);
    sc_bind(t, NULL);
    cap_delete_one(&t->cnode_cap);
    cap_delete_one(&t->vspace_cap);
    cap_delete_one(&t->fault_cap);
}

void fault_deliver(struct thread *t, unsigned kind, uint64_t addr, uint64_t syndrome)
{
    assert(t->state == THREAD_READY);
    if (cap_is_empty(&t->fault_cap)) {
        thread_suspend(t); /* no handler: the thread stops, the kernel does not */
        fault_unhandled(kind, addr, arch_context_pc(&t->ctx));
        return;
    }
    t->msg_info = hv_msginfo(kind, 3);
    t->msg[0] = addr;
    t->msg[1] = syndrome;
    t->msg[2] = arch_context_pc(&t->ctx);
    ep_send_staged(cap_ptr(&t->fault_cap), t, t->fault_cap.data);
}
