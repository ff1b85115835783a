/* The EL2 physical timer (CNTHP) as the kernel's one-shot deadline, against the system
 * counter (CNTPCT); kernel/tick.c decides what the deadline is. */
#include "guest.h"
#include "sysreg.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <platform.h>

int arch_timer_init(void)
{
    /* No deadline until the kernel sets one: the comparator at the end of time. */
    write_sysreg(cnthp_cval_el2, UINT64_MAX);
    gic_enable_ppi(PLAT_IRQ_HYP_TIMER);
    write_sysreg(cnthp_ctl_el2, 1); /* ENABLE, interrupt not masked */
    isb();
    return HV_OK;
}

void arch_timer_set_deadline(uint64_t when)
{
    /* A new comparator value also drops the interrupt of one that has been reached. */
    write_sysreg(cnthp_cval_el2, when);
    isb();
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
