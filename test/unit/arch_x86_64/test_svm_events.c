/* Unit tests for SVM event handling (svm_events.c): vcpu_inject's checks, which event the
 * next VMRUN delivers and when an interrupt waits for a window, re-delivery after an exit, and
 * the VMM's replies (hv/abi/vcpu.h) applied whole or refused with nothing changed. */
#include "svm.h"
#include "check_run.h"
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>
#include <stdlib.h>
#include <string.h>

#define VALID (1ull << 31)
#define EV (1ull << 11)
#define T_INTR (0ull << 8)
#define T_NMI (2ull << 8)
#define T_EXC (3ull << 8)
#define T_SOFT (4ull << 8)
#define IF (1ull << 9)
#define I1_VINTR (1u << 4)
#define I1_IRET (1u << 20)
#define V_IRQ (1ull << 8)

static const struct svm_caps caps = {
    .cr4_allowed = 0x7ff, .efer_allowed = 0x901, .pa_bits = 40, .tsc_hz = 1000000000};

static struct vmcb *vmcb, *vmcb_before;
static struct svm_vcpu *sv, *sv_before;

static void setup(void)
{
    vmcb = aligned_alloc(4096, sizeof(*vmcb));
    vmcb_before = malloc(sizeof(*vmcb));
    sv = calloc(1, sizeof(struct arch_vcpu));
    sv_before = calloc(1, sizeof(struct arch_vcpu));
    memset(vmcb, 0, sizeof(*vmcb));
    svm_state_reset(sv, vmcb);
}

static void teardown(void)
{
    free(vmcb);
    free(vmcb_before);
    free(sv);
    free(sv_before);
}

static void snapshot(void)
{
    memcpy(vmcb_before, vmcb, sizeof(*vmcb));
    memcpy(sv_before, sv, sizeof(struct arch_vcpu));
}

static void assert_unchanged(void)
{
    ck_assert_int_eq(memcmp(vmcb_before, vmcb, sizeof(*vmcb)), 0);
    ck_assert_int_eq(memcmp(sv_before, sv, sizeof(struct arch_vcpu)), 0);
}

/* The EVENTINJ the next entry carries. */
static uint64_t enter(void)
{
    svm_events_enter(sv, vmcb);
    return vmcb->control.event_inj;
}

START_TEST(inject_checks)
{
    snapshot();
    ck_assert_int_eq(svm_inject(sv, 31, HV_X86_INJECT_INTR), HV_EINVAL);
    ck_assert_int_eq(svm_inject(sv, 256, HV_X86_INJECT_INTR), HV_EINVAL);
    ck_assert_int_eq(svm_inject(sv, 40, HV_X86_INJECT_INTR | HV_X86_INJECT_ERROR(1)), HV_EINVAL);
    ck_assert_int_eq(svm_inject(sv, 3, HV_X86_INJECT_NMI), HV_EINVAL);
    ck_assert_int_eq(svm_inject(sv, 2, HV_X86_INJECT_EXCEPTION), HV_EINVAL);  /* NMI */
    ck_assert_int_eq(svm_inject(sv, 15, HV_X86_INJECT_EXCEPTION), HV_EINVAL); /* reserved */
    ck_assert_int_eq(svm_inject(sv, 32, HV_X86_INJECT_EXCEPTION), HV_EINVAL);
    ck_assert_int_eq(svm_inject(sv, 6, HV_X86_INJECT_EXCEPTION | HV_X86_INJECT_ERROR(4)),
                     HV_EINVAL); /* #UD has no error code */
    ck_assert_int_eq(svm_inject(sv, 40, 3), HV_EINVAL);
    ck_assert_int_eq(svm_inject(sv, 40, 1ull << 16), HV_EINVAL);
    assert_unchanged();
}
END_TEST

