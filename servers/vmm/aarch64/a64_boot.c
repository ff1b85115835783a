/* vcpu 0's registers at power-on, as Linux's arm64 booting.rst asks (and a bare ELF gets the
 * same): PC = entry, x0..x3 = the partition record's args (x0 = the DTB), EL1h with D, A, I,
 * F masked; MPIDR with Aff0 = the vcpu's index, which is what the GIC and PSCI models use. */
#include "aarch64/vmm_a64.h"
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>

#define MPIDR_RES1 (1ull << 31)

int vmm_a64_boot_regs(const struct hv_pt_partition *part, struct vmm_boot *b)
{
    if (part->boot != HV_PT_BOOT_ARM64_IMAGE && part->boot != HV_PT_BOOT_ELF)
        return HV_EINVAL;
    bool ok = vmm_boot_add_reg(b, HV_A64_PC, part->entry) &&
              vmm_boot_add_reg(b, HV_A64_PSTATE, HV_A64_PSTATE_EL1H_MASKED) &&
              vmm_boot_add_reg(b, HV_A64_MPIDR, MPIDR_RES1 | 0) &&
              /* The GIC resets with the timers' PPIs disabled (gicv3_timer.c). */
              vmm_boot_add_reg(b, HV_A64_TIMER_MASK, HV_A64_TIMER_PPIS);
    for (unsigned i = 0; ok && i < 4; i++)
        ok = vmm_boot_add_reg(b, HV_A64_X0 + i, part->args[i]);
    return ok ? HV_OK : HV_EINVAL;
}
