/* Unit tests for the AArch64 vcpu state (vcpu_state.c): the reset state, register access, the
 * PSTATE guard that keeps a VMM from putting its guest at EL2 or into AArch32 (by vcpu_write or
 * by a reply), malformed replies changing nothing, the faults a reply injects into EL1, the
 * injection queue and list registers, and what wakes a guest waiting in WFI. */
#include "check_run.h"
#include "vcpu_state.h"
#include <hv/abi/arm_esr.h>
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>
#include <stdlib.h>
#include <string.h>

#define PSTATE_EL0T 0x0u
#define PSTATE_EL1T 0x4u
#define PSTATE_EL1H 0x5u
#define PSTATE_DAIF 0x3c0u
#define PSTATE_NZCV 0xf0000000u
#define VBAR 0x80000ull
#define GUEST_PC 0x40001000ull
#define ARCH_PAGE 0x12340000ull

/* ICH_LR<n>_EL2 fields (GICv3 12.4.6), as the kernel writes them. */
#define LR_PENDING (1ull << 62)
#define LR_ACTIVE (1ull << 63)
#define LR_HW (1ull << 61)
#define LR_GROUP1 (1ull << 60)

/* arch_vcpu_wake_pending compares the guest's timer with the counter: the test sets it. */
static uint64_t counter_now;
uint64_t arch_counter_now(void)
{
    return counter_now;
}

static struct arch_vcpu *av, *before;
static struct a64_vcpu *g;

static void setup(void)
{
    av = calloc(1, sizeof(*av));
    before = calloc(1, sizeof(*before));
    ck_assert_ptr_nonnull(av);
    ck_assert_ptr_nonnull(before);
    arch_vcpu_reset(av, pa_init(ARCH_PAGE));
    g = a64_vcpu(av);
    counter_now = 0;
}

static void teardown(void)
{
    free(av);
    free(before);
}

static uint64_t rd(unsigned reg)
{
    uint64_t v = 0xdeadbeef;
    ck_assert_int_eq(arch_vcpu_read(av, reg, &v), HV_OK);
    return v;
}

static void wr_ok(unsigned reg, uint64_t val)
{
    ck_assert_int_eq(arch_vcpu_write(av, reg, val), HV_OK);
}

static void snapshot(void)
{
    memcpy(before, av, sizeof(*av));
}

static void assert_unchanged(void)
{
    ck_assert_int_eq(memcmp(before, av, sizeof(*av)), 0);
}

/* The write is refused with err and the state is byte for byte what it was. */
static void wr_refused(unsigned reg, uint64_t val, int err)
{
    snapshot();
    ck_assert_int_eq(arch_vcpu_write(av, reg, val), err);
    assert_unchanged();
}

static int resume(uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3, uint64_t w4, uint64_t w5)
{
    const uint64_t w[HV_MSG_WORDS] = {w0, w1, w2, w3, w4, w5};
    return arch_vcpu_resume(av, w, HV_MSG_WORDS);
}

/* The reply is malformed: HV_EINVAL and nothing changed. */
static void resume_refused(uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3, uint64_t w4,
                           uint64_t w5)
{
    snapshot();
    ck_assert_int_eq(resume(w0, w1, w2, w3, w4, w5), HV_EINVAL);
    assert_unchanged();
}

/* The vcpu exited with syndrome esr at PC GUEST_PC, running in mode pstate. */
static void exited(uint64_t esr, uint64_t far, uint64_t pstate)
{
    wr_ok(HV_A64_PC, GUEST_PC);
    wr_ok(HV_A64_PSTATE, pstate);
    wr_ok(HV_A64_VBAR_EL1, VBAR);
    g->exit_esr = esr;
    g->exit_far = far;
}

static uint64_t esr_of(unsigned ec, uint64_t iss)
{
    return (uint64_t)ec << ESR_EC_SHIFT | ESR_IL | iss;
}