START_TEST(interrupt_waits_for_a_window)
{
    ck_assert_int_eq(svm_inject(sv, 0x30, HV_X86_INJECT_INTR), HV_OK);
    ck_assert_int_eq(svm_inject(sv, 0x30, HV_X86_INJECT_INTR), HV_OK); /* a set: no-op */
    ck_assert(!svm_wake_pending(sv, vmcb));                            /* IF=0 */
    /* IF=0: nothing injected, a virtual interrupt asks for the window. */
    ck_assert_uint_eq(enter(), 0);
    ck_assert(vmcb->control.int_ctl & V_IRQ);
    ck_assert(vmcb->control.intercept_misc1 & I1_VINTR);
    /* IF=1 but in a shadow: still waiting. */
    vmcb->save.rflags |= IF;
    vmcb->control.int_state = 1;
    ck_assert_uint_eq(enter(), 0);
    /* Window open: injected, once. */
    vmcb->control.int_state = 0;
    ck_assert(svm_wake_pending(sv, vmcb));
    ck_assert_uint_eq(enter(), VALID | T_INTR | 0x30);
    ck_assert(!(vmcb->control.int_ctl & V_IRQ));
    ck_assert(!(vmcb->control.intercept_misc1 & I1_VINTR));
    ck_assert_uint_eq(enter(), 0);
}
END_TEST

/* svm_events_enter says true exactly for the entries that set V_IRQ: x86_vcpu_run then makes
 * the host LAPIC re-raise what it holds after the exit, since QEMU's VMRUN can lose the
 * request of a host interrupt arriving while it sets V_IRQ (docs/vcpu.md, x86_64). An entry
 * that needs no window never pays for the resync. */
START_TEST(window_entries_ask_for_a_host_apic_resync)
{
    /* Nothing pending: no window, no resync. */
    ck_assert(!svm_events_enter(sv, vmcb));
    ck_assert(!(vmcb->control.int_ctl & V_IRQ));
    /* IF=0 and an interrupt pending: V_IRQ, and a resync after the exit. */
    svm_inject(sv, 0x30, HV_X86_INJECT_INTR);
    ck_assert(svm_events_enter(sv, vmcb));
    ck_assert(vmcb->control.int_ctl & V_IRQ);
    ck_assert(svm_events_enter(sv, vmcb)); /* every such entry, not only the first */
    /* Window open and one interrupt: injected by EVENTINJ, no V_IRQ, no resync. */
    vmcb->save.rflags |= IF;
    ck_assert(!svm_events_enter(sv, vmcb));
    ck_assert_uint_eq(vmcb->control.event_inj, VALID | T_INTR | 0x30);
    ck_assert(!(vmcb->control.int_ctl & V_IRQ));
    /* Two pending with the window open: one injected, the other waits with V_IRQ. */
    svm_inject(sv, 0x31, HV_X86_INJECT_INTR);
    svm_inject(sv, 0x32, HV_X86_INJECT_INTR);
    ck_assert(svm_events_enter(sv, vmcb));
    ck_assert_uint_eq(vmcb->control.event_inj, VALID | T_INTR | 0x32);
    ck_assert(vmcb->control.int_ctl & V_IRQ);
    /* An NMI or exception goes first, and the pending interrupt still asks for its window. */
    ck_assert_int_eq(svm_inject(sv, 6, HV_X86_INJECT_EXCEPTION), HV_OK);
    ck_assert(svm_events_enter(sv, vmcb));
    ck_assert_uint_eq(vmcb->control.event_inj, VALID | T_EXC | 6);
    ck_assert(!svm_events_enter(sv, vmcb)); /* 0x31 injected now, nothing left */
    ck_assert_uint_eq(vmcb->control.event_inj, VALID | T_INTR | 0x31);
}
END_TEST

START_TEST(highest_vector_first)
{
    vmcb->save.rflags |= IF;
    svm_inject(sv, 0x31, HV_X86_INJECT_INTR);
    svm_inject(sv, 0xef, HV_X86_INJECT_INTR);
    svm_inject(sv, 0x80, HV_X86_INJECT_INTR);
    ck_assert_uint_eq(enter(), VALID | 0xef);
    ck_assert(vmcb->control.int_ctl & V_IRQ); /* the rest wait for the next window */
    ck_assert_uint_eq(enter(), VALID | 0x80);
    ck_assert_uint_eq(enter(), VALID | 0x31);
}
END_TEST

START_TEST(exceptions)
{
    ck_assert_int_eq(svm_inject(sv, 14, HV_X86_INJECT_EXCEPTION | HV_X86_INJECT_ERROR(6)), HV_OK);
    ck_assert_int_eq(svm_inject(sv, 14, HV_X86_INJECT_EXCEPTION | HV_X86_INJECT_ERROR(6)), HV_OK);
    ck_assert_int_eq(svm_inject(sv, 13, HV_X86_INJECT_EXCEPTION), HV_EBUSY);
    ck_assert(svm_wake_pending(sv, vmcb));
    /* Delivered whatever IF says, with its error code. */
    ck_assert_uint_eq(enter(), VALID | T_EXC | EV | 14 | 6ull << 32);
    ck_assert_int_eq(svm_inject(sv, 6, HV_X86_INJECT_EXCEPTION), HV_OK);
    ck_assert_uint_eq(enter(), VALID | T_EXC | 6);
}
END_TEST

