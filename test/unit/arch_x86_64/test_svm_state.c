/* Unit tests for the SVM guest state behind vcpu_read/vcpu_write (svm_regs.c): the reset state,
 * the way from reset to long mode, and every value VMRUN would refuse being HV_EINVAL with
 * nothing changed. */
#include "svm.h"
#include "check_run.h"
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>
#include <stdlib.h>
#include <string.h>

/* What QEMU's qemu64 offers: CR4 VME..OSXMMEXCPT without TSD's dependants, 40 physical bits. */
static const struct svm_caps caps = {
    .cr4_allowed = 0x7ff,
    .efer_allowed = 0x1 | 0x100 | 0x800, /* SCE, LME, NXE */
    .pa_bits = 40,
    .tsc_hz = 1000000000,
};

static struct vmcb *vmcb;
static struct svm_vcpu *sv;
static struct vmcb *before;

static void setup(void)
{
    vmcb = aligned_alloc(4096, sizeof(*vmcb));
    before = malloc(sizeof(*before));
    sv = calloc(1, sizeof(struct arch_vcpu));
    ck_assert_ptr_nonnull(vmcb);
    memset(vmcb, 0, sizeof(*vmcb));
    svm_state_reset(sv, vmcb);
}

static void teardown(void)
{
    free(vmcb);
    free(before);
    free(sv);
}

static uint64_t rd(unsigned reg)
{
    uint64_t v = 0xdeadbeef;
    ck_assert_int_eq(svm_reg_read(sv, vmcb, &caps, reg, &v), HV_OK);
    return v;
}

static void wr_ok(unsigned reg, uint64_t val)
{
    ck_assert_int_eq(svm_reg_write(sv, vmcb, &caps, reg, val), HV_OK);
}

/* The write is refused with err and the VMCB is byte for byte what it was. */
static void wr_refused(unsigned reg, uint64_t val, int err)
{
    memcpy(before, vmcb, sizeof(*vmcb));
    ck_assert_int_eq(svm_reg_write(sv, vmcb, &caps, reg, val), err);
    ck_assert_int_eq(memcmp(before, vmcb, sizeof(*vmcb)), 0);
}

/* The state a 64-bit guest starts in (what test/qemu/ktest/vcpu_guest_setup_x86_64.c does
 * through vcpu_write). */
static void to_long_mode(void)
{
    wr_ok(HV_X86_EFER, 0x100 | 0x800); /* LME, NXE */
    wr_ok(HV_X86_CR4, 0x20);           /* PAE */
    wr_ok(HV_X86_CR3, 0x1000);
    wr_ok(HV_X86_CR0, 0x80000011);     /* PG, ET, PE */
    wr_ok(HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR), HV_X86_ATTR_CODE64);
}

START_TEST(reset_state_is_legal_and_architectural)
{
    ck_assert(svm_state_legal(vmcb, &caps));
    ck_assert_uint_eq(rd(HV_X86_RIP), 0xfff0);
    ck_assert_uint_eq(rd(HV_X86_SEG(HV_X86_CS, HV_X86_SEG_BASE)), 0xffff0000);
    ck_assert_uint_eq(rd(HV_X86_SEG(HV_X86_CS, HV_X86_SEG_SEL)), 0xf000);
    ck_assert_uint_eq(rd(HV_X86_CR0), 0x60000010);
    ck_assert_uint_eq(rd(HV_X86_RFLAGS), 2);
    ck_assert_uint_eq(rd(HV_X86_DR7), 0x400);
    ck_assert_uint_eq(rd(HV_X86_PAT), 0x0007040600070406ull);
    /* SVME is in the VMCB (VMRUN needs it) but no VMM sees it. */
    ck_assert_uint_eq(rd(HV_X86_EFER), 0);
    ck_assert_uint_eq(vmcb->save.efer, 1u << 12);
    /* FNINIT's control word and the reset MXCSR in the FXSAVE image. */
    const uint8_t *fx = svm_fxsave_area(sv);
    ck_assert_uint_eq((uintptr_t)fx % 16, 0);
    ck_assert_uint_eq(fx[0] | fx[1] << 8, 0x37f);
    ck_assert_uint_eq(fx[24] | fx[25] << 8, 0x1f80);
}
END_TEST

START_TEST(gprs_round_trip)
{
    for (unsigned r = 0; r < 16; r++)
        wr_ok(r, 0x1111111111111111ull * (r + 1));
    for (unsigned r = 0; r < 16; r++)
        ck_assert_uint_eq(rd(r), 0x1111111111111111ull * (r + 1));
    /* RAX and RSP live in the VMCB, where VMRUN takes them from. */
    ck_assert_uint_eq(vmcb->save.rax, 0x1111111111111111ull);
    ck_assert_uint_eq(vmcb->save.rsp, 0x5555555555555555ull);
}
END_TEST

