/* The EL2 physical timer (CNTHP) as the kernel's periodic tick, and the system counter. */
#include "sysreg.h"
#include <arch.h>
#include <platform.h>

void gic_enable_ppi(unsigned intid);

static uint64_t tick_interval;

void arch_timer_start(unsigned hz)
{
    tick_interval = read_sysreg(cntfrq_el0) / hz;
    gic_enable_ppi(PLAT_IRQ_HYP_TIMER);
    write_sysreg(cnthp_tval_el2, tick_interval);
    write_sysreg(cnthp_ctl_el2, 1); /* ENABLE, interrupt not masked */
    isb();
}

void timer_handle_irq(void)
{
    /* Program the next deadline from the previous one so the period does not drift. */
    write_sysreg(cnthp_cval_el2, read_sysreg(cnthp_cval_el2) + tick_interval);
    isb();
    kernel_timer_tick();
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
