/* Local APIC timer checks (SDM 10.5.4 "APIC Timer", 10.5.4.1 "TSC-Deadline Mode"): one-shot fires
 * once and stops at 0, periodic reloads, a mode change disarms, and TSC-deadline fires at its
 * deadline and clears the MSR. Also the version register's contents. */
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/lapic.h>
#include <guest/time.h>
#include <guest/x86.h>

#define VEC_TIMER 0x60
#define DIVIDE_BY_1 0xb

static volatile unsigned ticks;

static void tick(unsigned vec, void *frame)
{
    ticks++;
}

static void timer_start(uint32_t lvt_mode, uint32_t initial)
{
    ticks = 0;
    irq_set_handler(VEC_TIMER, tick);
    lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_1);
    lapic_write(LAPIC_LVT_TIMER, lvt_mode | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, initial);
    irq_enable();
}

static void timer_stop(void)
{
    irq_disable();
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    wrmsr(MSR_IA32_TSC_DEADLINE, 0);
    irq_set_handler(VEC_TIMER, 0);
}

/* SDM 10.4.8: the version register of an integrated APIC reads 0x1X in bits 7:0, with the
 * number of LVT entries minus one in bits 23:16 (at least 5: timer, LINT0/1, error, thermal or
 * performance; QEMU and a partition: 0x50014). */
CHECK(lapic_version, "LAPIC-X1")
{
    uint32_t v = lapic_read(LAPIC_VERSION);
    report((v & 0xf0) == 0x10 && (v >> 16 & 0xff) >= 5, "version register 0x%x", v);
}

/* SDM 10.5.4: in one-shot mode the count runs down once, the interrupt fires at 0 and the
 * current count stays 0. Here about 1 ms (1,000,000 counts at divide 1). */
CHECK(lapic_oneshot, "LAPIC-X2")
{
    timer_start(0, 1000000);
    bool got = WAIT_UNTIL(ticks > 0, 1000000);
    delay_us(5000);
    unsigned n = ticks;
    uint32_t current = lapic_read(LAPIC_TIMER_CURRENT);
    timer_stop();
    report(got && n == 1 && current == 0,
           "one-shot: %u interrupt(s) in 1 s + 5 ms, current count %u", n, current);
}

/* SDM 10.5.4: in periodic mode the count reloads from the initial count each time it reaches 0. */
CHECK(lapic_periodic, "LAPIC-X3")
{
    timer_start(LVT_TIMER_PERIODIC, 1000000);
    bool got = WAIT_UNTIL(ticks >= 3, 1000000);
    uint32_t current = lapic_read(LAPIC_TIMER_CURRENT);
    unsigned n = ticks;
    timer_stop();
    report(got && current != 0, "periodic: %u interrupts in at most 1 s, then current count %u", n,
           current);
}

/* SDM 10.5.4.1: "A write to the LVT Timer Register that changes the timer mode disarms the local
 * APIC timer": a one-shot count of ~50 ms switched to periodic never fires. */
CHECK(lapic_mode_change, "LAPIC-X4")
{
    timer_start(0, 50000000);
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | VEC_TIMER);
    delay_us(150000);
    unsigned n = ticks;
    uint32_t current = lapic_read(LAPIC_TIMER_CURRENT);
    timer_stop();
    report(n == 0,
           "one-shot 50 ms, then LVT mode -> periodic: %u interrupts in 150 ms, current "
           "count %u",
           n, current);
}

/* SDM 10.5.4.1: with CPUID.01H:ECX.TSC_Deadline[bit 24], TSC-deadline mode fires once the TSC
 * reaches IA32_TSC_DEADLINE, and then clears the MSR. */
CHECK(lapic_tsc_deadline, "LAPIC-X5")
{
    if (!(cpuid(1, 0).c >> 24 & 1)) {
        skip("CPUID.01H:ECX.TSC_Deadline = 0: the mode does not exist");
        return;
    }
    timer_start(LVT_TIMER_TSC_DEADLINE, 0);
    uint64_t deadline = rdtsc() + x86_tsc_khz(); /* 1 ms */
    wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
    bool got = WAIT_UNTIL(ticks > 0, 1000000);
    uint64_t now = rdtsc(), msr = rdmsr(MSR_IA32_TSC_DEADLINE);
    timer_stop();
    report(got && msr == 0 && now >= deadline,
           "TSC-deadline 1 ms ahead: %s, IA32_TSC_DEADLINE then 0x%llx",
           got ? "fired" : "no interrupt", (unsigned long long)msr);
}

/* The count after us microseconds of a masked one-shot timer started at 0xffffffff with the
 * given divide configuration: how many counts went by. */