START_TEST(reset_state_is_el1h_masked_with_mmu_off)
{
    ck_assert_uint_eq(rd(HV_A64_PSTATE), HV_A64_PSTATE_EL1H_MASKED);
    ck_assert_uint_eq(rd(HV_A64_SCTLR_EL1), 0x30d00800);
    ck_assert_uint_eq(rd(HV_A64_MPIDR), 0x80000000);
    ck_assert_uint_eq(rd(HV_A64_PC), 0);
    ck_assert_uint_eq(rd(HV_A64_X0), 0);
    ck_assert_uint_eq(rd(HV_A64_VBAR_EL1), 0);
    ck_assert_uint_eq(g->nqueue, 0);
    ck_assert_uint_eq(g->arch_page, ARCH_PAGE);
    ck_assert(!arch_vcpu_wake_pending(av));
    ck_assert_uint_eq(arch_vcpu_wake_deadline(av), UINT64_MAX);
    /* Reset again: everything written is gone, and the vcpu is told apart from before. */
    uint64_t uid = g->uid;
    wr_ok(HV_A64_X0 + 5, 55);
    ck_assert_int_eq(arch_vcpu_inject(av, 40, 0x80), HV_OK);
    arch_vcpu_reset(av, pa_init(ARCH_PAGE));
    ck_assert_uint_eq(rd(HV_A64_X0 + 5), 0);
    ck_assert_uint_eq(g->nqueue, 0);
    ck_assert_uint_ne(g->uid, uid);
}
END_TEST

START_TEST(pstate_only_el0t_el1t_el1h)
{
    /* Every M[4:0]: only AArch64 EL0t, EL1t and EL1h are a guest's; EL2, EL3, the reserved
     * encodings and all of AArch32 (M[4] set) are refused. */
    for (unsigned m = 0; m < 32; m++) {
        bool legal = m == PSTATE_EL0T || m == PSTATE_EL1T || m == PSTATE_EL1H;
        uint64_t v = PSTATE_DAIF | m;
        if (legal) {
            wr_ok(HV_A64_PSTATE, v);
            ck_assert_uint_eq(rd(HV_A64_PSTATE), v);
        } else {
            wr_refused(HV_A64_PSTATE, v, HV_EINVAL);
        }
    }
    /* The flags and masks may be anything; nothing may be set above bit 31. */
    wr_ok(HV_A64_PSTATE, PSTATE_NZCV | PSTATE_EL1H);
    ck_assert_uint_eq(rd(HV_A64_PSTATE), PSTATE_NZCV | PSTATE_EL1H);
    wr_refused(HV_A64_PSTATE, 1ull << 32 | PSTATE_EL1H, HV_EINVAL);
    wr_refused(HV_A64_PSTATE, 1ull << 63 | PSTATE_EL0T, HV_EINVAL);
    ck_assert(!vcpu_pstate_ok(0x9));  /* EL2h */
    ck_assert(!vcpu_pstate_ok(0x1a)); /* AArch32 Hyp */
    ck_assert(vcpu_pstate_ok(HV_A64_PSTATE_EL1H_MASKED));
}
END_TEST

START_TEST(registers_and_their_words)
{
    wr_refused(HV_A64_REG_COUNT, 1, HV_ERANGE);
    wr_refused(HV_VCPU_REG_RESET, 1, HV_ERANGE);
    uint64_t v = 7;
    ck_assert_int_eq(arch_vcpu_read(av, HV_A64_REG_COUNT, &v), HV_ERANGE);
    ck_assert_uint_eq(v, 7);
    /* XZR reads zero and drops writes. */
    wr_ok(HV_A64_XZR, 0x1234);
    ck_assert_uint_eq(rd(HV_A64_XZR), 0);
    /* MPIDR keeps its RES1 bit 31. */
    wr_ok(HV_A64_MPIDR, 3);
    ck_assert_uint_eq(rd(HV_A64_MPIDR), 0x80000003);
    /* SP_EL0 and TPIDR_EL0 sit where vectors.S saves a context's SP and thread pointer. */
    wr_ok(HV_A64_SP_EL0, 0x5000);
    wr_ok(HV_A64_TPIDR_EL0, 0x6000);
    ck_assert_uint_eq(g->regs[CTX_SP], 0x5000);
    ck_assert_uint_eq(g->regs[CTX_TPIDR], 0x6000);
    ck_assert_uint_eq(rd(HV_A64_SP_EL0), 0x5000);
    ck_assert_uint_eq(rd(HV_A64_TPIDR_EL0), 0x6000);
    wr_ok(HV_A64_X30, 0x30);
    ck_assert_uint_eq(g->regs[30], 0x30);
}
END_TEST

