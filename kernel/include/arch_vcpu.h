/* What the kernel's vcpu objects (kernel/vcpu.c) need from an arch: guest state kept in the
 * object, guest address spaces (stage 2 / NPT), and the reply/inject/wait hooks. The arch's
 * entry code runs a thread whose vcpu is bound (thread->vcpu) in the guest instead of at
 * EL0/ring 3, and turns exits into vcpu_exit() / vcpu_idle() calls (kernel/vcpu.h). */
#pragma once

#include <arch_core.h>
#include <hv/abi/vcpu.h>
#include <kernel/pagetable.h>
#include <kernel/types.h>

/* Arch guest state inside the vcpu object's first page (after the generic header). */
#define ARCH_VCPU_WORDS 440
struct arch_vcpu {
    uint64_t words[ARCH_VCPU_WORDS];
};

/* Puts the vcpu in its architectural reset state and drops pending injections. arch_page is
 * the object's second page (zeroed at retype), for state the hardware reads in place. */
void arch_vcpu_reset(struct arch_vcpu *av, paddr_t arch_page);

/* vcpu_read / vcpu_write of one register (hv/vcpu_<arch>.h numbers): HV_ERANGE, HV_EINVAL. */
int arch_vcpu_read(const struct arch_vcpu *av, unsigned reg, uint64_t *val);
int arch_vcpu_write(struct arch_vcpu *av, unsigned reg, uint64_t val);

/* Whether the arch's exit path rings the vcpu's doorbells (vcpu_ring_doorbell); without,
 * HV_SYS_VCPU_DOORBELL is HV_ENOSYS. */
bool arch_vcpu_has_doorbells(void);

/* vcpu_inject: queue a virtual interrupt; HV_EINVAL for a bad number/flags, HV_EBUSY full. */
int arch_vcpu_inject(struct arch_vcpu *av, uint64_t irq, uint64_t flags);

/* The VMM replied to the exit in w[0..len): apply it (hv/abi/vcpu.h). Not HV_OK: malformed,
 * and nothing changed (the caller suspends the thread). */
int arch_vcpu_resume(struct arch_vcpu *av, const uint64_t *w, unsigned len);

/* Whether a guest waiting for an interrupt (WFI/HLT) has something to wake it, and the
 * arch_counter_now() value at which its own timer will make it so (UINT64_MAX: never). */
bool arch_vcpu_wake_pending(const struct arch_vcpu *av);
uint64_t arch_vcpu_wake_deadline(const struct arch_vcpu *av);

/* Guest address spaces: the descriptor format, the highest guest-physical address + 1, and
 * the per-space tag (VMID / ASID) kept in struct arch_vspace. init fails with HV_EBUSY when
 * no tag is free. flush after an unmap of [ipa, ipa+size); destroy when the space goes away. */
const struct pt_format *arch_guest_vspace_format(void);
ipa_t arch_guest_vspace_top(void);
int arch_guest_vspace_init(struct arch_vspace *avs, paddr_t root);
void arch_guest_vspace_flush(struct arch_vspace *avs, ipa_t ipa, uint64_t size);
void arch_guest_vspace_destroy(struct arch_vspace *avs, paddr_t root);
