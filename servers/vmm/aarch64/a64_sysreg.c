/* Trapped system-register writes the VMM emulates: with HCR_EL2.IMO set, a guest's
 * ICC_SGI0R_EL1, ICC_SGI1R_EL1 and ICC_ASGI1R_EL1 writes trap to EL2 (GICv3 spec, 12.2),
 * and Linux sends itself SGIs (irq_work) even on one CPU. The kernel also traps the debug
 * and PMU registers (MDCR_EL2: the breakpoints and counters are the host's); a partition has
 * none of its own, so those read as zero and ignore writes, which is what Linux's boot-time
 * resets of MDSCR_EL1, OSLAR_EL1 and the breakpoint registers need. Every other trapped
 * register is refused: the guest gets UNDEFINED. */
#include "aarch64/vmm_a64.h"
#include <hv/abi/arm_esr.h>

/* Op0, Op1, CRn, CRm of the three SGI registers; Op2 tells them apart. */
#define SGIR_OP0 3
#define SGIR_OP1 0
#define SGIR_CRN 12
#define SGIR_CRM 11
#define SGI1R_OP2 5
#define ASGI1R_OP2 6
#define SGI0R_OP2 7

bool a64_sysreg_write(struct vmm_a64 *a, unsigned cpu, uint32_t iss, uint64_t value)
{
    unsigned op0 = (iss >> ESR_SYS_OP0_SHIFT) & 3, op2 = (iss >> ESR_SYS_OP2_SHIFT) & 7;
    unsigned op1 = (iss >> ESR_SYS_OP1_SHIFT) & 7, crn = (iss >> ESR_SYS_CRN_SHIFT) & 15;
    unsigned crm = (iss >> ESR_SYS_CRM_SHIFT) & 15;
    if (iss & ESR_SYS_READ)
        return false; /* the SGI registers are write-only */
    if (op0 != SGIR_OP0 || op1 != SGIR_OP1 || crn != SGIR_CRN || crm != SGIR_CRM)
        return false;
    if (op2 != SGI1R_OP2 && op2 != ASGI1R_OP2 && op2 != SGI0R_OP2)
        return false;
    /* With one security state, ASGI1R generates the same group-1 SGIs as SGI1R. */
    gicv3_send_sgi(&a->gic, cpu, value, op2 != SGI0R_OP2);
    return true;
}

/* Op0 2 is the debug space (MDSCR, OSLAR, OSDLR, the breakpoint and watchpoint registers,
 * MDCCINT...); the PMU lives at
 * Op0 3, Op1 3, CRn 9 (PMCR, PMCNTEN*, PMOVS*, PMSELR, PMCCNTR...) and CRn 14 (PMEV*). */
bool a64_sysreg_raz_wi(uint32_t iss)
{
    unsigned op0 = (iss >> ESR_SYS_OP0_SHIFT) & 3, op1 = (iss >> ESR_SYS_OP1_SHIFT) & 7;
    unsigned crn = (iss >> ESR_SYS_CRN_SHIFT) & 15;
    if (op0 == 2)
        return true;
    return op0 == 3 && op1 == 3 && (crn == 9 || crn == 14);
}