START_TEST(malformed_replies_change_nothing)
{
    exited(esr_of(ESR_EC_HVC64, 0), 0, PSTATE_EL1H);
    resume_refused(1u << 4, 0, 0, 0, 0, 0); /* an unknown flag */
    resume_refused(HV_VCPU_RESUME_ADVANCE | HV_VCPU_RESUME_FAULT, 0, 0, 0, 0, 0);
    resume_refused(HV_VCPU_RESUME_ADVANCE, 6, 0, 0, 0, 0); /* not a whole instruction */
    resume_refused(HV_VCPU_RESUME_FAULT, 4, 0, 0, 0, 0);   /* no chosen fault on AArch64 */
    /* A reply can't do what vcpu_write can't: EL2, AArch32, an unknown register. */
    resume_refused(HV_VCPU_RESUME_SET_A, 0, HV_A64_PSTATE, 0x9, 0, 0);
    resume_refused(HV_VCPU_RESUME_SET_A, 0, HV_A64_PSTATE, 0x13, 0, 0);
    resume_refused(HV_VCPU_RESUME_SET_A, 0, HV_A64_REG_COUNT, 0, 0, 0);
    resume_refused(HV_VCPU_RESUME_SET_A, 0, 1ull << 32 | HV_A64_X0, 0, 0, 0);
    /* A bad SET_B takes a good SET_A and the ADVANCE down with it. */
    resume_refused(HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B | HV_VCPU_RESUME_ADVANCE, 0,
                   HV_A64_X0, 1, HV_A64_PSTATE, 0x8);
    ck_assert_uint_eq(rd(HV_A64_PC), GUEST_PC);
    ck_assert_uint_eq(rd(HV_A64_PSTATE), PSTATE_EL1H);
}
END_TEST

START_TEST(replies_set_and_advance)
{
    exited(esr_of(ESR_EC_HVC64, 0), 0, PSTATE_EL1H);
    /* An empty reply resumes the guest unchanged: it re-executes the instruction. */
    snapshot();
    ck_assert_int_eq(arch_vcpu_resume(av, NULL, 0), HV_OK);
    assert_unchanged();
    ck_assert_int_eq(resume(HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B | HV_VCPU_RESUME_ADVANCE, 0,
                            HV_A64_X0, 0x11, HV_A64_PSTATE, PSTATE_EL0T),
                     HV_OK);
    ck_assert_uint_eq(rd(HV_A64_X0), 0x11);
    ck_assert_uint_eq(rd(HV_A64_PSTATE), PSTATE_EL0T);
    ck_assert_uint_eq(rd(HV_A64_PC), GUEST_PC + 4); /* ESR.IL: a 4-byte instruction */
    ck_assert_int_eq(resume(HV_VCPU_RESUME_ADVANCE, 8, 0, 0, 0, 0), HV_OK);
    ck_assert_uint_eq(rd(HV_A64_PC), GUEST_PC + 12);
}
END_TEST

/* A stepped instruction the VMM emulated has completed: ADVANCE clears PSTATE.SS so that the
 * guest's software step exception comes before its next instruction; an empty reply (the
 * instruction runs again) leaves the step as it was. */
START_TEST(advance_ends_a_software_step)
{
    const uint64_t ss = 1ull << 21;
    exited(esr_of(ESR_EC_DABT_LOW, 0), 0, PSTATE_EL1H | ss);
    ck_assert_int_eq(arch_vcpu_resume(av, NULL, 0), HV_OK);
    ck_assert_uint_eq(rd(HV_A64_PSTATE), PSTATE_EL1H | ss);
    ck_assert_int_eq(resume(HV_VCPU_RESUME_ADVANCE, 0, 0, 0, 0, 0), HV_OK);
    ck_assert_uint_eq(rd(HV_A64_PSTATE), PSTATE_EL1H);
    ck_assert_uint_eq(rd(HV_A64_PC), GUEST_PC + 4);
}
END_TEST

/* Reset: no debug state owned, the OS lock locked (OSLSR_EL1.OSLK resets to 1). */
START_TEST(reset_debug_state)
{
    g->dbg.owner = 1;
    g->dbg.oslk = 0;
    g->dbg.bvr[0] = 0x1234;
    arch_vcpu_reset(av, pa_init(ARCH_PAGE));
    ck_assert_uint_eq(g->dbg.owner, 0);
    ck_assert_uint_eq(g->dbg.oslk, 1);
    ck_assert_uint_eq(g->dbg.bvr[0], 0);
}
END_TEST

