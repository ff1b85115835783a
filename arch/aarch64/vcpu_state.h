/* The AArch64 vcpu state inside struct arch_vcpu (struct a64_vcpu) and the pure logic on it
 * in vcpu_state.c: guest registers (the first words laid out like a task's context, so the EL0
 * entry/exit code of vectors.S saves and restores a guest's general registers too), EL1 system
 * registers, FP/SIMD, the GIC virtual interface and the queue of injections that did not fit
 * the list registers. */
#pragma once

#include "context.h"
#include <arch_vcpu.h>

/* CNTV_CTL_EL0 / CNTP_CTL_EL0 (ARM ARM D17.11): bit 2, ISTATUS, is read-only. */
#define CNTV_CTL_ENABLE 1u
#define CNTV_CTL_IMASK 2u

#define VCPU_LRS 4           /* list registers used (QEMU's GICv3 has 4: ICH_VTR_EL2) */
#define VCPU_QUEUE 16        /* injections waiting for a free list register */
#define VCPU_TIMER_INTID HV_A64_VTIMER_PPI  /* the virtual timer's PPI (27) */
#define VCPU_PTIMER_INTID HV_A64_PTIMER_PPI /* the EL1 physical timer's PPI (30) */
#define VCPU_MAINT_INTID 25  /* the GIC's maintenance interrupt (list registers underflow) */

/* The guest's self-hosted debug state (guest_debug.c): kept here, loaded into the CPU only
 * while the vcpu owns it (it uses breakpoints, watchpoints or single step). */
#define VCPU_DEBUG_MAX 16    /* breakpoints or watchpoints an ID register can count */
struct a64_debug {
    uint64_t owner;          /* loaded at entry, debug registers not trapped */
    uint64_t mdscr, mdccint;
    uint64_t oslk;           /* the OS lock (emulated: OSLAR_EL1, OSLSR_EL1 trap) */
    uint64_t bvr[VCPU_DEBUG_MAX], bcr[VCPU_DEBUG_MAX];
    uint64_t wvr[VCPU_DEBUG_MAX], wcr[VCPU_DEBUG_MAX];
};

struct a64_vcpu {
    /* hv/abi/vcpu_aarch64.h register numbers index regs[], except that the words vectors.S
     * uses sit where a task context has them: SP_EL0 in word 31 (XZR's number: no storage)
     * and TPIDR_EL0 in word 34 (SP_EL0's number); PC and PSTATE match (32, 33). */
    uint64_t regs[HV_A64_REG_COUNT];
    uint64_t fpregs[64];     /* q0..q31 */
    uint64_t fpcr, fpsr;
    uint64_t lr[VCPU_LRS], vmcr, ap0r0, ap1r0;
    uint64_t queue[VCPU_QUEUE]; /* pending injections: intid | priority << 32 */
    uint64_t nqueue;
    uint64_t timer_flags;       /* VCPU_TIMER_* */
    uint64_t timer_mask;        /* HV_A64_TIMER_MASK: timer PPIs the VMM's GIC holds back */
    uint64_t cntp_ctl, cntp_cval; /* the EL1 physical timer (HV_A64_CNTP_CTL/CVAL) */
    uint64_t exit_esr, exit_far; /* the last exit, for the reply's ADVANCE and FAULT */
    uint64_t arch_page;
    uint64_t uid;               /* never reused: tells vcpus apart across object reuse */
    struct a64_debug dbg;
};

_Static_assert(sizeof(struct a64_vcpu) <= sizeof(struct arch_vcpu), "a64_vcpu fits");
_Static_assert(CTX_X0 == 0 && CTX_SP == HV_A64_XZR && CTX_PC == HV_A64_PC &&
                   CTX_PSTATE == HV_A64_PSTATE && CTX_TPIDR == HV_A64_SP_EL0,
               "the guest's first words are laid out as vectors.S saves a context");

static inline struct a64_vcpu *a64_vcpu(struct arch_vcpu *av)
{
    return (struct a64_vcpu *)av;
}
static inline const struct a64_vcpu *a64_vcpu_const(const struct arch_vcpu *av)
{
    return (const struct a64_vcpu *)av;
}

/* The word of regs[] holding register number reg (not XZR). */
static inline unsigned vcpu_reg_word(unsigned reg)
{
    if (reg == HV_A64_SP_EL0)
        return CTX_SP;
    if (reg == HV_A64_TPIDR_EL0)
        return CTX_TPIDR;
    return reg;
}

/* struct a64_vcpu.timer_flags: what entry and exit do for the timers beyond CNTV. Zero, the
 * usual case, costs one test each way (the exit round trip's figure, docs/vcpu.md). */
#define VCPU_TIMER_HELD HV_A64_TIMER_PPIS /* bit n: PPI n physically active while it runs */
#define VCPU_TIMER_PTIMER (1ull << 0)     /* it claimed its EL1 physical timer: switched */
#define VCPU_TIMER_RECHECK (1ull << 1)    /* work the held PPIs out again at entry */

/* PSTATE values a guest may be given: AArch64 EL0t, EL1t or EL1h, nothing above 32 bits. */
bool vcpu_pstate_ok(uint64_t v);

/* An instruction the kernel or the VMM emulated is done: PC past it, a software step in
 * progress now pending. */
void vcpu_skip_instruction(struct a64_vcpu *v, uint64_t bytes);
/* The guest takes an undefined-instruction exception at its PC (as a CPU would for an
 * instruction it does not implement). */
void vcpu_take_undefined(struct a64_vcpu *v);

/* List registers (vcpu_state.c): moves queued injections into free list registers; true if
 * some still wait. */
bool vcpu_lr_refill(struct a64_vcpu *g);
/* The timer PPIs g needs physically active while it runs (bit n: PPI n): those a list
 * register holds with HW=1 (the guest's EOI deactivates them), and those the VMM's GIC masks
 * while their timer is armed (so the level does not bring the CPU back to EL2 for nothing). */
uint64_t vcpu_timer_active_bits(const struct a64_vcpu *g);
/* At entry, after something changed them (VCPU_TIMER_RECHECK): the held PPIs worked out again. */
void vcpu_timer_recheck(struct a64_vcpu *g);
/* Timer PPI intid fired while g ran (and is left active): put it in a list register with HW=1,
 * so the guest's EOI deactivates it, or hold it active if the VMM's GIC masks it. False if no
 * register was free (the caller deactivates it and the timer goes through the queue instead). */
bool vcpu_timer_fired(struct a64_vcpu *g, unsigned intid);
/* A trapped system register access (ESR_EL2 esr, EC 0x18) to CNTP_TVAL/CTL/CVAL_EL0: the
 * guest's first use of its physical timer, which from now on is switched with it (the caller
 * re-runs the access). False for any other register. */
bool vcpu_ptimer_claim(struct a64_vcpu *g, uint64_t esr);
