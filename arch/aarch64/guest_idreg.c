/* A guest's reads of the ID registers (HCR_EL2.TID3 traps them): the CPU's values, less the
 * features a partition does not get. Partitions have no PMU (guest_pmu.c), so the PMU version
 * fields read 0, as on a CPU without one (docs/vcpu.md). ID register reads are rare (a kernel
 * reads them at boot and caches them), so a trap each costs nothing that shows. */
#include "guest.h"
#include "sysreg.h"
#include <hv/abi/arm_esr.h>
#include <hv/abi/vcpu_aarch64.h>

/* Op0 3, Op1 0, CRn 0, CRm 1..7 is the ID register space TID3 traps (the reserved encodings
 * in it read as zero, and QEMU defines them all, so each can be read at EL2). */
#define IDREG_CASE(crm, op2)                                                                   \
    case (crm) << 3 | (op2): return read_sysreg(S3_0_C0_C##crm##_##op2);
#define IDREG_ROW(crm)                                                                         \
    IDREG_CASE(crm, 0) IDREG_CASE(crm, 1) IDREG_CASE(crm, 2) IDREG_CASE(crm, 3)                \
    IDREG_CASE(crm, 4) IDREG_CASE(crm, 5) IDREG_CASE(crm, 6) IDREG_CASE(crm, 7)

#define ID_DFR0 (1u << 3 | 2)    /* ID_DFR0_EL1: PerfMon, bits 27:24 (AArch32 view) */
#define ID_AA64DFR0 (5u << 3 | 0) /* ID_AA64DFR0_EL1: PMUVer, bits 11:8 */
#define ID_DFR0_PERFMON (0xfull << 24)
#define ID_AA64DFR0_PMUVER (0xfull << 8)

static uint64_t idreg_read(unsigned crm_op2)
{
    switch (crm_op2) {
        IDREG_ROW(1) IDREG_ROW(2) IDREG_ROW(3) IDREG_ROW(4) IDREG_ROW(5) IDREG_ROW(6)
        IDREG_ROW(7)
    }
    return 0;
}

bool guest_idreg_trap(struct a64_vcpu *g, uint64_t esr)
{
    unsigned op0 = (esr >> ESR_SYS_OP0_SHIFT) & 3, op1 = (esr >> ESR_SYS_OP1_SHIFT) & 7;
    unsigned crn = (esr >> ESR_SYS_CRN_SHIFT) & 15, crm = (esr >> ESR_SYS_CRM_SHIFT) & 15;
    unsigned op2 = (esr >> ESR_SYS_OP2_SHIFT) & 7, rt = (esr >> ESR_SYS_RT_SHIFT) & ESR_REG_MASK;

    if (op0 != 3 || op1 != 0 || crn != 0 || crm < 1 || crm > 7 || !(esr & ESR_SYS_READ))
        return false;
    unsigned which = crm << 3 | op2;
    uint64_t v = idreg_read(which);
    if (which == ID_AA64DFR0)
        v &= ~ID_AA64DFR0_PMUVER;
    else if (which == ID_DFR0)
        v &= ~ID_DFR0_PERFMON;
    if (rt != HV_A64_XZR)
        g->regs[rt] = v;
    vcpu_skip_instruction(g, 4);
    return true;
}