START_TEST(fault_on_data_abort_is_external_abort_at_el1)
{
    uint64_t dfsc = ESR_DFSC_TRANSLATION_L3;
    exited(esr_of(ESR_EC_DABT_LOW, ESR_DABT_ISV | ESR_DABT_WNR | dfsc), 0x1234, PSTATE_EL1H);
    ck_assert_int_eq(resume(HV_VCPU_RESUME_FAULT, 0, 0, 0, 0, 0), HV_OK);
    /* Taken from EL1h: the current-EL data abort class, WnR kept, SP_ELx vector. */
    ck_assert_uint_eq(rd(HV_A64_ESR_EL1),
                      esr_of(ESR_EC_DABT_CUR, ESR_DABT_WNR | ESR_FSC_SYNC_EXTERNAL));
    ck_assert_uint_eq(rd(HV_A64_FAR_EL1), 0x1234);
    ck_assert_uint_eq(rd(HV_A64_ELR_EL1), GUEST_PC);
    ck_assert_uint_eq(rd(HV_A64_SPSR_EL1), PSTATE_EL1H);
    ck_assert_uint_eq(rd(HV_A64_PC), VBAR + 0x200);
    ck_assert_uint_eq(rd(HV_A64_PSTATE), HV_A64_PSTATE_EL1H_MASKED);
}
END_TEST

START_TEST(fault_vectors_follow_the_mode)
{
    /* From EL0: the lower-EL class and the lower-EL AArch64 vector. */
    exited(esr_of(ESR_EC_DABT_LOW, 0), 0x2000, PSTATE_EL0T | PSTATE_NZCV);
    ck_assert_int_eq(resume(HV_VCPU_RESUME_FAULT, 0, 0, 0, 0, 0), HV_OK);
    ck_assert_uint_eq(esr_ec(rd(HV_A64_ESR_EL1)), ESR_EC_DABT_LOW);
    ck_assert_uint_eq(rd(HV_A64_PC), VBAR + 0x400);
    ck_assert_uint_eq(rd(HV_A64_SPSR_EL1), PSTATE_EL0T | PSTATE_NZCV);
    /* From EL1t: the current-EL SP_EL0 vector; an instruction abort has no WnR. */
    exited(esr_of(ESR_EC_IABT_LOW, ESR_DABT_WNR), 0x3000, PSTATE_EL1T);
    ck_assert_int_eq(resume(HV_VCPU_RESUME_FAULT, 0, 0, 0, 0, 0), HV_OK);
    ck_assert_uint_eq(rd(HV_A64_ESR_EL1), esr_of(ESR_EC_IABT_CUR, ESR_FSC_SYNC_EXTERNAL));
    ck_assert_uint_eq(rd(HV_A64_FAR_EL1), 0x3000);
    ck_assert_uint_eq(rd(HV_A64_PC), VBAR + 0x000);
    /* Anything else (an HVC, a trapped MSR) is UNDEFINED, with no fault address. */
    exited(esr_of(ESR_EC_SYS64, 0), 0x4000, PSTATE_EL1H);
    ck_assert_int_eq(resume(HV_VCPU_RESUME_FAULT, 0, 0, 0, 0, 0), HV_OK);
    ck_assert_uint_eq(rd(HV_A64_ESR_EL1), esr_of(ESR_EC_UNKNOWN, 0));
    ck_assert_uint_eq(rd(HV_A64_FAR_EL1), 0);
    ck_assert_uint_eq(rd(HV_A64_PC), VBAR + 0x200);
    ck_assert_uint_eq(rd(HV_A64_PSTATE), HV_A64_PSTATE_EL1H_MASKED);
}
END_TEST

START_TEST(inject_checks_and_queue)
{
    snapshot();
    ck_assert_int_eq(arch_vcpu_inject(av, 1020, 0), HV_EINVAL);   /* a special INTID */
    ck_assert_int_eq(arch_vcpu_inject(av, 32, 0x100), HV_EINVAL); /* priority is 8 bits */
    assert_unchanged();
    ck_assert_int_eq(arch_vcpu_inject(av, 48, 0xa0), HV_OK);
    ck_assert_uint_eq(g->nqueue, 1);
    ck_assert_uint_eq(g->queue[0], 48 | 0xa0ull << 32);
    ck_assert(arch_vcpu_wake_pending(av));
    /* Pending twice is once. */
    ck_assert_int_eq(arch_vcpu_inject(av, 48, 0xa0), HV_OK);
    ck_assert_uint_eq(g->nqueue, 1);
    for (unsigned i = 1; i < VCPU_QUEUE; i++)
        ck_assert_int_eq(arch_vcpu_inject(av, 100 + i, 0), HV_OK);
    snapshot();
    ck_assert_int_eq(arch_vcpu_inject(av, 200, 0), HV_EBUSY);
    assert_unchanged();
}
END_TEST

