/* The LAPIC timer as the kernel's periodic tick, and the HPET as the free-running counter. */
#include "cpu.h"
#include "intc.h"
#include "trap.h"
#include <arch.h>
#include <kernel/printk.h>

void arch_timer_start(unsigned hz)
{
    if (hpet_init())
        arch_poweroff(false);
    uint64_t lapic_hz = lapic_timer_calibrate();
    if (lapic_hz / hz == 0 || lapic_hz / hz > UINT32_MAX) {
        printk("timer: LAPIC timer runs at %lu Hz, cannot tick at %u Hz\n", lapic_hz, hz);
        arch_poweroff(false);
    }
    /* Periodic mode reloads in hardware, so the period does not drift with handler latency. */
    lapic_timer_periodic((uint32_t)(lapic_hz / hz), X86_VECTOR_TIMER);
}

void timer_handle_irq(void)
{
    kernel_timer_tick();
}

/* Counts from arch_timer_start on; 0 before. */
uint64_t arch_counter_now(void)
{
    return hpet_now();
}

uint64_t arch_counter_hz(void)
{
    return hpet_hz();
}
