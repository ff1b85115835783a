/* Generic timer checks (Arm ARM D11 "The Generic Timer in AArch64 state"): both counters count,
 * and both EL1 timers, virtual and physical, raise their PPI when their condition is met. */
#include <guest/a64.h>
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/gicv3.h>
#include <guest/time.h>

#define CTL_ENABLE 1u
#define CTL_IMASK 2u
#define CTL_ISTATUS 4u

/* CNTFRQ_EL0 holds the system counter's frequency, which firmware (here the loader or
 * the hypervisor) must have programmed. */
CHECK(tmr_frequency, "TMR-A1")
{
    uint64_t f = read_sysreg(cntfrq_el0);
    report(f != 0, "CNTFRQ_EL0 = %llu Hz", (unsigned long long)f);
}

/* The virtual count CNTVCT_EL0 = physical count - CNTVOFF increases monotonically. */
CHECK(tmr_vcount, "TMR-A2")
{
    isb();
    uint64_t a = read_sysreg(cntvct_el0);
    delay_us(2000);
    isb();
    uint64_t b = read_sysreg(cntvct_el0);
    report(b > a, "CNTVCT_EL0 went from %llu to %llu over ~2 ms", (unsigned long long)a,
           (unsigned long long)b);
}

/* The physical count CNTPCT_EL0, readable at EL1 (CNTHCTL_EL2.EL1PCTEN with EL2), also
 * increases; a guest that uses it (Linux's arch_timer with the physical counter) depends on it. */
CHECK(tmr_pcount, "TMR-A3")
{
    isb();
    uint64_t a = read_sysreg(cntpct_el0);
    uint64_t t0 = time_us();
    bool moved = WAIT_UNTIL((isb(), read_sysreg(cntpct_el0) != a), 100000);
    report(moved && a != 0, "CNTPCT_EL0 read %llu, %s %llu us later", (unsigned long long)a,
           moved ? "changed" : "had not changed", (unsigned long long)(time_us() - t0));
}

static volatile unsigned timer_irqs;
static volatile int64_t early; /* the timer's compare value minus its count at the interrupt */

static void vtimer_irq(unsigned id, void *frame)
{
    if (!timer_irqs++)
        early = (int64_t)(read_sysreg(cntv_cval_el0) - (isb(), read_sysreg(cntvct_el0)));
    write_sysreg(cntv_ctl_el0, 0); /* the level drops with ENABLE clear */
    isb();
}

static void ptimer_irq(unsigned id, void *frame)
{
    if (!timer_irqs++)
        early = (int64_t)(read_sysreg(cntp_cval_el0) - (isb(), read_sysreg(cntpct_el0)));
    write_sysreg(cntp_ctl_el0, 0);
    isb();
}

/* Arms one timer 1 ms ahead with its interrupt enabled at the GIC; true when its PPI arrived
 * within a second, and not before the compare value (*early_ticks > 0: that many ticks before). */
static bool timer_fires(unsigned intid, uint64_t *waited_us, int64_t *early_ticks)
{
    uint64_t tval = read_sysreg(cntfrq_el0) / 1000;
    gic_init(true);
    timer_irqs = 0;
    early = 0;
    irq_set_handler(intid, intid == INTID_VTIMER ? vtimer_irq : ptimer_irq);
    gic_enable(intid, true);
    if (intid == INTID_VTIMER) {
        write_sysreg(cntv_tval_el0, tval);
        write_sysreg(cntv_ctl_el0, CTL_ENABLE);
    } else {
        write_sysreg(cntp_tval_el0, tval);
        write_sysreg(cntp_ctl_el0, CTL_ENABLE);
    }
    isb();
    uint64_t t0 = time_us();
    irq_enable();
    bool fired = WAIT_UNTIL(timer_irqs > 0, 1000000);
    irq_disable();
    *waited_us = time_us() - t0;
    *early_ticks = early;
    write_sysreg(cntv_ctl_el0, 0);
    write_sysreg(cntp_ctl_el0, 0);
    isb();
    gic_enable(intid, false);
    irq_set_handler(intid, 0);
    return fired && early <= 0;
}

/* With CNTV_CTL_EL0.ENABLE = 1 and IMASK = 0, the timer asserts its interrupt (PPI 27, the
 * DT's third timer interrupt) once CNTVCT - CNTV_CVAL >= 0 (the timer condition), not before. */
CHECK(tmr_virtual_irq, "TMR-A4")
{
    uint64_t us;
    int64_t early_ticks;
    bool ok = timer_fires(INTID_VTIMER, &us, &early_ticks);
    report(ok, "virtual timer 1 ms ahead: INTID 27 %s after %llu us, %lld ticks past CVAL",
           timer_irqs ? "arrived" : "did not arrive", (unsigned long long)us,
           (long long)-early_ticks);
}

/* The same for the EL1 physical timer CNTP_* (PPI 30, the DT's second timer
 * interrupt), which a guest at EL1 owns as much as the virtual one. */
CHECK(tmr_physical_irq, "TMR-A5")
{
    uint64_t us;
    int64_t early_ticks;
    bool ok = timer_fires(INTID_PTIMER, &us, &early_ticks);
    report(ok, "physical timer 1 ms ahead: INTID 30 %s after %llu us, %lld ticks past CVAL",
           timer_irqs ? "arrived" : "did not arrive", (unsigned long long)us,
           (long long)-early_ticks);
}

/* CNTP_CTL_EL0: ISTATUS reads 1 once the condition is met, whatever IMASK: poll it with the
 * interrupt masked at the timer. */
CHECK(tmr_physical_status, "TMR-A6")
{
    write_sysreg(cntp_tval_el0, read_sysreg(cntfrq_el0) / 1000);
    write_sysreg(cntp_ctl_el0, CTL_ENABLE | CTL_IMASK);
    isb();
    bool met = WAIT_UNTIL((read_sysreg(cntp_ctl_el0) & CTL_ISTATUS) != 0, 1000000);
    uint64_t ctl = read_sysreg(cntp_ctl_el0);
    write_sysreg(cntp_ctl_el0, 0);
    isb();
    report(met, "CNTP_CTL_EL0 = 0x%llx %s 1 ms after arming with IMASK", (unsigned long long)ctl,
           met ? "(ISTATUS set)" : "(ISTATUS never set within 1 s)");
}
