/* The kernel's timer policy (kernel/tick.c): the periodic tick, counted here and driven by the
 * arch's one-shot deadline, and wakeups at guests' own deadlines between ticks. */
#pragma once

#include <kernel/types.h>

#define TICK_HZ 100

/* Starts the arch timer and the ticks; an error (reported) if the arch timer can't. */
int tick_start(unsigned hz);

uint64_t tick_count(void);

/* From now on every tick also goes to the scheduler (sched_tick), and the timer wakes
 * waiting guests (vcpu_wake_expired). */
void tick_start_scheduling(void);

/* Sleeps (interrupts on) until n more ticks have arrived; returns how many arrived. */
uint64_t tick_wait(uint64_t n);

/* The timer must also come at counter value when (a waiting or running guest's deadline),
 * besides the ticks; the interrupt then wakes whichever guests are due. */
void tick_wake_at(uint64_t when);
