/* Placeholder x86_64 side of the vcpu contract (arch_vcpu.h) and of arch_timer_wake_at, so the
 * kernel links while the SVM implementation is written: every definition is weak and honest
 * (no guest vspace can be made, so no vcpu can ever be bound and run). The real code replaces
 * it; then this file goes away. */
#include "pt_format.h"
#include <arch.h>
#include <arch_vcpu.h>
#include <hv/error.h>

#define STUB __attribute__((weak))

STUB void arch_timer_wake_at(uint64_t when)
{
    (void)when; /* periodic tick only: a waiting guest wakes at the next tick */
}

STUB void arch_vcpu_reset(struct arch_vcpu *av, paddr_t arch_page)
{
    for (unsigned i = 0; i < ARCH_VCPU_WORDS; i++)
        av->words[i] = 0;
}

STUB int arch_vcpu_read(const struct arch_vcpu *av, unsigned reg, uint64_t *val)
{
    return HV_ENOSYS;
}

STUB int arch_vcpu_write(struct arch_vcpu *av, unsigned reg, uint64_t val)
{
    return HV_ENOSYS;
}

STUB int arch_vcpu_inject(struct arch_vcpu *av, uint64_t irq, uint64_t flags)
{
    return HV_ENOSYS;
}

STUB int arch_vcpu_resume(struct arch_vcpu *av, const uint64_t *w, unsigned len)
{
    return HV_ENOSYS;
}

STUB bool arch_vcpu_wake_pending(const struct arch_vcpu *av)
{
    return true;
}

STUB uint64_t arch_vcpu_wake_deadline(const struct arch_vcpu *av)
{
    return UINT64_MAX;
}

STUB const struct pt_format *arch_guest_vspace_format(void)
{
    return &x86_64_npt_format;
}

STUB uint64_t arch_guest_vspace_top(void)
{
    return 1ull << x86_64_npt_format.va_bits;
}

STUB int arch_guest_vspace_init(struct arch_vspace *avs, paddr_t root)
{
    return HV_ENOSYS; /* no ASIDs handed out yet: guest vspaces can't be made */
}

STUB void arch_guest_vspace_flush(struct arch_vspace *avs, uint64_t ipa, uint64_t size)
{
}

STUB void arch_guest_vspace_destroy(struct arch_vspace *avs, paddr_t root)
{
}
