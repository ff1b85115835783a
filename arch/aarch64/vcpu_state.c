/* AArch64 vcpu state as the VMM sees it: reset, register reads and writes, injections, how a
 * reply resumes the guest (including the faults it may inject into EL1), and whether a guest
 * waiting in WFI has something to wake it. Pure logic on struct a64_vcpu. */
#include "vcpu_state.h"
#include <arch.h>
#include <hv/abi/arm_esr.h>
#include <hv/abi/error.h>

#define PSTATE_M_MASK 0x1full    /* M[4] (nRW: 1 = AArch32) and M[3:0] */
#define PSTATE_EL0T 0x0u
#define PSTATE_EL1T 0x4u
#define PSTATE_EL1H 0x5u
#define PSTATE_SS (1ull << 21)   /* software step: the next instruction is being stepped */
#define SCTLR_EL1_RES1 0x30d00800ull /* ARMv8.2 RES1 bits; MMU and caches off */
#define MPIDR_RES1 (1ull << 31)

/* ICH_LR<n>_EL2 (GICv3 12.4.6). */
#define LR_STATE_PENDING (1ull << 62)
#define LR_STATE_ACTIVE (1ull << 63)
#define LR_HW (1ull << 61)
#define LR_GROUP1 (1ull << 60)
#define LR_PRIO_SHIFT 48
#define LR_PINTID_SHIFT 32
#define LR_INTID_MASK 0xffffffffull
#define TIMER_PRIORITY 0x80

/* Offsets in the guest's vector table (ARM ARM D1.10.2): synchronous exceptions. */
#define VBAR_CUR_SP0 0x000
#define VBAR_CUR_SPX 0x200
#define VBAR_LOWER_A64 0x400

bool vcpu_pstate_ok(uint64_t v)
{
    uint64_t m = v & PSTATE_M_MASK;
    return (v >> 32) == 0 && (m == PSTATE_EL0T || m == PSTATE_EL1T || m == PSTATE_EL1H);
}

void arch_vcpu_reset(struct arch_vcpu *av, paddr_t arch_page)
{
    static uint64_t uids;
    struct a64_vcpu *v = a64_vcpu(av);
    for (unsigned i = 0; i < ARCH_VCPU_WORDS; i++)
        av->words[i] = 0;
    v->regs[HV_A64_PSTATE] = HV_A64_PSTATE_EL1H_MASKED;
    v->regs[HV_A64_SCTLR_EL1] = SCTLR_EL1_RES1;
    v->regs[HV_A64_MPIDR] = MPIDR_RES1;
    v->arch_page = pa_addr(arch_page);
    v->uid = ++uids;
    v->dbg.oslk = 1; /* the OS lock is set at reset (Arm ARM, OSLSR_EL1.OSLK) */
}

/* ---- the generic timers' state beyond CNTV (register numbers 96 on) ---- */

/* Whether a timer's interrupt is asserted once its condition is met: ENABLE, IMASK clear. */
static bool timer_armed(uint64_t ctl)
{
    return (ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) == CNTV_CTL_ENABLE;
}

/* A timer's deadline on the counter: its compare value while it is armed. */
static uint64_t timer_deadline(uint64_t ctl, uint64_t cval)
{
    return timer_armed(ctl) ? cval : UINT64_MAX;
}

/* The timers whose output (ENABLE, IMASK clear, the condition met) is asserted at count now.
 * CNTVOFF_EL2 is 0: both timers compare with the physical count. */
static uint64_t timer_levels(const struct a64_vcpu *v, uint64_t now)
{
    uint64_t lv = timer_deadline(v->regs[HV_A64_CNTV_CTL], v->regs[HV_A64_CNTV_CVAL]) <= now;
    uint64_t lp = timer_deadline(v->cntp_ctl, v->cntp_cval) <= now;
    return lv << VCPU_TIMER_INTID | lp << VCPU_PTIMER_INTID;
}

/* The registers past HV_A64_REG_COUNT: HV_ERANGE if not one of the timer block. The checks and
 * writes call nothing, so that arch_vcpu_resume, into which they are inlined, stays a leaf
 * function: the exit round trip's figure (docs/vcpu.md). */
static int timer_reg_read(const struct a64_vcpu *v, unsigned reg, uint64_t *val)
{
    switch (reg) {
    case HV_A64_CNTP_CTL: *val = v->cntp_ctl; return HV_OK;
    case HV_A64_CNTP_CVAL: *val = v->cntp_cval; return HV_OK;
    case HV_A64_TIMER_MASK: *val = v->timer_mask; return HV_OK;
    case HV_A64_TIMER_LEVEL: *val = timer_levels(v, arch_counter_now()); return HV_OK;
    default: return HV_ERANGE;
    }
}

