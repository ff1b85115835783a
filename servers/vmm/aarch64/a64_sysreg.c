/* Trapped system-register writes the VMM emulates: with HCR_EL2.IMO set, a guest's
 * ICC_SGI0R_EL1, ICC_SGI1R_EL1 and ICC_ASGI1R_EL1 writes trap to EL2 (GICv3 spec, 12.2),
 * and Linux sends itself SGIs (irq_work) even on one CPU. The kernel answers a guest's own
 * debug registers, its ID registers and the PMU's (there is none) itself (docs/vcpu.md); of
 * the debug space only MDRAR_EL1 still comes here, and reads as zero (no ROM table). Every
 * other trapped register is refused: the guest gets UNDEFINED. */
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
 * Op0 3, Op1 3, CRn 9 (PMCR, PMCNTEN*, PMOVS*, PMSELR, PMCCNTR...) and CRn 14 (PMEV*).
 * The kernel also traps (SEC-M4) set/way cache maintenance (Op0 1, Op1 0, CRn 7, CRm 6/10/14,
 * Op2 2: DC ISW, CSW, CISW), which acts on the whole CPU's caches and so on every partition:
 * QEMU models no caches, so it is done by doing nothing (hardware would need clean/invalidate
 * by address of the partition's RAM); ACTLR_EL1 (Op0 3, Op1 0, CRn 1, CRm 0, Op2 1), the
 * CPU's implementation-defined controls, reads as zero and ignores writes; and the LORegion
 * registers (Op0 3, Op1 0, CRn 10, CRm 4), which a partition doesn't have. */
bool a64_sysreg_raz_wi(uint32_t iss)
{
    unsigned op0 = (iss >> ESR_SYS_OP0_SHIFT) & 3, op1 = (iss >> ESR_SYS_OP1_SHIFT) & 7;
    unsigned crn = (iss >> ESR_SYS_CRN_SHIFT) & 15, crm = (iss >> ESR_SYS_CRM_SHIFT) & 15;
    unsigned op2 = (iss >> ESR_SYS_OP2_SHIFT) & 7;
    if (op0 == 2)
        return true;
    if (op0 == 1 && op1 == 0 && crn == 7 && (crm == 6 || crm == 10 || crm == 14) && op2 == 2)
        return true;
    if (op0 == 3 && op1 == 0 && ((crn == 1 && crm == 0 && op2 == 1) || (crn == 10 && crm == 4)))
        return true;
    return op0 == 3 && op1 == 3 && (crn == 9 || crn == 14);
}
