/* The EL2 physical timer (CNTHP) as the kernel's tick, programmed one-shot for the earlier of
 * the next tick and the earliest deadline of a waiting guest, and the system counter. */
#include "sysreg.h"
#include <arch.h>
#include <platform.h>

void gic_enable_ppi(unsigned intid);

static uint64_t tick_interval, next_tick;

static void program(uint64_t when)
{
    write_sysreg(cnthp_cval_el2, when);
    isb();
}

void arch_timer_start(unsigned hz)
{
    tick_interval = read_sysreg(cntfrq_el0) / hz;
    next_tick = arch_counter_now() + tick_interval;
    gic_enable_ppi(PLAT_IRQ_HYP_TIMER);
    program(next_tick);
    write_sysreg(cnthp_ctl_el2, 1); /* ENABLE, interrupt not masked */
    isb();
}

void arch_timer_wake_at(uint64_t when)
{
    if (when < read_sysreg(cnthp_cval_el2))
        program(when);
}

void timer_handle_irq(void)
{
    uint64_t now = arch_counter_now();
    if (now >= next_tick) {
        /* From the previous deadline, so the period does not drift (a late tick is made up
         * by the next one coming early). */
        next_tick += tick_interval;
        kernel_timer_tick();
    } else {
        kernel_timer_event();
    }
    uint64_t event = kernel_timer_next_event();
    program(event < next_tick ? event : next_tick);
}

uint64_t arch_counter_now(void)
{
    isb();
    return read_sysreg(cntpct_el0);
}

uint64_t arch_counter_hz(void)
{
    return read_sysreg(cntfrq_el0);
}