START_TEST(list_registers_fill_from_the_queue)
{
    for (unsigned i = 0; i < VCPU_LRS + 1; i++)
        ck_assert_int_eq(arch_vcpu_inject(av, 40 + i, 0x80), HV_OK);
    ck_assert(vcpu_lr_refill(g)); /* one still waits */
    ck_assert_uint_eq(g->nqueue, 1);
    ck_assert_uint_eq(g->queue[0] & 0xffffffff, 40 + VCPU_LRS);
    ck_assert_uint_eq(g->lr[0], LR_PENDING | LR_GROUP1 | 0x80ull << 48 | 40);
    /* An interrupt already in a register, active in the guest, becomes pending as well. */
    g->lr[1] = (g->lr[1] & ~LR_PENDING) | LR_ACTIVE;
    ck_assert_int_eq(arch_vcpu_inject(av, 41, 0x80), HV_OK);
    ck_assert(vcpu_lr_refill(g));
    ck_assert_uint_eq(g->lr[1] & (LR_PENDING | LR_ACTIVE), LR_PENDING | LR_ACTIVE);
    /* The timer goes in with HW=1 once a register is free, its physical INTID alongside. */
    g->lr[2] = 0;
    ck_assert(vcpu_timer_fired(g, VCPU_TIMER_INTID));
    ck_assert_uint_eq(g->lr[2], LR_PENDING | LR_HW | LR_GROUP1 | 0x80ull << 48 |
                                    (uint64_t)VCPU_TIMER_INTID << 32 | VCPU_TIMER_INTID);
    ck_assert_uint_eq(vcpu_timer_active_bits(g), 1ull << VCPU_TIMER_INTID);
    ck_assert_uint_eq(g->timer_flags, 1ull << VCPU_TIMER_INTID);
    /* No register left for the physical timer: the caller queues it as a plain interrupt. */
    snapshot();
    ck_assert(!vcpu_timer_fired(g, VCPU_PTIMER_INTID));
    assert_unchanged();
}
END_TEST

START_TEST(virtual_timer_wakes_at_its_deadline)
{
    wr_ok(HV_A64_CNTV_CVAL, 5000);
    wr_ok(HV_A64_CNTV_CTL, 1); /* enabled, unmasked */
    ck_assert_uint_eq(arch_vcpu_wake_deadline(av), 5000);
    counter_now = 4999;
    ck_assert(!arch_vcpu_wake_pending(av));
    counter_now = 5000;
    ck_assert(arch_vcpu_wake_pending(av));
    wr_ok(HV_A64_CNTV_CTL, 3); /* masked: no deadline */
    ck_assert_uint_eq(arch_vcpu_wake_deadline(av), UINT64_MAX);
    ck_assert(!arch_vcpu_wake_pending(av));
    wr_ok(HV_A64_CNTV_CTL, 0); /* off */
    ck_assert_uint_eq(arch_vcpu_wake_deadline(av), UINT64_MAX);
}
END_TEST