START_TEST(long_mode_in_order_works)
{
    to_long_mode();
    ck_assert(svm_state_legal(vmcb, &caps));
    /* LMA is derived: LME and PG. */
    ck_assert_uint_eq(rd(HV_X86_EFER), 0x100 | 0x400 | 0x800);
    ck_assert_uint_eq(vmcb->save.cpl, 0);
    /* CS with L and D in long mode is illegal (APM 15.5.1). */
    wr_refused(HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR), HV_X86_ATTR_CODE64 | 0x400, HV_EINVAL);
    /* Leaving PAE with long paging on, too. */
    wr_refused(HV_X86_CR4, 0, HV_EINVAL);
    /* Writing back what was read (LMA included) is fine. */
    wr_ok(HV_X86_EFER, rd(HV_X86_EFER));
}
END_TEST

START_TEST(long_mode_out_of_order_is_refused)
{
    /* PG with LME before PAE: VMRUN would refuse it, so the write is. */
    wr_ok(HV_X86_EFER, 0x100);
    wr_refused(HV_X86_CR0, 0x80000011, HV_EINVAL);
    /* PG without PE, in any mode. */
    wr_refused(HV_X86_CR0, 0x80000010, HV_EINVAL);
}
END_TEST

START_TEST(control_register_rules)
{
    wr_refused(HV_X86_CR0, 1ull << 32, HV_EINVAL);      /* bits 63:32 */
    wr_refused(HV_X86_CR0, 0x20000011, HV_EINVAL);      /* NW without CD */
    wr_refused(HV_X86_CR3, 1ull << 40, HV_EINVAL);      /* above MAXPHYADDR */
    wr_ok(HV_X86_CR3, (1ull << 40) - 4096);
    wr_refused(HV_X86_CR4, 1u << 13, HV_EINVAL);        /* VMXE: QEMU 7.2's reserved-bit bug */
    wr_refused(HV_X86_CR4, 1u << 18, HV_EINVAL);        /* OSXSAVE: not in caps */
    wr_ok(HV_X86_CR4, 0x600);                           /* OSFXSR | OSXMMEXCPT */
    wr_refused(HV_X86_EFER, 1u << 12, HV_EINVAL);       /* SVME is the kernel's */
    wr_refused(HV_X86_EFER, 1u << 14, HV_EINVAL);       /* FFXSR: not offered */
    wr_refused(HV_X86_DR6, 1ull << 32, HV_EINVAL);
    wr_refused(HV_X86_DR7, 1ull << 40, HV_EINVAL);
    wr_refused(HV_X86_PAT, 0x0007040600070402ull, HV_EINVAL); /* type 2 is reserved */
    wr_refused(HV_X86_PAT, 0x0807040600070406ull, HV_EINVAL);
    wr_ok(HV_X86_PAT, 0x0000000000000000ull);
    wr_ok(HV_X86_CR2, 0xffffffffffffffffull);           /* anything */
}
END_TEST

START_TEST(rflags_and_rip_rules)
{
    wr_refused(HV_X86_RFLAGS, 0, HV_EINVAL);            /* bit 1 is always 1 */
    wr_refused(HV_X86_RFLAGS, 0x2 | 0x8, HV_EINVAL);    /* bit 3 reserved */
    wr_refused(HV_X86_RFLAGS, 0x2 | 1ull << 22, HV_EINVAL);
    wr_ok(HV_X86_RFLAGS, 0x2 | 0x200 | 0x3000);         /* IF, IOPL 3: the guest's business */
    wr_refused(HV_X86_RIP, 0x0000800000000000ull, HV_EINVAL);
    wr_ok(HV_X86_RIP, 0xffff800000000000ull);
}
END_TEST

START_TEST(segment_rules)
{
    wr_refused(HV_X86_SEG(HV_X86_DS, HV_X86_SEG_SEL), 0x10000, HV_EINVAL);
    wr_refused(HV_X86_SEG(HV_X86_DS, HV_X86_SEG_ATTR), 0x1093, HV_EINVAL);
    wr_refused(HV_X86_SEG(HV_X86_DS, HV_X86_SEG_LIMIT), 1ull << 32, HV_EINVAL);
    wr_refused(HV_X86_SEG(HV_X86_FS, HV_X86_SEG_BASE), 0x0000800000000000ull, HV_EINVAL);
    wr_refused(HV_X86_GDTR_LIMIT, 0x10000, HV_EINVAL);
    wr_refused(HV_X86_IDTR_BASE, 0x1234000000000000ull, HV_EINVAL);
    wr_ok(HV_X86_SEG(HV_X86_TR, HV_X86_SEG_ATTR), HV_X86_ATTR_TSS64);
    wr_ok(HV_X86_SEG(HV_X86_GS, HV_X86_SEG_BASE), 0xffff888000000000ull);
    ck_assert_uint_eq(rd(HV_X86_SEG(HV_X86_GS, HV_X86_SEG_BASE)), 0xffff888000000000ull);
    wr_ok(HV_X86_GDTR_LIMIT, 0xffff);
    ck_assert_uint_eq(rd(HV_X86_GDTR_LIMIT), 0xffff);
}
END_TEST