START_TEST(nmi_once_until_iret)
{
    ck_assert_int_eq(svm_inject(sv, 2, HV_X86_INJECT_NMI), HV_OK);
    ck_assert(svm_wake_pending(sv, vmcb));
    ck_assert_uint_eq(enter(), VALID | T_NMI | 2);
    ck_assert(vmcb->control.intercept_misc1 & I1_IRET);
    svm_inject(sv, 2, HV_X86_INJECT_NMI);
    ck_assert_uint_eq(enter(), 0); /* blocked until the handler's IRET */
    /* The IRET intercept: still blocked at the IRET itself (NMI-X2), and the intercept is
     * off so that the IRET runs. */
    vmcb->save.rip = 0x1234;
    svm_nmi_iret(sv, vmcb);
    ck_assert(!svm_wake_pending(sv, vmcb));
    ck_assert_uint_eq(enter(), 0);
    ck_assert(!(vmcb->control.intercept_misc1 & I1_IRET));
    /* The next exit finds the guest past the IRET: the waiting NMI goes in, blocked again. */
    vmcb->save.rip = 0x5678;
    ck_assert(svm_wake_pending(sv, vmcb));
    ck_assert_uint_eq(enter(), VALID | T_NMI | 2);
    ck_assert(vmcb->control.intercept_misc1 & I1_IRET);
    ck_assert(!sv->nmi_iret);
}
END_TEST

START_TEST(interrupted_delivery_is_redone_first)
{
    /* An NPF while the CPU pushed interrupt 0x41's frame: it is delivered again, even with
     * IF=0 now (the CPU had accepted it) and before a newer pending one. */
    svm_inject(sv, 0x90, HV_X86_INJECT_INTR);
    vmcb->control.exit_int_info = VALID | T_INTR | 0x41;
    svm_events_exit(sv, vmcb);
    ck_assert_uint_eq(enter(), VALID | T_INTR | 0x41);
    /* A software interrupt is raised again by its instruction: not re-injected. */
    vmcb->control.exit_int_info = VALID | T_SOFT | 0x80;
    svm_events_exit(sv, vmcb);
    ck_assert_uint_eq(sv->next_event, 0);
}
END_TEST

START_TEST(fault_over_interrupted_interrupt_keeps_it)
{
    vmcb->control.exit_int_info = VALID | T_INTR | 0x41;
    svm_events_exit(sv, vmcb);
    svm_raise(sv, 13, 0);
    vmcb->save.rflags |= IF;
    ck_assert_uint_eq(enter(), VALID | T_EXC | EV | 13);
    ck_assert_uint_eq(enter(), VALID | T_INTR | 0x41);
}
END_TEST

START_TEST(resume_empty_and_malformed)
{
    uint64_t w[6] = {0};
    vmcb->control.exit_code = SVM_EXIT_CPUID;
    snapshot();
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 0), HV_OK);
    assert_unchanged();
    w[0] = 1u << 4; /* unknown flag */
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 1), HV_EINVAL);
    w[0] = HV_VCPU_RESUME_ADVANCE | HV_VCPU_RESUME_FAULT;
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 1), HV_EINVAL);
    w[0] = HV_VCPU_RESUME_ADVANCE, w[1] = 16; /* longer than any instruction */
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 2), HV_EINVAL);
    w[0] = HV_VCPU_RESUME_FAULT, w[1] = 13 | 1ull << 9; /* bit 8 missing, bit 9 set */
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 2), HV_EINVAL);
    w[1] = HV_VCPU_FAULT_VECTOR(6, 1); /* #UD has no error code */
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 2), HV_EINVAL);
    /* SET_A fine, SET_B refused (CR4.VMXE): SET_A is taken back. */
    w[0] = HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B | HV_VCPU_RESUME_ADVANCE;
    w[1] = 0, w[2] = HV_X86_RBX, w[3] = 77, w[4] = HV_X86_CR4, w[5] = 1u << 13;
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 6), HV_EINVAL);
    w[0] = HV_VCPU_RESUME_SET_A, w[2] = HV_X86_REG_COUNT; /* no such register */
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 6), HV_EINVAL);
    assert_unchanged();
    /* ADVANCE with no length after an exit whose length the kernel can't know (NPF). */
    vmcb->control.exit_code = SVM_EXIT_NPF;
    snapshot();
    w[0] = HV_VCPU_RESUME_ADVANCE, w[1] = 0;
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 2), HV_EINVAL);
    assert_unchanged();
}
END_TEST