START_TEST(physical_timer_registers_and_wake)
{
    /* Reset: unused (not switched), off, nothing masked, nothing asserted. */
    ck_assert_uint_eq(g->timer_flags, 0);
    ck_assert_uint_eq(rd(HV_A64_CNTP_CTL), 0);
    ck_assert_uint_eq(rd(HV_A64_TIMER_MASK), 0);
    ck_assert_uint_eq(rd(HV_A64_TIMER_LEVEL), 0);
    /* Writing zero changes nothing the entry must switch; a real value claims the timer. */
    wr_ok(HV_A64_CNTP_CVAL, 0);
    ck_assert_uint_eq(g->timer_flags & VCPU_TIMER_PTIMER, 0);
    wr_ok(HV_A64_CNTP_CVAL, 3000);
    ck_assert_uint_eq(g->timer_flags & VCPU_TIMER_PTIMER, VCPU_TIMER_PTIMER);
    wr_ok(HV_A64_CNTP_CTL, 1 | 4); /* ISTATUS is the hardware's: dropped */
    ck_assert_uint_eq(rd(HV_A64_CNTP_CTL), 1);
    wr_refused(HV_A64_CNTP_CTL, 8, HV_EINVAL);
    /* The earlier of the two timers wakes a guest in WFI. */
    wr_ok(HV_A64_CNTV_CVAL, 5000);
    wr_ok(HV_A64_CNTV_CTL, 1);
    ck_assert_uint_eq(arch_vcpu_wake_deadline(av), 3000);
    counter_now = 2999;
    ck_assert(!arch_vcpu_wake_pending(av));
    ck_assert_uint_eq(rd(HV_A64_TIMER_LEVEL), 0);
    counter_now = 3000;
    ck_assert(arch_vcpu_wake_pending(av));
    ck_assert_uint_eq(rd(HV_A64_TIMER_LEVEL), 1ull << VCPU_PTIMER_INTID);
    counter_now = 5000;
    ck_assert_uint_eq(rd(HV_A64_TIMER_LEVEL), HV_A64_TIMER_PPIS);
    wr_refused(HV_A64_TIMER_LEVEL, 0, HV_EINVAL); /* read-only */
    /* Numbers between the two blocks, and past the timer block, are no registers. */
    wr_refused(HV_A64_REG_COUNT + 1, 0, HV_ERANGE);
    wr_refused(HV_A64_CNTP_CTL - 1, 0, HV_ERANGE);
    wr_refused(HV_A64_TIMER_REG_END, 0, HV_ERANGE);
}
END_TEST

START_TEST(masked_timer_ppis_are_held_and_wake_nobody)
{
    wr_ok(HV_A64_CNTV_CVAL, 5000);
    wr_ok(HV_A64_CNTV_CTL, 1);
    wr_ok(HV_A64_CNTP_CVAL, 3000);
    wr_ok(HV_A64_CNTP_CTL, 1);
    wr_refused(HV_A64_TIMER_MASK, 1ull << 26, HV_EINVAL); /* only the timers' PPIs */
    /* The VMM's GIC masks the physical timer's PPI: only the virtual one wakes. */
    wr_ok(HV_A64_TIMER_MASK, 1ull << VCPU_PTIMER_INTID);
    ck_assert_uint_eq(arch_vcpu_wake_deadline(av), 5000);
    counter_now = 4000;
    ck_assert(!arch_vcpu_wake_pending(av));
    /* ... while its level still shows (the VMM's GICR_ISPENDR0 reads it). */
    ck_assert_uint_eq(rd(HV_A64_TIMER_LEVEL), 1ull << VCPU_PTIMER_INTID);
    /* Armed and masked: the next entry holds its PPI active, so it can't exit for nothing. */
    ck_assert_uint_eq(g->timer_flags & VCPU_TIMER_RECHECK, VCPU_TIMER_RECHECK);
    vcpu_timer_recheck(g);
    ck_assert_uint_eq(g->timer_flags, VCPU_TIMER_PTIMER | 1ull << VCPU_PTIMER_INTID);
    /* Both masked: nothing wakes the guest. */
    wr_ok(HV_A64_TIMER_MASK, HV_A64_TIMER_PPIS);
    ck_assert_uint_eq(arch_vcpu_wake_deadline(av), UINT64_MAX);
    counter_now = 6000;
    ck_assert(!arch_vcpu_wake_pending(av));
    vcpu_timer_recheck(g);
    ck_assert_uint_eq(g->timer_flags, VCPU_TIMER_PTIMER | HV_A64_TIMER_PPIS);
    /* A masked PPI that fires anyway (armed while the guest ran) is held, not delivered. */
    ck_assert(vcpu_timer_fired(g, VCPU_TIMER_INTID));
    for (unsigned i = 0; i < VCPU_LRS; i++)
        ck_assert_uint_eq(g->lr[i], 0);
    /* Unmasked: delivered again, nothing held; the timer turned off holds nothing either. */
    wr_ok(HV_A64_TIMER_MASK, 0);
    vcpu_timer_recheck(g);
    ck_assert_uint_eq(g->timer_flags, VCPU_TIMER_PTIMER);
    ck_assert(arch_vcpu_wake_pending(av));
    wr_ok(HV_A64_TIMER_MASK, HV_A64_TIMER_PPIS);
    wr_ok(HV_A64_CNTV_CTL, 3);
    wr_ok(HV_A64_CNTP_CTL, 0);
    vcpu_timer_recheck(g);
    ck_assert_uint_eq(g->timer_flags, VCPU_TIMER_PTIMER);
    /* Without a change, an entry keeps what it holds (a list register's timer, say). */
    g->timer_flags |= 1ull << VCPU_TIMER_INTID;
    vcpu_timer_recheck(g);
    ck_assert_uint_eq(g->timer_flags, VCPU_TIMER_PTIMER | 1ull << VCPU_TIMER_INTID);
}
END_TEST

