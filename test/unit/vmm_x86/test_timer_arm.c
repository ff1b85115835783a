/* The kernel's per-vcpu timer as the VMM uses it (HV_X86_TIMER_VECTOR, HV_X86_TIMER_DEADLINE):
 * the LAPIC timer and the PIT armed on it, its injection counted as taken, no vector armed
 * that the LAPIC holds back; the kernel never holds an armed deadline next to a vector it was
 * not armed with, and a re-arm with the same vector is one write. */
#include "check_run.h"
#include "x86_64/devices/lapic.h"
#include "x86_64/exit/msr.h"
#include "x86_64/x86_platform.h"
#include "x86_fixture.h"

/* The LAPIC enabled (SVR) and its timer in TSC-deadline mode, vector 0xec. */
static void tsc_deadline_mode(void)
{
    ck_assert(fx_wrmsr(0x80f, 0x1ff));
    ck_assert(fx_wrmsr(0x832, (2u << 17) | 0xec));
}

/* PIT channel 0 every 10 ms (11,932 counts), its IRQ 0 through IOAPIC pin 2 as vector 0x30. */
static void pit_10ms_on_pin2(void)
{
    ck_assert(ioapic_mmio_write(&fxv.pf.ioapic, 0, 4, 0x14));
    ck_assert(ioapic_mmio_write(&fxv.pf.ioapic, 0x10, 4, 0x30));
    fx_out(0x43, 1, 0x34);
    fx_out(0x40, 1, 0x9c);
    fx_out(0x40, 1, 0x2e);
}

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
    tsc_deadline_mode();
    ck_assert(fx_wrmsr(MSR_IA32_TSC_DEADLINE, 50000000)); /* 50 ms */
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_VECTOR], 0xec);
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_DEADLINE], 50000000);
    unsigned from = fx.nwrites;
    pit_10ms_on_pin2();
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_VECTOR], 0x30);
    ck_assert_uint_lt(fx.regs[HV_X86_TIMER_DEADLINE], 50000000);
    assert_no_vector_under_a_deadline(0);
    ck_assert_uint_gt(timer_writes_since(from), 0);
}
END_TEST

/* A new TSC deadline with the same vector: one write, the deadline. */
START_TEST(same_vector_is_one_write)
{
    tsc_deadline_mode();
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
    tsc_deadline_mode();
    ck_assert(fx_wrmsr(MSR_IA32_TSC_DEADLINE, 5000000));
    fx.regs[HV_X86_TIMER_VECTOR] = 0;
    fx.regs[HV_X86_TIMER_DEADLINE] = 0;
    fx.refuse_deadline_without_vector = true;
    ck_assert(fx_wrmsr(MSR_IA32_TSC_DEADLINE, 6000000));
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_VECTOR], 0xec);
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_DEADLINE], 6000000);
}
END_TEST

/* The LAPIC timer armed on the kernel's vcpu timer, and its injection counted as taken. */
START_TEST(timer_through_the_kernel)
{
    tsc_deadline_mode();
    ck_assert(fx_wrmsr(MSR_IA32_TSC_DEADLINE, 5000000));
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_VECTOR], 0xec);
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_DEADLINE], 5000000); /* 1 GHz: TSC = ns */
    /* The kernel fires it at 5 ms, injects 0xec itself and clears its deadline; the next
     * exit is the guest's EOI. */
    fx.now_ns = 5000000;
    fx.regs[HV_X86_TIMER_DEADLINE] = 0;
    ck_assert(fx_wrmsr(0x80b, 0));
    ck_assert_uint_eq(fx_injected(0xec), 0); /* not injected a second time */
    ck_assert_int_eq(lapic_pending_vector(&fxv.pf.lapic), -1);
    uint64_t isr;
    ck_assert(fx_rdmsr(0x817, &isr));
    ck_assert_uint_eq(isr, 0); /* and the EOI retired it */
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_DEADLINE], 0);
    /* The PIT through IOAPIC pin 2 arms the timer with the pin's vector. */
    pit_10ms_on_pin2();
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_VECTOR], 0x30);
    ck_assert_uint_gt(fx.regs[HV_X86_TIMER_DEADLINE], 5000000 + 9990000);
    ck_assert_uint_lt(fx.regs[HV_X86_TIMER_DEADLINE], 5000000 + 10010000);
}
END_TEST