START_TEST(cpl_follows_ss_in_protected_mode)
{
    wr_ok(HV_X86_CR0, 0x11); /* PE */
    wr_ok(HV_X86_SEG(HV_X86_SS, HV_X86_SEG_ATTR), 0xcf3); /* DPL 3 */
    ck_assert_uint_eq(vmcb->save.cpl, 3);
    wr_ok(HV_X86_CR0, 0x10); /* back to real mode: CPL 0 */
    ck_assert_uint_eq(vmcb->save.cpl, 0);
}
END_TEST

START_TEST(unknown_and_read_only_registers)
{
    uint64_t v;
    const unsigned unknown[] = {26, 31, 68, 71, 81, 95, HV_X86_REG_COUNT, 1000, 0xfffe};
    for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        ck_assert_int_eq(svm_reg_read(sv, vmcb, &caps, unknown[i], &v), HV_ERANGE);
        wr_refused(unknown[i], 0, HV_ERANGE);
    }
    ck_assert_uint_eq(rd(HV_X86_TSC_HZ), 1000000000);
    wr_refused(HV_X86_TSC_HZ, 5, HV_EINVAL);
}
END_TEST

START_TEST(timer_registers)
{
    wr_refused(HV_X86_TIMER_DEADLINE, 1000, HV_EINVAL); /* no vector yet */
    wr_refused(HV_X86_TIMER_VECTOR, 31, HV_EINVAL);
    wr_refused(HV_X86_TIMER_VECTOR, 256, HV_EINVAL);
    wr_ok(HV_X86_TIMER_VECTOR, 0xec);
    wr_ok(HV_X86_TIMER_DEADLINE, 1000);
    ck_assert_uint_eq(rd(HV_X86_TIMER_DEADLINE), 1000);
    ck_assert_uint_eq(rd(HV_X86_TIMER_VECTOR), 0xec);
    wr_ok(HV_X86_TIMER_DEADLINE, 0);
}
END_TEST

/* HV_X86_INTR_PENDING: the pending set by words of 64 vectors, plus an interrupt whose delivery
 * an exit cut short; read-only. */
START_TEST(pending_interrupt_registers)
{
    sv->intr_pending[0] = 1ull << 40;  /* vector 40 */
    sv->intr_pending[3] = 1ull << 63;  /* vector 255 */
    sv->next_event = VMCB_EVENT_VALID | VMCB_EVENT_INTR | 0x81;
    ck_assert_uint_eq(rd(HV_X86_INTR_PENDING + 0), 1ull << 40);
    ck_assert_uint_eq(rd(HV_X86_INTR_PENDING + 1), 0);
    ck_assert_uint_eq(rd(HV_X86_INTR_PENDING + 2), 1ull << 1);
    ck_assert_uint_eq(rd(HV_X86_INTR_PENDING + 3), 1ull << 63);
    /* An exception being re-delivered is not an external interrupt. */
    sv->next_event = VMCB_EVENT_VALID | VMCB_EVENT_EXCEPTION | 0x0e;
    ck_assert_uint_eq(rd(HV_X86_INTR_PENDING + 0), 1ull << 40);
    for (unsigned n = 0; n < 4; n++)
        wr_refused(HV_X86_INTR_PENDING + n, 0, HV_EINVAL);
    ck_assert_uint_eq(sv->intr_pending[0], 1ull << 40);
}
END_TEST

START_TEST(interrupt_shadow_register)
{
    wr_ok(HV_X86_INTR_SHADOW, 1);
    ck_assert_uint_eq(rd(HV_X86_INTR_SHADOW), 1);
    wr_refused(HV_X86_INTR_SHADOW, 2, HV_EINVAL);
}
END_TEST

/* A guest's RDMSR/WRMSR of ECX = msr with EDX:EAX = val, answered by svm_msr_access. */
static enum svm_msr_result guest_msr(uint32_t msr, bool write, uint64_t val)
{
    sv->gpr[HV_X86_RCX] = 0xabcd00000000ull | msr; /* RCX's upper half is ignored */
    sv->gpr[HV_X86_RDX] = val >> 32;
    vmcb->save.rax = 0x1234567800000000ull | (val & 0xffffffffu);
    return svm_msr_access(sv, vmcb, &caps, write);
}