/* ESR_EL2 of a trapped MRS/MSR (EC 0x18) of Op0 3, Op1 op1, CRn crn, CRm crm, Op2 op2. */
static uint64_t esr_sys(unsigned op1, unsigned crn, unsigned crm, unsigned op2, bool read)
{
    return (uint64_t)ESR_EC_SYS64 << ESR_EC_SHIFT | ESR_IL | 3u << ESR_SYS_OP0_SHIFT |
           op2 << ESR_SYS_OP2_SHIFT | op1 << ESR_SYS_OP1_SHIFT | crn << ESR_SYS_CRN_SHIFT |
           7u << ESR_SYS_RT_SHIFT | crm << ESR_SYS_CRM_SHIFT | (read ? ESR_SYS_READ : 0);
}

START_TEST(first_cntp_access_claims_the_physical_timer)
{
    /* Not the physical timer: CNTPCT_EL0 (CRm 0), CNTV_CTL_EL0 (CRm 3), a PMU register
     * (CRn 9), CNTP with Op2 3, and an HVC with the same ISS bits. */
    snapshot();
    ck_assert(!vcpu_ptimer_claim(g, esr_sys(3, 14, 0, 1, true)));
    ck_assert(!vcpu_ptimer_claim(g, esr_sys(3, 14, 3, 1, false)));
    ck_assert(!vcpu_ptimer_claim(g, esr_sys(3, 9, 12, 0, true)));
    ck_assert(!vcpu_ptimer_claim(g, esr_sys(3, 14, 2, 3, true)));
    ck_assert(!vcpu_ptimer_claim(g, esr_sys(0, 14, 2, 1, true)));
    uint64_t hvc = (esr_sys(3, 14, 2, 1, true) & ~((uint64_t)0x3f << ESR_EC_SHIFT)) |
                   (uint64_t)ESR_EC_HVC64 << ESR_EC_SHIFT;
    ck_assert(!vcpu_ptimer_claim(g, hvc));
    assert_unchanged();
    /* CNTP_TVAL_EL0 (Op2 0), CNTP_CTL_EL0 (1), CNTP_CVAL_EL0 (2), reads and writes. */
    for (unsigned op2 = 0; op2 < 3; op2++) {
        for (unsigned read = 0; read < 2; read++) {
            g->timer_flags = 0;
            ck_assert(vcpu_ptimer_claim(g, esr_sys(3, 14, 2, op2, read)));
            ck_assert_uint_eq(g->timer_flags, VCPU_TIMER_PTIMER);
        }
    }
    /* Once claimed, its accesses don't trap; if one did, the retry would never end. */
    ck_assert(!vcpu_ptimer_claim(g, esr_sys(3, 14, 2, 1, true)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aarch64_vcpu_state");
    TCase *tc = tcase_create("vcpu_state");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_state_is_el1h_masked_with_mmu_off);
    tcase_add_test(tc, pstate_only_el0t_el1t_el1h);
    tcase_add_test(tc, registers_and_their_words);
    tcase_add_test(tc, malformed_replies_change_nothing);
    tcase_add_test(tc, replies_set_and_advance);
    tcase_add_test(tc, advance_ends_a_software_step);
    tcase_add_test(tc, reset_debug_state);
    tcase_add_test(tc, fault_on_data_abort_is_external_abort_at_el1);
    tcase_add_test(tc, fault_vectors_follow_the_mode);
    tcase_add_test(tc, inject_checks_and_queue);
    tcase_add_test(tc, list_registers_fill_from_the_queue);
    tcase_add_test(tc, virtual_timer_wakes_at_its_deadline);
    tcase_add_test(tc, physical_timer_registers_and_wake);
    tcase_add_test(tc, masked_timer_ppis_are_held_and_wake_nobody);
    tcase_add_test(tc, first_cntp_access_claims_the_physical_timer);
    suite_add_tcase(s, tc);
    return check_run(s);
}
