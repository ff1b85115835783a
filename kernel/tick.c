/* The kernel's periodic tick. */
#include <arch.h>
#include <kernel/tick.h>

static volatile uint64_t ticks;

void kernel_timer_tick(void)
{
    ticks++;
}

uint64_t tick_count(void)
{
    return ticks;
}

uint64_t tick_wait(uint64_t n)
{
    uint64_t start = ticks;
    while (ticks - start < n)
        arch_wait_for_interrupt();
    return ticks - start;
}
