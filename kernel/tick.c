/* The kernel's timer policy, the same on every arch: a periodic tick kept on a fixed schedule,
 * counted here and handed to the scheduler once threads exist, and between ticks wakeups of
 * waiting guests at their own deadlines (Linux guests run tickless at HZ=250: a 10 ms
 * granularity would slow them), and the scheduler's own events: the end of the running
 * context's budget and the refills of spent ones. The arch only programs a one-shot deadline at a counter value
 * and reads the counter (arch.h); this file decides which deadline that is: the earlier of the
 * next tick and the earliest guest deadline. */
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/tick.h>
#include <kernel/vcpu.h>

static volatile uint64_t ticks;
static bool scheduling;
static uint64_t interval;               /* counter units per tick */
static uint64_t next_tick = UINT64_MAX; /* counter value of the next tick (MAX: not started) */
static uint64_t armed = UINT64_MAX;     /* the deadline the arch holds (MAX: none) */

static void arm(uint64_t when)
{
    armed = when;
    arch_timer_set_deadline(when);
}

int tick_start(unsigned hz)
{
    int r = arch_timer_init();
    if (r)
        return r;
    interval = arch_counter_hz() / hz;
    if (interval == 0) {
        printk("tick: a %lu Hz counter cannot time a %u Hz tick\n", arch_counter_hz(), hz);
        return HV_EINVAL;
    }
    next_tick = arch_counter_now() + interval;
    arm(next_tick);
    return HV_OK;
}

/* The tick due at next_tick has come (now >= next_tick): the one after it. From the previous
 * tick, not from now, so the period does not drift with the interrupt's latency. After a stall
 * longer than a period (interrupts held off, the host not running our CPU) the missed ticks
 * are skipped, not made up in a burst: a tick charges the running thread's budget and turns
 * the round robin, and a burst would charge whoever runs after the stall for time in which it
 * did not run, and spin the round robin past threads that never got the CPU. Whole periods are
 * skipped, so the ticks stay on their schedule. */
static uint64_t tick_after(uint64_t now)
{
    uint64_t next = next_tick + interval;
    if (next <= now)
        next += (now - next) / interval * interval + interval;
    return next;
}

void kernel_timer_interrupt(void)
{
    uint64_t now = arch_counter_now();
    if (now >= next_tick) {
        next_tick = tick_after(now);
        ticks++;
        if (scheduling)
            sched_tick();
    }
    uint64_t event = UINT64_MAX;
    if (scheduling) {
        sched_timer(now); /* budgets: charge what ran, refill what is due */
        vcpu_wake_expired(now);
        event = vcpu_next_deadline();
        uint64_t sched_event = sched_next_event();
        if (sched_event < event)
            event = sched_event;
    }
    /* Always a new deadline: the interrupt of the one that fired stays asserted until then. */
    arm(event < next_tick ? event : next_tick);
}

void tick_wake_at(uint64_t when)
{
    if (when < armed)
        arm(when);
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
