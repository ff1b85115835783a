/* AArch64 vcpus (hv/abi/vcpu.h): register numbers for vcpu_read/vcpu_write and the arch words
 * of an exit message. A guest runs at EL1 (and EL0) under stage-2 translation. */
#pragma once

#include <stdint.h>

/* Register numbers. x0..x30 are 0..30, so an ESR's SRT/Rt field is the register number
 * (31 = xzr: reads as zero, writes are dropped). */
enum hv_a64_reg {
    HV_A64_X0 = 0,
    HV_A64_X30 = 30,
    HV_A64_XZR = 31,       /* reads 0, writes ignored */
    HV_A64_PC = 32,
    HV_A64_PSTATE = 33,    /* SPSR format; only EL1h/EL1t/EL0t and the flag/mask bits */
    HV_A64_SP_EL0 = 34,
    HV_A64_SP_EL1 = 35,
    HV_A64_ELR_EL1 = 36,
    HV_A64_SPSR_EL1 = 37,
    HV_A64_SCTLR_EL1 = 38,
    HV_A64_TTBR0_EL1 = 39,
    HV_A64_TTBR1_EL1 = 40,
    HV_A64_TCR_EL1 = 41,
    HV_A64_MAIR_EL1 = 42,
    HV_A64_AMAIR_EL1 = 43,
    HV_A64_VBAR_EL1 = 44,
    HV_A64_ESR_EL1 = 45,
    HV_A64_FAR_EL1 = 46,
    HV_A64_AFSR0_EL1 = 47,
    HV_A64_AFSR1_EL1 = 48,
    HV_A64_CONTEXTIDR_EL1 = 49,
    HV_A64_TPIDR_EL0 = 50,
    HV_A64_TPIDRRO_EL0 = 51,
    HV_A64_TPIDR_EL1 = 52,
    HV_A64_CPACR_EL1 = 53,
    HV_A64_CNTKCTL_EL1 = 54,
    HV_A64_PAR_EL1 = 55,
    HV_A64_CNTV_CTL = 56,
    HV_A64_CNTV_CVAL = 57,
    HV_A64_MPIDR = 58,     /* what the guest reads as MPIDR_EL1 (VMPIDR_EL2) */
    HV_A64_REG_COUNT = 59,
};

/* The generic timer's other state, numbered apart from the registers above (96 on, like
 * x86_64's timer registers): the EL1 physical timer and how the timers' PPIs meet the VMM's
 * GIC model. The kernel delivers the timer interrupts itself (HW list registers), so the VMM
 * tells it which PPIs its GIC would hold back, and reads their levels for its pending
 * registers (docs/vcpu.md, "Interrupts and the timers"). */
enum hv_a64_timer_reg {
    HV_A64_CNTP_CTL = 96,     /* CNTP_CTL_EL0: ENABLE, IMASK (ISTATUS reads 0 here) */
    HV_A64_CNTP_CVAL = 97,    /* CNTP_CVAL_EL0 */
    HV_A64_TIMER_MASK = 98,   /* bit n set: timer PPI n is not delivered; only HV_A64_TIMER_PPIS */
    HV_A64_TIMER_LEVEL = 99,  /* read-only: bit n set: timer PPI n's output is asserted now */
    HV_A64_TIMER_REG_END = 100,
};

#define HV_A64_VTIMER_PPI 27 /* the EL1 virtual timer's interrupt */
#define HV_A64_PTIMER_PPI 30 /* the EL1 physical timer's interrupt */
#define HV_A64_TIMER_PPIS ((1ull << HV_A64_VTIMER_PPI) | (1ull << HV_A64_PTIMER_PPI))

/* PSTATE of a vcpu at reset: EL1h with D, A, I, F masked (as a CPU leaves reset). */
#define HV_A64_PSTATE_EL1H_MASKED 0x3c5u

/* Exit words 3..5 (hv/abi/vcpu.h): for a data abort with a valid syndrome (ISV) that writes,
 * w[3] is the value of the register written (SRT); for HVC and SMC, w[3..5] are x0..x2; for
 * a trapped MSR/MRS (EC 0x18) that writes, w[3] is the value of Rt. Otherwise zero. */
enum {
    HV_A64_W_VALUE = 3,
    HV_A64_W_X0 = 3,
    HV_A64_W_X1 = 4,
    HV_A64_W_X2 = 5,
};

/* vcpu_inject flags (R2): the priority in bits 0..7 (the GIC keeps the top 5 bits). R1 is the
 * virtual INTID (0..1019). */
#define HV_A64_INJECT_PRIO(p) ((uint64_t)(p) & 0xffu)
