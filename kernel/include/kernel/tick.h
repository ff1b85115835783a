/* The kernel's periodic tick: counted here, driven by the arch timer interrupt. */
#pragma once

#include <kernel/types.h>

#define TICK_HZ 100

uint64_t tick_count(void);

/* From now on every tick also goes to the scheduler (sched_tick). */
void tick_start_scheduling(void);

/* Sleeps (interrupts on) until n more ticks have arrived; returns how many arrived. */
uint64_t tick_wait(uint64_t n);
