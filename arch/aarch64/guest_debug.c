/* A guest's self-hosted debug state (breakpoints, watchpoints, MDSCR_EL1, the OS lock), switched
 * lazily per vcpu as KVM does: its debug registers trap (MDCR_EL2.TDA) until it touches one,
 * then the vcpu owns its state, which is loaded at entry and saved at exit for as long as its
 * MDSCR_EL1 enables debug exceptions (MDE, KDE or SS). Vcpus that never use debug pay nothing
 * but one compare at entry and at exit.
 *
 * The host never sees a guest's breakpoints: MDSCR_EL1 is 0 whenever the kernel or a task runs
 * (a breakpoint or watchpoint needs MDE, a step needs SS), and guests that do not own their
 * state run with it 0 too. While a guest runs, TGE and TDE are clear, so its debug exceptions
 * target its own EL1 and none can be taken at EL2 (an exception never goes to a lower EL). */
#include "guest_debug.h"
#include <hv/abi/arm_esr.h>
#include <hv/abi/vcpu_aarch64.h>

#define MDSCR_SS BIT(0)
#define MDSCR_KDE BIT(13)
#define MDSCR_MDE BIT(15)
#define MDSCR_IN_USE (MDSCR_SS | MDSCR_KDE | MDSCR_MDE)
#define OSLSR_OSLM_IMPLEMENTED BIT(3) /* OSLM = 0b10: the OS lock is implemented */

/* The guest's traps: PMU always (the cycle counter is the host's), MDRAR (no ROM table: the
 * VMM reads it as zero), the OS lock registers (emulated below), the other debug registers
 * until the vcpu owns them. TDE clear: the guest's debug exceptions go to its EL1. */
#define MDCR_GUEST_ALWAYS (MDCR_EL2_TPMCR | MDCR_EL2_TPM | MDCR_EL2_TDOSA | MDCR_EL2_TDRA)
#define MDCR_MANAGED (MDCR_GUEST_ALWAYS | MDCR_EL2_TDA | MDCR_EL2_TDE)

uint64_t guest_mdcr_host, guest_mdcr_trapping;
static uint64_t mdcr_owner;
static unsigned brps, wrps;  /* breakpoints and watchpoints the CPU has (ID_AA64DFR0_EL1) */
static uint64_t in_cpu_uid;  /* the vcpu whose breakpoint/watchpoint values the CPU holds */

/* MRS/MSR name their register in the instruction, so the loops over the CPU's breakpoints and
 * watchpoints are switches that enter a straight run of accesses at the count and fall through
 * to register 0: two instructions a register, which an owner pays at every exit. */
#define FOR_EACH_DEBUG_REG_DOWN(X)                                                             \
    X(15) X(14) X(13) X(12) X(11) X(10) X(9) X(8) X(7) X(6) X(5) X(4) X(3) X(2) X(1) X(0)
