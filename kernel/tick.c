/* The kernel's periodic tick: counted here, driven by the arch timer interrupt, and handed to
 * the scheduler once threads exist. */
#include <arch.h>
#include <kernel/sched.h>
#include <kernel/tick.h>

static volatile uint64_t ticks;
static bool scheduling;

void kernel_timer_tick(void)
{
    ticks++;
    if (scheduling)
        sched_tick();
}

void tick_start_scheduling(void)
{
    scheduling = true;
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
