/* Virtual CPUs: binding to a thread and a guest address space, the vcpu_* system calls, exits
 * as fault messages with the reply applied by the arch, and guests waiting for interrupts
 * (WFI/HLT) on an idle list that injections and their own timers wake. */
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/endpoint.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/tick.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>

/* Threads in THREAD_BLOCKED_VCPU, through qnext/qprev (they are on no other queue). */
static struct thread_queue idle;

struct vcpu *vcpu_init(paddr_t pa)
{
    struct vcpu *v = arch_phys_to_virt(pa);
    v->hdr.type = HV_OBJ_VCPU;
    v->arch_page = pa_add(pa, 4096);
    arch_vcpu_reset(&v->arch, v->arch_page);
    return v;
}

/* Ends the binding of v; its thread stops (a thread can't run a guest that is gone). */
static void unbind(struct vcpu *v)
{
    struct thread *t = v->thread;
    if (!t)
        return;
    thread_suspend(t);
    struct vcpu **link = &v->vspace->vcpus;
    while (*link != v)
        link = &(*link)->vs_next;
    *link = v->vs_next;
    t->vcpu = NULL;
    v->thread = NULL;
    v->vspace = NULL;
    v->vs_next = NULL;
}

static void bind(struct vcpu *v, struct thread *t, struct vspace *vs)
{
    assert(!v->thread && !t->vcpu && t->state == THREAD_INACTIVE);
    v->thread = t;
    v->vspace = vs;
    v->vs_next = vs->vcpus;
    vs->vcpus = v;
    t->vcpu = v;
}

void vcpu_destroy(struct vcpu *v)
{
    unbind(v);
}

void vcpu_thread_gone(struct thread *t)
{
    if (t->vcpu)
        unbind(t->vcpu);
}

void vcpu_vspace_gone(struct vspace *vs)
{
    while (vs->vcpus)
        unbind(vs->vcpus);
}

/* ---- idle guests ---- */

static void wake(struct thread *t)
{
    assert(t->state == THREAD_BLOCKED_VCPU);
    tq_remove(&idle, t);
    t->state = THREAD_INACTIVE; /* any non-ready state, for sched_make_ready */
    sched_make_ready(t);
}

void vcpu_idle_remove(struct thread *t)
{
    assert(t->state == THREAD_BLOCKED_VCPU);
    tq_remove(&idle, t);
}

void vcpu_idle(struct thread *t)
{
    assert(t->vcpu && t->state == THREAD_READY);
    const struct arch_vcpu *av = &t->vcpu->arch;
    if (arch_vcpu_wake_pending(av))
        return; /* an interrupt is already there: the guest goes on at once */
    sched_block(t, THREAD_BLOCKED_VCPU);
    tq_push(&idle, t);
    uint64_t when = arch_vcpu_wake_deadline(av);
    if (when != UINT64_MAX)
        tick_wake_at(when);
}

/* Something about v changed (an injection, a register write): wake it if it waits and now has
 * an interrupt, or make sure the timer comes for its (possibly new) deadline. */
static void recheck(struct vcpu *v)
{
    struct thread *t = v->thread;
    if (!t || t->state != THREAD_BLOCKED_VCPU)
        return;
    if (arch_vcpu_wake_pending(&v->arch)) {
        wake(t);
        return;
    }
    uint64_t when = arch_vcpu_wake_deadline(&v->arch);
    if (when != UINT64_MAX)
        tick_wake_at(when);
}

void vcpu_wake_expired(uint64_t now)
{
    for (struct thread *t = idle.head, *n; t; t = n) {
        n = t->qnext;
        const struct arch_vcpu *av = &t->vcpu->arch;
        if (arch_vcpu_wake_deadline(av) <= now || arch_vcpu_wake_pending(av))
            wake(t);
    }
}

uint64_t vcpu_next_deadline(void)
{
    uint64_t first = UINT64_MAX;
    for (struct thread *t = idle.head; t; t = t->qnext) {
        uint64_t when = arch_vcpu_wake_deadline(&t->vcpu->arch);
        if (when < first)
            first = when;
    }
    return first;
}

/* ---- exits ---- */