#define BP_SAVE(n)                                                                             \
    case n + 1:                                                                                \
        d->bvr[n] = read_sysreg(dbgbvr##n##_el1);                                              \
        d->bcr[n] = read_sysreg(dbgbcr##n##_el1);                                              \
        __attribute__((fallthrough));
#define WP_SAVE(n)                                                                             \
    case n + 1:                                                                                \
        d->wvr[n] = read_sysreg(dbgwvr##n##_el1);                                              \
        d->wcr[n] = read_sysreg(dbgwcr##n##_el1);                                              \
        __attribute__((fallthrough));
#define BP_LOAD(n)                                                                             \
    case n + 1:                                                                                \
        write_sysreg(dbgbvr##n##_el1, d->bvr[n]);                                              \
        write_sysreg(dbgbcr##n##_el1, d->bcr[n]);                                              \
        __attribute__((fallthrough));
#define WP_LOAD(n)                                                                             \
    case n + 1:                                                                                \
        write_sysreg(dbgwvr##n##_el1, d->wvr[n]);                                              \
        write_sysreg(dbgwcr##n##_el1, d->wcr[n]);                                              \
        __attribute__((fallthrough));

void guest_debug_init(void)
{
    uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
    brps = (unsigned)(dfr0 >> 12 & 0xf) + 1;
    wrps = (unsigned)(dfr0 >> 20 & 0xf) + 1;
    guest_mdcr_host = read_sysreg(mdcr_el2) & ~MDCR_MANAGED; /* HPMN as the firmware left it */
    guest_mdcr_trapping = guest_mdcr_host | MDCR_GUEST_ALWAYS | MDCR_EL2_TDA;
    mdcr_owner = guest_mdcr_host | MDCR_GUEST_ALWAYS;
    write_sysreg(mdcr_el2, guest_mdcr_host);
    write_sysreg(mdscr_el1, 0); /* whatever a firmware left: no debug exceptions for the host */
    isb();
}

static void debug_load(const struct a64_debug *d)
{
    switch (brps) {
        FOR_EACH_DEBUG_REG_DOWN(BP_LOAD)
    default:
        break;
    }
    switch (wrps) {
        FOR_EACH_DEBUG_REG_DOWN(WP_LOAD)
    default:
        break;
    }
    write_sysreg(mdccint_el1, d->mdccint);
    write_sysreg(oslar_el1, d->oslk);
}

static void debug_save(struct a64_debug *d)
{
    switch (brps) {
        FOR_EACH_DEBUG_REG_DOWN(BP_SAVE)
    default:
        break;
    }
    switch (wrps) {
        FOR_EACH_DEBUG_REG_DOWN(WP_SAVE)
    default:
        break;
    }
    d->mdccint = read_sysreg(mdccint_el1);
}

/* A vcpu that does not own its state runs with MDSCR_EL1 0 (as the last exit left it) and its
 * debug registers trapped: nothing of another vcpu's can fire, nothing of it can be read. */
uint64_t guest_debug_load(struct a64_vcpu *g)
{
    if (in_cpu_uid != g->uid) {
        debug_load(&g->dbg);
        in_cpu_uid = g->uid;
    }
    write_sysreg(mdscr_el1, g->dbg.mdscr);
    return mdcr_owner;
}

void guest_debug_save(struct a64_vcpu *g)
{
    g->dbg.mdscr = read_sysreg(mdscr_el1);
    write_sysreg(mdscr_el1, 0);
    debug_save(&g->dbg);
    /* A guest that no longer enables debug exceptions goes back to trapping (Linux writes
     * MDSCR_EL1 once at boot and never again unless it debugs): no cost for it from now on. */
    if (!(g->dbg.mdscr & MDSCR_IN_USE))
        g->dbg.owner = 0;
}

/* Op0 2, Op1 0, CRn 1, Op2 4: the OS lock registers by CRm (Arm ARM, "Debug OS Lock"). */
#define OS_CRM_OSLAR 0
#define OS_CRM_OSLSR 1
#define OS_CRM_OSDLR 3
#define OS_CRM_DBGPRCR 4

bool guest_debug_trap(struct a64_vcpu *g, uint64_t esr, uint64_t written)
{
    unsigned op0 = (esr >> ESR_SYS_OP0_SHIFT) & 3, op1 = (esr >> ESR_SYS_OP1_SHIFT) & 7;
    unsigned crn = (esr >> ESR_SYS_CRN_SHIFT) & 15, crm = (esr >> ESR_SYS_CRM_SHIFT) & 15;
    unsigned op2 = (esr >> ESR_SYS_OP2_SHIFT) & 7, rt = (esr >> ESR_SYS_RT_SHIFT) & ESR_REG_MASK;
    bool read = esr & ESR_SYS_READ;

    if (op0 != 2)
        return false;
    if (op1 == 0 && crn == 1 && op2 == 4) {
        /* The OS lock is the vcpu's: OSLAR sets it, OSLSR reports it, the CPU's lock follows it
         * while the vcpu owns its state. No double lock, no power-down request: OSDLR_EL1 and
         * DBGPRCR_EL1 read as zero and ignore writes. */
        uint64_t value = 0;
        if (crm == OS_CRM_OSLAR && !read) {
            g->dbg.oslk = written & 1;
            in_cpu_uid = 0; /* reload, lock included, at the next owning entry */
        } else if (crm == OS_CRM_OSLSR && read) {
            value = OSLSR_OSLM_IMPLEMENTED | g->dbg.oslk << 1;
        } else if (crm != OS_CRM_OSDLR && crm != OS_CRM_DBGPRCR) {
            return false;
        }
        if (read && rt != HV_A64_XZR)
            g->regs[rt] = value;
        vcpu_skip_instruction(g, 4);
        return true;
    }
    if (op1 == 0 && crn == 1 && crm == 0 && op2 == 0)
        return false; /* MDRAR_EL1 traps for good: the VMM answers */
    if (g->dbg.owner)
        return false; /* trapped for another reason: not the kernel's to decide */
    /* The first touch: the vcpu owns its state from now on and the access runs again, on its
     * own registers, untrapped. */
    g->dbg.owner = 1;
    return true;
}