/* The kernel's timer fired while the guest runs with IF = 0: the vector reads in the IRR while
 * the kernel still holds it (HV_X86_INTR_PENDING), in the ISR once the guest took it (IRQ-X5). */
START_TEST(timer_vector_pending_until_taken)
{
    tsc_deadline_mode();
    ck_assert(fx_wrmsr(MSR_IA32_TSC_DEADLINE, 5000000));
    fx.now_ns = 5000000;
    fx.regs[HV_X86_TIMER_DEADLINE] = 0;
    fx.regs[HV_X86_INTR_PENDING + 3] = 1ull << (0xec - 192);
    uint64_t isr, irr;
    ck_assert(fx_rdmsr(0x817, &isr)); /* ISR 0xe0..0xff */
    ck_assert(fx_rdmsr(0x827, &irr));
    ck_assert_uint_eq(isr, 0);
    ck_assert_uint_eq(irr, 1u << 12);
    ck_assert_uint_eq(fx_injected(0xec), 0); /* the kernel has it: not injected again */
    /* The guest's STI: taken. */
    fx.regs[HV_X86_INTR_PENDING + 3] = 0;
    ck_assert(fx_rdmsr(0x817, &isr));
    ck_assert(fx_rdmsr(0x827, &irr));
    ck_assert_uint_eq(isr, 1u << 12);
    ck_assert_uint_eq(irr, 0);
    ck_assert(fx_wrmsr(0x80b, 0));
    ck_assert(fx_rdmsr(0x817, &isr));
    ck_assert_uint_eq(isr, 0);
}
END_TEST

/* The kernel's timer is not given a vector the LAPIC would hold back: while a handler of a
 * higher class is in service the timer's expiry waits in the IRR for the EOI (IRQ-X6). */
START_TEST(timer_not_armed_while_held_back)
{
    ck_assert(fx_wrmsr(0x80f, 0x1ff));
    ck_assert(fx_wrmsr(0x83e, 0xb));         /* divide by 1: 1 ns per count at 1 GHz */
    ck_assert(fx_wrmsr(0x832, 0x42));        /* one-shot, vector 0x42 (class 4) */
    ck_assert(fx_wrmsr(0x838, 100000));      /* 100 us */
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_VECTOR], 0x42);
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_DEADLINE], 1000 + 100000);
    ck_assert(fx_wrmsr(0x83f, 0x82));        /* a self IPI of class 8: handed over */
    ck_assert_uint_eq(fx_injected(0x82), 1);
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_DEADLINE], 0); /* held back: not armed */
    /* The guest runs its handler past the timer's expiry; the next exit is its EOI. */
    fx.now_ns = 1000 + 200000;
    ck_assert(fx_wrmsr(0x80b, 0));
    ck_assert_uint_eq(fx_injected(0x42), 1); /* now, once, by the VMM */
    ck_assert_uint_eq(fx.regs[HV_X86_TIMER_DEADLINE], 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("timer_arm");
    TCase *tc = tcase_create("kernel_timer");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, timer_through_the_kernel);
    tcase_add_test(tc, timer_vector_pending_until_taken);
    tcase_add_test(tc, timer_not_armed_while_held_back);
    tcase_add_test(tc, a_new_vector_goes_in_disarmed);
    tcase_add_test(tc, same_vector_is_one_write);
    tcase_add_test(tc, a_forgotten_vector_is_written_again);
    suite_add_tcase(s, tc);
    return check_run(s);
}