void vcpu_exit(struct thread *t, const uint64_t w[HV_VCPU_EXIT_WORDS])
{
    assert(t->vcpu && t->state == THREAD_READY);
    if (cap_is_empty(&t->fault_cap)) {
        thread_suspend(t); /* no VMM: the guest stops, nothing else does */
        return;
    }
    _Static_assert(HV_VCPU_EXIT_WORDS <= HV_MSG_WORDS, "an exit fits a message");
    t->msg_info = hv_msginfo(HV_FAULT_VCPU, HV_VCPU_EXIT_WORDS);
    for (unsigned i = 0; i < HV_MSG_WORDS; i++)
        t->msg[i] = i < HV_VCPU_EXIT_WORDS ? w[i] : 0;
    ep_send_staged(cap_ptr(&t->fault_cap), t, t->fault_cap.data);
}

bool vcpu_apply_reply(struct thread *c, struct thread *from)
{
    uint64_t info = arch_context_reg(&from->ctx, 1), w[HV_MSG_WORDS];
    unsigned len = hv_msginfo_len(info); /* checked <= HV_MSG_WORDS by the syscall layer */
    for (unsigned i = 0; i < len; i++)
        w[i] = arch_context_reg(&from->ctx, HV_REG_MSG0 + i);
    return arch_vcpu_resume(&c->vcpu->arch, w, len) == HV_OK;
}

/* ---- system calls ---- */

/* R0 vcpu (W), R1 thread (W) or 0 to unbind, R2 guest vspace (W). */
int sys_vcpu_bind(struct thread *t)
{
    struct cap_slot *vs, *ts, *gs;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_VCPU, HV_RIGHT_WRITE, &vs);
    if (r)
        return r;
    struct vcpu *v = cap_ptr(vs);
    if (sys_arg(t, 1) == 0) {
        if (v->thread && v->thread->state != THREAD_INACTIVE)
            return HV_EBUSY; /* suspend it first: a running guest is never pulled away */
        unbind(v);
        return HV_OK;
    }
    r = sys_lookup(t, sys_arg(t, 1), HV_OBJ_THREAD, HV_RIGHT_WRITE, &ts);
    if (!r)
        r = sys_lookup(t, sys_arg(t, 2), HV_OBJ_GUEST_VSPACE, HV_RIGHT_WRITE, &gs);
    if (r)
        return r;
    struct thread *target = cap_ptr(ts);
    if (v->thread || target->vcpu || target->state != THREAD_INACTIVE)
        return HV_EBUSY;
    if (cap_is_empty(&target->cnode_cap) || cap_is_empty(&target->vspace_cap))
        return HV_EINVAL; /* never configured: it has no cnode, priority or budget yet */
    bind(v, target, cap_ptr(gs));
    return HV_OK;
}

/* R0 vcpu (R), R1 register -> R1 value. */
int sys_vcpu_read(struct thread *t)
{
    struct cap_slot *vs;
    uint64_t val;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_VCPU, HV_RIGHT_READ, &vs);
    if (r)
        return r;
    struct vcpu *v = cap_ptr(vs);
    r = sys_arg(t, 1) > UINT32_MAX ? HV_ERANGE
                                   : arch_vcpu_read(&v->arch, (unsigned)sys_arg(t, 1), &val);
    if (r)
        return r;
    arch_context_set_reg(&t->ctx, 1, val);
    return HV_OK;
}

/* R0 vcpu (W), R1 register (or HV_VCPU_REG_RESET), R2 value. */
int sys_vcpu_write(struct thread *t)
{
    struct cap_slot *vs;
    uint64_t reg = sys_arg(t, 1);
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_VCPU, HV_RIGHT_WRITE, &vs);
    if (r)
        return r;
    struct vcpu *v = cap_ptr(vs);
    if (reg == HV_VCPU_REG_RESET) {
        arch_vcpu_reset(&v->arch, v->arch_page);
        r = HV_OK;
    } else if (reg > UINT32_MAX) {
        r = HV_ERANGE;
    } else {
        r = arch_vcpu_write(&v->arch, (unsigned)reg, sys_arg(t, 2));
    }
    if (r == HV_OK)
        recheck(v);
    return r;
}

/* R0 vcpu (W), R1 interrupt, R2 arch flags. */
int sys_vcpu_inject(struct thread *t)
{
    struct cap_slot *vs;
    int r = sys_lookup(t, sys_arg(t, 0), HV_OBJ_VCPU, HV_RIGHT_WRITE, &vs);
    if (r)
        return r;
    struct vcpu *v = cap_ptr(vs);
    r = arch_vcpu_inject(&v->arch, sys_arg(t, 1), sys_arg(t, 2));
    if (r == HV_OK)
        recheck(v);
    return r;
}
