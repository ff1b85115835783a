/* Virtual CPUs: a guest CPU's saved state, bound to the thread that runs it and the guest
 * address space it runs in; exits become fault messages, a guest's WFI/HLT blocks its thread.
 * The ABI is hv/abi/vcpu.h; what the arch supplies is arch_vcpu.h. */
#pragma once

#include <arch_vcpu.h>
#include <kernel/thread.h>

struct vspace;

/* A guest store to ipa signals ntfn (HV_SYS_VCPU_DOORBELL); ipa 0 or an empty slot: none. */
struct vcpu_doorbell {
    uint64_t ipa;
    struct cap_slot ntfn; /* a copy of the caller's notification cap, badge included */
};

/* Page 0 of the 2^HV_VCPU_SIZE_BITS object; page 1 is the arch's (arch_page). */
struct vcpu {
    struct obj_header hdr;
    struct thread *thread;  /* bound thread (thread->vcpu == this), or NULL */
    struct vspace *vspace;  /* the guest vspace it runs in while bound */
    struct vcpu *vs_next;   /* the other vcpus bound to the same guest vspace */
    paddr_t arch_page;
    struct vcpu_doorbell bells[HV_VCPU_DOORBELLS];
    struct arch_vcpu arch;
};

_Static_assert(sizeof(struct vcpu) <= 4096, "struct vcpu fits the object's first page");

/* Formats the zeroed object at pa: unbound, in its architectural reset state. */
struct vcpu *vcpu_init(paddr_t pa);
/* The bound thread or guest vspace is going away: unbind every vcpu it has, suspend the
 * threads. */
void vcpu_thread_gone(struct thread *t);
void vcpu_vspace_gone(struct vspace *vs);

/* Binds v to the inactive, configured thread t and the guest vspace vs (none of them bound
 * yet); unbind ends a binding, if any, and suspends the thread. The syscall layer
 * (syscall_vcpu.c) has checked every condition. */
void vcpu_bind(struct vcpu *v, struct thread *t, struct vspace *vs);
void vcpu_unbind(struct vcpu *v);

/* Register access (hv/abi/vcpu_<arch>.h numbers) and injection, through the arch: HV_ERANGE
 * an unknown register, HV_EINVAL a value or interrupt the arch refuses, HV_EBUSY a full
 * queue; nothing changes then. A change that gives a waiting guest an interrupt (or moves its
 * timer) wakes it (or re-arms the timer). reset: the architectural reset state. */
int vcpu_read(const struct vcpu *v, unsigned reg, uint64_t *val);
int vcpu_write(struct vcpu *v, unsigned reg, uint64_t val);
void vcpu_reset(struct vcpu *v);
int vcpu_inject(struct vcpu *v, uint64_t irq, uint64_t flags);

/* Doorbells (hv/abi/vcpu.h). set: doorbell i (checked by the caller) rings ntfn for stores to
 * ipa, or none when ntfn is NULL. ring: called by the arch for a guest's 32-bit store to ipa;
 * true if a doorbell took it (its notification signalled: the arch resumes the guest after the
 * store). drop: the vcpu is going away. */
void vcpu_set_doorbell(struct vcpu *v, unsigned i, uint64_t ipa, struct cap_slot *ntfn);
bool vcpu_ring_doorbell(struct vcpu *v, uint64_t ipa);
void vcpu_drop_doorbells(struct vcpu *v);

/* Called by the arch for the running vcpu thread t. vcpu_exit: an exit the kernel does not
 * handle becomes a fault message (label HV_FAULT_VCPU, the six words w) to t's fault endpoint,
 * or suspends t if it has none. vcpu_idle: the guest waits for an interrupt (WFI/HLT): t
 * blocks until an injection or its own timer makes one pending. */
void vcpu_exit(struct thread *t, const uint64_t w[HV_VCPU_EXIT_WORDS]);
void vcpu_idle(struct thread *t);

/* The handler `from` replied to the exit of vcpu thread c (blocked on the reply): applies the
 * reply with arch_vcpu_resume. False: malformed, the caller leaves c suspended. */
bool vcpu_apply_reply(struct thread *c, struct thread *from);

/* t (in THREAD_BLOCKED_VCPU) is being suspended: leave the idle list. */
void vcpu_idle_remove(struct thread *t);
/* Timer: wakes every idle vcpu whose timer has fired by counter value now, and tells the
 * earliest deadline still ahead (UINT64_MAX: none). */
void vcpu_wake_expired(uint64_t now);
uint64_t vcpu_next_deadline(void);
