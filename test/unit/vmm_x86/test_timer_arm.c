/* How the VMM arms the kernel's per-vcpu timer (HV_X86_TIMER_VECTOR, HV_X86_TIMER_DEADLINE):
 * the kernel never holds an armed deadline next to a vector it was not armed with, and a
 * re-arm with the same vector is one write. */
#include "check_run.h"
#include "x86_64/exit/msr.h"
#include "x86_64/x86_platform.h"
#include "x86_fixture.h"

/* Replays the writes since `from`: a VECTOR write while the deadline the kernel holds is
 * nonzero would let that deadline fire the new vector. */
static void assert_no_vector_under_a_deadline(unsigned from)
{
    uint64_t deadline = 0;
    for (unsigned i = 0; i < from && i < FX_MAX_WRITES; i++)
        if (fx.write_reg[i] == HV_X86_TIMER_DEADLINE)
            deadline = fx.write_val[i];
    for (unsigned i = from; i < fx.nwrites && i < FX_MAX_WRITES; i++) {
        if (fx.write_reg[i] == HV_X86_TIMER_DEADLINE)
            deadline = fx.write_val[i];
        else if (fx.write_reg[i] == HV_X86_TIMER_VECTOR)
            ck_assert_msg(deadline == 0, "write %u: vector 0x%lx under deadline %lu", i,
                          (unsigned long)fx.write_val[i], (unsigned long)deadline);
    }
}

static unsigned timer_writes_since(unsigned from)
{
    unsigned n = 0;
    for (unsigned i = from; i < fx.nwrites && i < FX_MAX_WRITES; i++)
        n += fx.write_reg[i] == HV_X86_TIMER_DEADLINE || fx.write_reg[i] == HV_X86_TIMER_VECTOR;
    return n;
}

/* The LAPIC timer (TSC-deadline mode, 0xec), then the PIT through IOAPIC pin 2 (0x30), sooner:
 * the vector changes while a deadline is armed. */
START_TEST(a_new_vector_goes_in_disarmed)
{
    ck_assert(fx_wrmsr(0x80f, 0x1ff));
    ck_assert(fx_wrmsr(0x832, (2u << 17) | 0xec));
    ck_assert(fx_wrmsr(MSR_IA32_TSC_DEADLINE, 50000000)); /* 50 ms */
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_VECTOR], 0xec);
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_DEADLINE], 50000000);
    unsigned from = fx.nwrites;
    ck_assert(ioapic_mmio_write(&fxv.pf.ioapic, 0, 4, 0x14));
    ck_assert(ioapic_mmio_write(&fxv.pf.ioapic, 0x10, 4, 0x30));
    fx_out(0x43, 1, 0x34);
    fx_out(0x40, 1, 0x9c);
    fx_out(0x40, 1, 0x2e); /* 11932: 10 ms */
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_VECTOR], 0x30);
    ck_assert_uint_lt(fx.regs[HV_X86_TIMER_DEADLINE], 50000000);
    assert_no_vector_under_a_deadline(0);
    ck_assert_uint_gt(timer_writes_since(from), 0);
}
END_TEST

/* A new TSC deadline with the same vector: one write, the deadline. */
START_TEST(same_vector_is_one_write)
{
    ck_assert(fx_wrmsr(0x80f, 0x1ff));
    ck_assert(fx_wrmsr(0x832, (2u << 17) | 0xec));
    ck_assert(fx_wrmsr(MSR_IA32_TSC_DEADLINE, 5000000));
    unsigned from = fx.nwrites;
    ck_assert(fx_wrmsr(MSR_IA32_TSC_DEADLINE, 7000000));
    ck_assert_uint_eq(timer_writes_since(from), 1);
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_DEADLINE], 7000000);
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_VECTOR], 0xec);
    assert_no_vector_under_a_deadline(0);
}
END_TEST

/* The kernel forgot the vector (its vcpu was reset): the refused deadline makes the VMM write
 * the vector again instead of leaving the timer unarmed. */
START_TEST(a_forgotten_vector_is_written_again)
{
    ck_assert(fx_wrmsr(0x80f, 0x1ff));
    ck_assert(fx_wrmsr(0x832, (2u << 17) | 0xec));
    ck_assert(fx_wrmsr(MSR_IA32_TSC_DEADLINE, 5000000));
    fx.regs[HV_X86_TIMER_VECTOR] = 0;
    fx.regs[HV_X86_TIMER_DEADLINE] = 0;
    fx.refuse_deadline_without_vector = true;
    ck_assert(fx_wrmsr(MSR_IA32_TSC_DEADLINE, 6000000));
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_VECTOR], 0xec);
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_DEADLINE], 6000000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("timer_arm");
    TCase *tc = tcase_create("kernel_timer");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, a_new_vector_goes_in_disarmed);
    tcase_add_test(tc, same_vector_is_one_write);
    tcase_add_test(tc, a_forgotten_vector_is_written_again);
    suite_add_tcase(s, tc);
    return check_run(s);
}
