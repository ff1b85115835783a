/* The TSC as guests' timers see it (timer.c): its rate and its relation to the HPET counter
 * that arch_counter_now() reads. */
#pragma once

#include <kernel/types.h>

uint64_t x86_tsc_hz(void);
uint64_t x86_tsc_now(void);
/* The arch_counter_now() value by which the TSC will have reached tsc. */
uint64_t x86_tsc_to_counter(uint64_t tsc);