static uint32_t counts_in(uint32_t divide, unsigned us)
{
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    lapic_write(LAPIC_TIMER_DIVIDE, divide);
    lapic_write(LAPIC_TIMER_INITIAL, 0xffffffffu);
    delay_us(us);
    uint32_t gone = 0xffffffffu - lapic_read(LAPIC_TIMER_CURRENT);
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    return gone;
}

/* SDM 10.5.4, "Divide Configuration Register": the timer counts the bus clock divided by 1, 2,
 * 4, ... 128 (DCR bits 3, 1, 0; 0b1011 = 1, 0b0011 = 16). Divided by 16 it runs 16 times
 * slower than divided by 1. */
CHECK(lapic_divide, "LAPIC-X8")
{
    uint32_t by1 = counts_in(0xb, 2000), by16 = counts_in(0x3, 2000);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    /* 16 within a quarter: the two 2 ms windows are timed by the TSC, not exactly alike. */
    bool ratio = by16 > 0 && by1 >= 12ull * by16 && by1 <= 20ull * by16;
    unsigned tenths = by16 ? (unsigned)(10ull * by1 / by16) : 0;
    report(ratio, "counts in 2 ms: %u divided by 1, %u divided by 16 (ratio %u.%u)", by1, by16,
           tenths / 10, tenths % 10);
}

/* SDM 10.5.1, "Local Vector Table" (mask bit): a masked timer still counts down, but its
 * interrupt is not delivered, not even when the LVT is unmasked after the count ran out. */
CHECK(lapic_masked_counts, "LAPIC-X9")
{
    ticks = 0;
    irq_set_handler(VEC_TIMER, tick);
    lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_1);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, 1000000); /* about 1 ms */
    uint32_t early = lapic_read(LAPIC_TIMER_CURRENT);
    bool ran_out = WAIT_UNTIL(lapic_read(LAPIC_TIMER_CURRENT) == 0, 1000000);
    bool requested = lapic_requested(VEC_TIMER);
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER); /* unmasked, one-shot: the same mode */
    irq_enable();
    delay_us(5000);
    unsigned n = ticks;
    timer_stop();
    report(early > 0 && ran_out && !requested && n == 0,
           "masked one-shot of 1 ms: current count %u, then %s; in IRR %s; %u interrupts "
           "after unmasking",
           early, ran_out ? "0" : "not 0 in 1 s", requested ? "yes" : "no", n);
}

/* SDM 10.5.4: "A write of 0 to the initial-count register effectively stops the local APIC
 * timer, in both one-shot and periodic mode." */
CHECK(lapic_zero_stops, "LAPIC-X10")
{
    timer_start(LVT_TIMER_PERIODIC, 1000000);
    bool got = WAIT_UNTIL(ticks >= 1, 1000000);
    irq_disable();
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    /* One interrupt may already be on its way (accepted before the write): take it. */
    irq_enable();
    delay_us(1000);
    unsigned before = ticks;
    delay_us(10000);
    unsigned after = ticks;
    uint32_t current = lapic_read(LAPIC_TIMER_CURRENT);
    timer_stop();
    report(got && after == before && current == 0,
           "periodic 1 ms, then initial count 0: %u interrupts in the next 10 ms, current "
           "count %u",
           after - before, current);
}

/* SDM 10.5.4.1: in TSC-deadline mode "writes to the initial-count register are ignored; and
 * current-count register always reads 0"; a deadline already passed fires at once, and
 * writing 0 disarms. Only where CPUID offers the mode. */
CHECK(lapic_tsc_deadline_rules, "LAPIC-X11")
{
    if (!(cpuid(1, 0).c >> 24 & 1)) {
        skip("CPUID.01H:ECX.TSC_Deadline = 0: the mode does not exist");
        return;
    }
    timer_start(LVT_TIMER_TSC_DEADLINE, 0);
    lapic_write(LAPIC_TIMER_INITIAL, 1000);
    uint32_t initial = lapic_read(LAPIC_TIMER_INITIAL), current = lapic_read(LAPIC_TIMER_CURRENT);
    wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc() + 1000 * x86_tsc_khz()); /* 1 s */
    wrmsr(MSR_IA32_TSC_DEADLINE, 0);
    delay_us(2000);
    unsigned disarmed = ticks;
    wrmsr(MSR_IA32_TSC_DEADLINE, 1); /* long past */
    bool past = WAIT_UNTIL(ticks > 0, 100000);
    timer_stop();
    report(initial == 0 && current == 0 && disarmed == 0 && past,
           "TSC-deadline mode: initial count %u after writing 1000, current %u; %u interrupts "
           "after 0 disarmed it; a past deadline: %s",
           initial, current, disarmed, past ? "fired" : "no interrupt");
}
