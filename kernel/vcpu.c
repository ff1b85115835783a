/* Virtual CPUs: binding to a thread and a guest address space, register access and injection
 * (their system calls are decoded in syscall_vcpu.c), exits as fault messages with the reply
 * applied by the arch, and guests waiting for interrupts (WFI/HLT) on an idle list that
 * injections and their own timers wake. */
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/endpoint.h>
#include <kernel/notification.h>
#include <kernel/sched.h>
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

void vcpu_unbind(struct vcpu *v)
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

void vcpu_bind(struct vcpu *v, struct thread *t, struct vspace *vs)
{
    assert(!v->thread && !t->vcpu && t->state == THREAD_INACTIVE);
    v->thread = t;
    v->vspace = vs;
    v->vs_next = vs->vcpus;
    vs->vcpus = v;
    t->vcpu = v;
}

void vcpu_thread_gone(struct thread *t)
{
    if (t->vcpu)
        vcpu_unbind(t->vcpu);
}

void vcpu_vspace_gone(struct vspace *vs)
{
    while (vs->vcpus)
        vcpu_unbind(vs->vcpus);
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

/* ---- registers and injections ---- */

int vcpu_read(const struct vcpu *v, unsigned reg, uint64_t *val)
{
    return arch_vcpu_read(&v->arch, reg, val);
}

int vcpu_write(struct vcpu *v, unsigned reg, uint64_t val)
{
    int r = arch_vcpu_write(&v->arch, reg, val);
    if (r == HV_OK)
        recheck(v);
    return r;
}

void vcpu_reset(struct vcpu *v)
{
    arch_vcpu_reset(&v->arch, v->arch_page);
    recheck(v);
}

int vcpu_inject(struct vcpu *v, uint64_t irq, uint64_t flags)
{
    int r = arch_vcpu_inject(&v->arch, irq, flags);
    if (r == HV_OK)
        recheck(v);
    return r;
}

/* ---- doorbells ---- */

void vcpu_set_doorbell(struct vcpu *v, unsigned i, uint64_t ipa, struct cap_slot *ntfn)
{
    struct vcpu_doorbell *b = &v->bells[i];
    cap_delete_one(&b->ntfn);
    b->ipa = 0;
    if (ntfn) {
        cap_derive(&b->ntfn, ntfn, HV_RIGHT_WRITE, false, 0);
        b->ipa = ipa;
    }
    cap_drain();
}

bool vcpu_ring_doorbell(struct vcpu *v, uint64_t ipa)
{
    for (unsigned i = 0; i < HV_VCPU_DOORBELLS; i++) {
        const struct vcpu_doorbell *b = &v->bells[i];
        /* Empty once the notification was revoked or deleted: the store goes to the VMM. */
        if (b->ipa == ipa && ipa && b->ntfn.type == HV_OBJ_NOTIFICATION) {
            ntfn_signal(cap_ptr(&b->ntfn), b->ntfn.data ? b->ntfn.data : 1);
            return true;
        }
    }
    return false;
}

void vcpu_drop_doorbells(struct vcpu *v)
{
    for (unsigned i = 0; i < HV_VCPU_DOORBELLS; i++) {
        cap_delete_one(&v->bells[i].ntfn);
        v->bells[i].ipa = 0;
    }
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
