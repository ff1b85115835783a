/* Putting the AArch64 platform together: the GIC first (the UART's line goes into it). */
#include "aarch64/vmm_a64.h"
#include <hv/abi/error.h>

int vmm_a64_init(struct vmm_a64 *a, const struct vmm_ops *ops, void *ctx, const char *name,
                 unsigned ncpus, const uint64_t *mpidr)
{
    *a = (struct vmm_a64){.vmm.ops = NULL};
    if (!vmm_init(&a->vmm, ops, ctx, name, ncpus))
        return HV_EINVAL;
    a->vmm.platform = a;
    a->vmm.exit_kind_names = a64_exit_kind_names;
    int r = gicv3_init(&a->gic, &a->vmm, mpidr);
    if (r == HV_OK)
        r = pl011_init(&a->uart, &a->vmm, gicv3_line(&a->gic, PL011_INTID));
    if (r == HV_OK)
        psci_init(&a->psci, &a->vmm, mpidr);
    return r;
}