static int timer_reg_check(unsigned reg, uint64_t val)
{
    switch (reg) {
    case HV_A64_CNTP_CTL: return val & ~(uint64_t)7 ? HV_EINVAL : HV_OK; /* ISTATUS ignored */
    case HV_A64_CNTP_CVAL: return HV_OK;
    case HV_A64_TIMER_MASK: return val & ~HV_A64_TIMER_PPIS ? HV_EINVAL : HV_OK;
    case HV_A64_TIMER_LEVEL: return HV_EINVAL; /* the timers' output: read-only */
    default: return HV_ERANGE;
    }
}

static inline __attribute__((always_inline)) void timer_reg_write(struct a64_vcpu *v,
                                                                  unsigned reg, uint64_t val)
{
    if (reg == HV_A64_CNTP_CTL)
        v->cntp_ctl = val & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
    else if (reg == HV_A64_CNTP_CVAL)
        v->cntp_cval = val;
    else
        v->timer_mask = val;
    /* State the guest has not touched yet need not be switched, but the VMM's must be. */
    if (v->cntp_ctl | v->cntp_cval)
        v->timer_flags |= VCPU_TIMER_PTIMER;
    v->timer_flags |= VCPU_TIMER_RECHECK; /* what the next entry holds may change */
}

/* CNTP_TVAL_EL0, CNTP_CTL_EL0 and CNTP_CVAL_EL0 are Op0 3, Op1 3, CRn 14, CRm 2, Op2 0..2. */
bool vcpu_ptimer_claim(struct a64_vcpu *g, uint64_t esr)
{
    unsigned op0 = (esr >> ESR_SYS_OP0_SHIFT) & 3, op1 = (esr >> ESR_SYS_OP1_SHIFT) & 7;
    unsigned crn = (esr >> ESR_SYS_CRN_SHIFT) & 15, crm = (esr >> ESR_SYS_CRM_SHIFT) & 15;
    unsigned op2 = (esr >> ESR_SYS_OP2_SHIFT) & 7;
    if (esr_ec(esr) != ESR_EC_SYS64 || op0 != 3 || op1 != 3 || crn != 14 || crm != 2 || op2 > 2)
        return false;
    if (g->timer_flags & VCPU_TIMER_PTIMER)
        return false; /* it can't trap once claimed; if it did, a retry would loop forever */
    g->timer_flags |= VCPU_TIMER_PTIMER;
    return true;
}

int arch_vcpu_read(const struct arch_vcpu *av, unsigned reg, uint64_t *val)
{
    if (reg >= HV_A64_REG_COUNT)
        return timer_reg_read(a64_vcpu_const(av), reg, val);
    *val = reg == HV_A64_XZR ? 0 : a64_vcpu_const(av)->regs[vcpu_reg_word(reg)];
    return HV_OK;
}

static int check_write(unsigned reg, uint64_t val)
{
    if (reg >= HV_A64_REG_COUNT)
        return timer_reg_check(reg, val);
    /* An ERET with any other mode could reach EL2 or AArch32, which Duet never allows. */
    if (reg == HV_A64_PSTATE && !vcpu_pstate_ok(val))
        return HV_EINVAL;
    return HV_OK;
}

/* Inlined into arch_vcpu_resume, which must stay a leaf function (timer_reg_read's note). */
static inline __attribute__((always_inline)) void do_write(struct a64_vcpu *v, unsigned reg,
                                                           uint64_t val)
{
    if (reg >= HV_A64_REG_COUNT) {
        timer_reg_write(v, reg, val); /* checked: one of the timer block */
        return;
    }
    if (reg == HV_A64_XZR)
        return;
    if (reg == HV_A64_MPIDR)
        val |= MPIDR_RES1;
    v->regs[vcpu_reg_word(reg)] = val;
    if (reg == HV_A64_CNTV_CTL)
        v->timer_flags |= VCPU_TIMER_RECHECK; /* what the next entry holds may change */
}

int arch_vcpu_write(struct arch_vcpu *av, unsigned reg, uint64_t val)
{
    int r = check_write(reg, val);
    if (r == HV_OK)
        do_write(a64_vcpu(av), reg, val);
    return r;
}

static bool lr_pending(uint64_t lr, uint64_t intid)
{
    return (lr & LR_STATE_PENDING) && (lr & LR_INTID_MASK) == intid;
}

int arch_vcpu_inject(struct arch_vcpu *av, uint64_t irq, uint64_t flags)
{
    struct a64_vcpu *v = a64_vcpu(av);
    if (irq >= 1020 || flags > 0xff)
        return HV_EINVAL; /* 1020..1023 are the GIC's special INTIDs */
    for (unsigned i = 0; i < VCPU_LRS; i++)
        if (lr_pending(v->lr[i], irq))
            return HV_OK;
    for (unsigned i = 0; i < v->nqueue; i++)
        if ((v->queue[i] & LR_INTID_MASK) == irq)
            return HV_OK;
    if (v->nqueue == VCPU_QUEUE)
        return HV_EBUSY;
    v->queue[v->nqueue++] = irq | (flags & 0xff) << 32;
    return HV_OK;
}