START_TEST(resume_sets_and_advances)
{
    uint64_t w[6] = {HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B | HV_VCPU_RESUME_ADVANCE, 0,
                     HV_X86_RAX, 0x1234, HV_X86_RBX, 0x5678};
    vmcb->save.rip = 0x1000;
    vmcb->control.exit_code = SVM_EXIT_CPUID;
    vmcb->control.int_state = 1;
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 6), HV_OK);
    ck_assert_uint_eq(vmcb->save.rax, 0x1234);
    ck_assert_uint_eq(sv->gpr[HV_X86_RBX], 0x5678);
    ck_assert_uint_eq(vmcb->save.rip, 0x1002);
    ck_assert_uint_eq(vmcb->control.int_state, 0);
    /* IOIO: EXITINFO2 is the next RIP. */
    vmcb->control.exit_code = SVM_EXIT_IOIO;
    vmcb->control.exit_info2 = 0x1003;
    ck_assert_uint_eq(svm_exit_insn_len(vmcb), 1);
    uint64_t adv[2] = {HV_VCPU_RESUME_ADVANCE, 0};
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, adv, 2), HV_OK);
    ck_assert_uint_eq(vmcb->save.rip, 0x1003);
    /* An explicit length after an MMIO exit. */
    vmcb->control.exit_code = SVM_EXIT_NPF;
    adv[1] = 7;
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, adv, 2), HV_OK);
    ck_assert_uint_eq(vmcb->save.rip, 0x100a);
}
END_TEST

START_TEST(resume_fault)
{
    uint64_t w[2] = {HV_VCPU_RESUME_FAULT, 0};
    vmcb->save.rip = 0x2000;
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 2), HV_OK);
    ck_assert_uint_eq(vmcb->save.rip, 0x2000); /* a fault leaves RIP at the instruction */
    ck_assert_uint_eq(enter(), VALID | T_EXC | EV | 13);
    w[1] = HV_VCPU_FAULT_VECTOR(14, 0x15);
    ck_assert_int_eq(svm_resume(sv, vmcb, &caps, w, 2), HV_OK);
    ck_assert_uint_eq(enter(), VALID | T_EXC | EV | 14 | 0x15ull << 32);
}
END_TEST

START_TEST(known_instruction_lengths)
{
    const struct {
        uint64_t code;
        unsigned len;
    } cases[] = {{SVM_EXIT_VMMCALL, 3}, {SVM_EXIT_CPUID, 2}, {SVM_EXIT_MSR, 2},
                 {SVM_EXIT_HLT, 1},     {SVM_EXIT_NPF, 0},   {SVM_EXIT_SHUTDOWN, 0}};
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmcb->control.exit_code = cases[i].code;
        ck_assert_uint_eq(svm_exit_insn_len(vmcb), cases[i].len);
    }
    /* An IOIO exit whose EXITINFO2 is not just after RIP is not trusted. */
    vmcb->control.exit_code = SVM_EXIT_IOIO;
    vmcb->save.rip = 0x1000;
    vmcb->control.exit_info2 = 0x1000;
    ck_assert_uint_eq(svm_exit_insn_len(vmcb), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x86_64 SVM events");
    TCase *tc = tcase_create("events");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, inject_checks);
    tcase_add_test(tc, interrupt_waits_for_a_window);
    tcase_add_test(tc, window_entries_ask_for_a_host_apic_resync);
    tcase_add_test(tc, highest_vector_first);
    tcase_add_test(tc, exceptions);
    tcase_add_test(tc, nmi_once_until_iret);
    tcase_add_test(tc, interrupted_delivery_is_redone_first);
    tcase_add_test(tc, fault_over_interrupted_interrupt_keeps_it);
    tcase_add_test(tc, resume_empty_and_malformed);
    tcase_add_test(tc, resume_sets_and_advances);
    tcase_add_test(tc, resume_fault);
    tcase_add_test(tc, known_instruction_lengths);
    suite_add_tcase(s, tc);

    return check_run(s);
}
