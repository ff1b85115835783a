/* The kernel's periodic tick: counted here, driven by the arch timer interrupt, and handed to
 * the scheduler once threads exist; between ticks the timer also wakes waiting guests at their
 * own deadlines (Linux guests run tickless at HZ=250: a 10 ms granularity would slow them). */
#include <arch.h>
#include <kernel/sched.h>
#include <kernel/tick.h>
#include <kernel/vcpu.h>

static volatile uint64_t ticks;
static bool scheduling;

void kernel_timer_event(void)
{
    if (scheduling)
        vcpu_wake_expired(arch_counter_now());
}

void kernel_timer_tick(void)
{
    ticks++;
    if (scheduling)
        sched_tick();
    kernel_timer_event();
}

uint64_t kernel_timer_next_event(void)
{
    return scheduling ? vcpu_next_deadline() : UINT64_MAX;
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