START_TEST(efer_msr_in_the_kernel)
{
    uint64_t rip = vmcb->save.rip;
    /* Reading shows no SVME, and clears the upper halves of RAX and RDX. */
    ck_assert_int_eq(guest_msr(0xc0000080, false, 0), SVM_MSR_DONE);
    ck_assert_uint_eq(vmcb->save.rax, 0);
    ck_assert_uint_eq(sv->gpr[HV_X86_RDX], 0);
    ck_assert_uint_eq(vmcb->save.rip, rip + 2);
    to_long_mode();
    ck_assert_int_eq(guest_msr(0xc0000080, false, 0), SVM_MSR_DONE);
    ck_assert_uint_eq(vmcb->save.rax, 0x100 | 0x400 | 0x800); /* LME, LMA, NXE */
    /* Linux's read-modify-write: SCE added, LMA written back as read. */
    ck_assert_int_eq(guest_msr(0xc0000080, true, 0xd01), SVM_MSR_DONE);
    ck_assert_uint_eq(rd(HV_X86_EFER), 0xd01);
    ck_assert(vmcb->save.efer & EFER_SVME);
    /* #GP, nothing changed: SVME (SVM is hidden), a reserved bit, LME off with paging on. */
    const uint64_t bad[] = {0xd01 | EFER_SVME, 0xd01 | 1ull << 20, 0xd01ull << 32 | 0xd01, 0x801};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(before, vmcb, sizeof(*vmcb));
        ck_assert_int_eq(guest_msr(0xc0000080, true, bad[i]), SVM_MSR_GP);
        vmcb->save.rax = before->save.rax;
        ck_assert_int_eq(memcmp(before, vmcb, sizeof(*vmcb)), 0);
    }
}
END_TEST

START_TEST(efer_msr_lme_before_paging)
{
    /* The 32-bit way into long mode: PAE, then LME by WRMSR, then CR0.PG (vcpu_write here). */
    wr_ok(HV_X86_CR0, 0x11);
    wr_ok(HV_X86_CR4, 0x20);
    ck_assert_int_eq(guest_msr(0xc0000080, true, 0x100), SVM_MSR_DONE);
    wr_ok(HV_X86_CR0, 0x80000011);
    ck_assert_uint_eq(rd(HV_X86_EFER), 0x500);
    /* LME with paging on but no PAE is refused by the state rules: #GP. */
    teardown();
    setup();
    wr_ok(HV_X86_CR0, 0x80000011);
    ck_assert_int_eq(guest_msr(0xc0000080, true, 0x100), SVM_MSR_GP);
}
END_TEST

START_TEST(pat_msr_in_the_kernel)
{
    ck_assert_int_eq(guest_msr(0x277, false, 0), SVM_MSR_DONE);
    ck_assert_uint_eq(vmcb->save.rax, 0x00070406);
    ck_assert_uint_eq(sv->gpr[HV_X86_RDX], 0x00070406);
    ck_assert_int_eq(guest_msr(0x277, true, 0x0007010600070406ull), SVM_MSR_DONE); /* WC */
    ck_assert_uint_eq(vmcb->save.g_pat, 0x0007010600070406ull);
    uint64_t rip = vmcb->save.rip;
    ck_assert_int_eq(guest_msr(0x277, true, 0x0007020600070406ull), SVM_MSR_GP); /* type 2 */
    ck_assert_uint_eq(vmcb->save.g_pat, 0x0007010600070406ull);
    ck_assert_uint_eq(vmcb->save.rip, rip);
    /* Anything else is the VMM's, untouched. */
    memcpy(before, vmcb, sizeof(*vmcb));
    ck_assert_int_eq(guest_msr(0x1b, true, 5), SVM_MSR_NOT_KERNEL);
    vmcb->save.rax = before->save.rax;
    ck_assert_int_eq(memcmp(before, vmcb, sizeof(*vmcb)), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x86_64 SVM guest state");
    TCase *tc = tcase_create("regs");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_state_is_legal_and_architectural);
    tcase_add_test(tc, gprs_round_trip);
    tcase_add_test(tc, long_mode_in_order_works);
    tcase_add_test(tc, long_mode_out_of_order_is_refused);
    tcase_add_test(tc, control_register_rules);
    tcase_add_test(tc, rflags_and_rip_rules);
    tcase_add_test(tc, segment_rules);
    tcase_add_test(tc, cpl_follows_ss_in_protected_mode);
    tcase_add_test(tc, unknown_and_read_only_registers);
    tcase_add_test(tc, timer_registers);
    tcase_add_test(tc, interrupt_shadow_register);
    tcase_add_test(tc, pending_interrupt_registers);
    tcase_add_test(tc, efer_msr_in_the_kernel);
    tcase_add_test(tc, efer_msr_lme_before_paging);
    tcase_add_test(tc, pat_msr_in_the_kernel);
    suite_add_tcase(s, tc);

    return check_run(s);
}