/* ---- list registers ---- */

static bool lr_free(uint64_t lr)
{
    return !(lr & (LR_STATE_PENDING | LR_STATE_ACTIVE));
}

/* The list register holding intid (the GIC forbids two for one INTID), or a free one. */
static int lr_find(const struct a64_vcpu *g, uint64_t intid)
{
    for (unsigned i = 0; i < VCPU_LRS; i++)
        if (!lr_free(g->lr[i]) && (g->lr[i] & LR_INTID_MASK) == intid)
            return (int)i;
    return -1;
}

static int lr_find_free(const struct a64_vcpu *g)
{
    for (unsigned i = 0; i < VCPU_LRS; i++)
        if (lr_free(g->lr[i]))
            return (int)i;
    return -1;
}

bool vcpu_lr_refill(struct a64_vcpu *g)
{
    unsigned kept = 0;
    for (unsigned q = 0; q < g->nqueue; q++) {
        uint64_t intid = g->queue[q] & LR_INTID_MASK, prio = g->queue[q] >> 32;
        int i = lr_find(g, intid);
        if (i >= 0 && !(g->lr[i] & LR_HW)) {
            g->lr[i] |= LR_STATE_PENDING; /* active in the guest: pending again as well */
            continue;
        }
        if (i < 0 && (i = lr_find_free(g)) >= 0) {
            g->lr[i] = LR_STATE_PENDING | LR_GROUP1 | prio << LR_PRIO_SHIFT | intid;
            continue;
        }
        g->queue[kept++] = g->queue[q]; /* no room, or behind the hardware-mapped one */
    }
    g->nqueue = kept;
    return kept > 0;
}

uint64_t vcpu_timer_active_bits(const struct a64_vcpu *g)
{
    uint64_t bits = 0;
    for (unsigned i = 0; i < VCPU_LRS; i++) {
        uint64_t intid = g->lr[i] & LR_INTID_MASK;
        if (!lr_free(g->lr[i]) && (g->lr[i] & LR_HW) &&
            (intid == VCPU_TIMER_INTID || intid == VCPU_PTIMER_INTID))
            bits |= 1ull << intid;
    }
    if (timer_armed(g->regs[HV_A64_CNTV_CTL]))
        bits |= g->timer_mask & 1ull << VCPU_TIMER_INTID;
    if (timer_armed(g->cntp_ctl))
        bits |= g->timer_mask & 1ull << VCPU_PTIMER_INTID;
    return bits;
}

void vcpu_timer_recheck(struct a64_vcpu *g)
{
    if (g->timer_flags & VCPU_TIMER_RECHECK)
        g->timer_flags = (g->timer_flags & VCPU_TIMER_PTIMER) | vcpu_timer_active_bits(g);
}

bool vcpu_timer_fired(struct a64_vcpu *g, unsigned intid)
{
    uint64_t bit = 1ull << intid;
    if (g->timer_mask & bit) {
        g->timer_flags |= bit; /* held active while the VMM's GIC masks it */
        return true;
    }
    int i = lr_find(g, intid) < 0 ? lr_find_free(g) : -1;
    if (i < 0)
        return false;
    g->lr[i] = LR_STATE_PENDING | LR_HW | LR_GROUP1 | (uint64_t)TIMER_PRIORITY << LR_PRIO_SHIFT |
               (uint64_t)intid << LR_PINTID_SHIFT | intid;
    g->timer_flags |= bit;
    return true;
}

/* ---- replies ---- */

/* Makes the guest take a synchronous exception at EL1 with syndrome esr (ARM ARM D1.10):
 * what a real CPU would do for an external abort or an undefined instruction. */
static void take_el1_exception(struct a64_vcpu *v, uint64_t esr, uint64_t far)
{
    uint64_t pstate = v->regs[HV_A64_PSTATE], m = pstate & PSTATE_M_MASK;
    uint64_t off = m == PSTATE_EL0T ? VBAR_LOWER_A64 : m == PSTATE_EL1T ? VBAR_CUR_SP0
                                                                          : VBAR_CUR_SPX;
    v->regs[HV_A64_ESR_EL1] = esr;
    v->regs[HV_A64_FAR_EL1] = far;
    v->regs[HV_A64_ELR_EL1] = v->regs[HV_A64_PC];
    v->regs[HV_A64_SPSR_EL1] = pstate;
    v->regs[HV_A64_PC] = v->regs[HV_A64_VBAR_EL1] + off;
    v->regs[HV_A64_PSTATE] = HV_A64_PSTATE_EL1H_MASKED;
}

