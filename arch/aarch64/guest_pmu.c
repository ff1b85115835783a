/* Partitions have no PMU: the kernel owns the CPU's (its cycle counter is the benchmarks' clock
 * and would count for every partition alike, so a guest's could not be its own without a
 * virtual PMU). What a guest sees is a CPU without one, consistently: the PMU version fields of
 * the ID registers read 0 (guest_idreg.c), the device tree has no PMU node (the VMM never
 * writes one), and the PMU registers, which MDCR_EL2.TPM and TPMCR trap, are UNDEFINED here,
 * as Arm specifies them when PMUVer is 0. */
#include "guest.h"
#include <hv/abi/arm_esr.h>

bool guest_pmu_trap(struct a64_vcpu *g, uint64_t esr)
{
    unsigned op0 = (esr >> ESR_SYS_OP0_SHIFT) & 3, op1 = (esr >> ESR_SYS_OP1_SHIFT) & 7;
    unsigned crn = (esr >> ESR_SYS_CRN_SHIFT) & 15, crm = (esr >> ESR_SYS_CRM_SHIFT) & 15;
    unsigned op2 = (esr >> ESR_SYS_OP2_SHIFT) & 7;
    /* Op0 3, Op1 3: CRn 9 CRm 12-14 (PMCR, PMCNTEN*, PMOVS*, PMSWINC, PMSELR, PMCEID*, PMCCNTR,
     * PMXEV*, PMUSERENR), CRn 14 CRm 8-15 (PMEVCNTR<n>, PMEVTYPER<n>, PMCCFILTR); Op1 0,
     * CRn 9, CRm 14, Op2 1-2: PMINTENSET_EL1, PMINTENCLR_EL1. */
    bool pmu = op0 == 3 &&
               ((op1 == 3 && crn == 9 && crm >= 12 && crm <= 14) ||
                (op1 == 3 && crn == 14 && crm >= 8) ||
                (op1 == 0 && crn == 9 && crm == 14 && (op2 == 1 || op2 == 2)));
    if (!pmu)
        return false;
    vcpu_take_undefined(g);
    return true;
}
