/* The budget guest on AArch64: the virtual counter and timer (Arm ARM, "The Generic Timer in
 * AArch64 state"), its PPI through the GICv3, and the PL011's flag register as the exit. */
#include <guest/a64.h>
#include <guest/exc.h>
#include <guest/gicv3.h>
#include <guest/guest.h>

#include "budget.h"

#define CNTV_CTL_ENABLE 1u
#define PL011_FR 0x18
#define SLEEP_MAX_WAKES 1000 /* spurious wakes before giving up on the timer */

static volatile bool fired;

uint64_t budget_now(void)
{
    isb(); /* the counter read is not ordered with earlier instructions without it */
    return read_sysreg(cntvct_el0);
}

uint64_t budget_hz(void)
{
    return read_sysreg(cntfrq_el0) & 0xffffffffu;
}

static void vtimer_irq(unsigned id, void *frame)
{
    write_sysreg(cntv_ctl_el0, 0); /* its level drops with ENABLE clear */
    isb();
    fired = true;
}

void budget_timer_init(void)
{
    gic_init(true);
    irq_set_handler(INTID_VTIMER, vtimer_irq);
    gic_enable(INTID_VTIMER, true);
}

void budget_sleep_until(uint64_t t)
{
    fired = false;
    write_sysreg(cntv_cval_el0, t);
    write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
    isb();
    /* WFI with interrupts masked (it wakes for a pending one all the same), then a window in
     * which the handler runs: no interrupt slips in between the check and the wait. */
    for (unsigned i = 0; i < SLEEP_MAX_WAKES && !fired; i++) {
        __asm__ volatile("wfi" ::: "memory");
        irq_enable();
        isb();
        irq_disable();
    }
}

void budget_exit_read(void)
{
    (void)mmio_read32(VIRT_UART + PL011_FR);
}

void budget_poweroff(void)
{
    guest_exit(0); /* PSCI SYSTEM_OFF stops the partition at once */
}