void vcpu_skip_instruction(struct a64_vcpu *v, uint64_t bytes)
{
    v->regs[HV_A64_PC] += bytes;
    /* Emulated, the instruction completed: a step in progress is now pending, so the guest's
     * software step exception comes before its next instruction, as after any other (Arm ARM,
     * "Software Step exceptions": PSTATE.SS is 0 once the stepped instruction completes). */
    v->regs[HV_A64_PSTATE] &= ~PSTATE_SS;
}

void vcpu_take_undefined(struct a64_vcpu *v)
{
    take_el1_exception(v, (uint64_t)ESR_EC_UNKNOWN << ESR_EC_SHIFT | ESR_IL, 0);
}

/* FAULT: an external abort for a stage-2 abort, UNDEFINED for anything else. */
static void inject_fault(struct a64_vcpu *v)
{
    unsigned ec = esr_ec(v->exit_esr);
    bool from_el0 = (v->regs[HV_A64_PSTATE] & PSTATE_M_MASK) == PSTATE_EL0T;
    if (ec == ESR_EC_DABT_LOW) {
        uint64_t esr = (uint64_t)(from_el0 ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR) << ESR_EC_SHIFT |
                       ESR_IL | (v->exit_esr & ESR_DABT_WNR) | ESR_FSC_SYNC_EXTERNAL;
        take_el1_exception(v, esr, v->exit_far);
    } else if (ec == ESR_EC_IABT_LOW) {
        uint64_t esr = (uint64_t)(from_el0 ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR) << ESR_EC_SHIFT |
                       ESR_IL | ESR_FSC_SYNC_EXTERNAL;
        take_el1_exception(v, esr, v->exit_far);
    } else {
        take_el1_exception(v, (uint64_t)ESR_EC_UNKNOWN << ESR_EC_SHIFT | ESR_IL, 0);
    }
}

int arch_vcpu_resume(struct arch_vcpu *av, const uint64_t *w, unsigned len)
{
    struct a64_vcpu *v = a64_vcpu(av);
    uint64_t m[HV_MSG_WORDS] = {0};
    for (unsigned i = 0; i < len && i < HV_MSG_WORDS; i++)
        m[i] = w[i];
    uint64_t flags = m[0];

    /* Every check first: a malformed reply changes nothing. */
    if (flags & ~(uint64_t)HV_VCPU_RESUME_ALL)
        return HV_EINVAL;
    bool advance = flags & HV_VCPU_RESUME_ADVANCE, fault = flags & HV_VCPU_RESUME_FAULT;
    if ((advance && fault) || (advance && (m[1] & 3)) || (fault && m[1] != 0))
        return HV_EINVAL; /* AArch64 instructions are 4 bytes; no chosen vectors here */
    if ((flags & HV_VCPU_RESUME_SET_A) &&
        (m[2] > UINT32_MAX || check_write((unsigned)m[2], m[3])))
        return HV_EINVAL;
    if ((flags & HV_VCPU_RESUME_SET_B) &&
        (m[4] > UINT32_MAX || check_write((unsigned)m[4], m[5])))
        return HV_EINVAL;

    if (flags & HV_VCPU_RESUME_SET_A)
        do_write(v, (unsigned)m[2], m[3]);
    if (flags & HV_VCPU_RESUME_SET_B)
        do_write(v, (unsigned)m[4], m[5]);
    if (advance)
        vcpu_skip_instruction(v, m[1] ? m[1] : (v->exit_esr & ESR_IL) ? 4 : 2);
    if (fault)
        inject_fault(v);
    return HV_OK;
}

/* ---- waiting in WFI ---- */

uint64_t arch_vcpu_wake_deadline(const struct arch_vcpu *av)
{
    const struct a64_vcpu *v = a64_vcpu_const(av);
    /* CNTVOFF_EL2 is 0: the guest's virtual count is the physical one. A timer whose PPI the
     * VMM's GIC masks wakes nobody, as a disabled interrupt does not end a WFI. */
    uint64_t vt = v->timer_mask & 1ull << VCPU_TIMER_INTID
                      ? UINT64_MAX
                      : timer_deadline(v->regs[HV_A64_CNTV_CTL], v->regs[HV_A64_CNTV_CVAL]);
    uint64_t pt = v->timer_mask & 1ull << VCPU_PTIMER_INTID
                      ? UINT64_MAX
                      : timer_deadline(v->cntp_ctl, v->cntp_cval);
    return vt < pt ? vt : pt;
}

bool arch_vcpu_wake_pending(const struct arch_vcpu *av)
{
    const struct a64_vcpu *v = a64_vcpu_const(av);
    if (v->nqueue)
        return true;
    for (unsigned i = 0; i < VCPU_LRS; i++)
        if (v->lr[i] & LR_STATE_PENDING)
            return true;
    return arch_vcpu_wake_deadline(av) <= arch_counter_now();
}
