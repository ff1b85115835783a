/* The budget benchmark's guest (docs/testing.md, "Benchmarks"): one load (spin, tick-dodge or
 * exit-heavy) run for a window of its own time; this header is what the arch gives the loads. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The CPU's counter as the guest reads it (AArch64 CNTVCT_EL0, x86_64 the TSC): the same
 * counter the kernel's tick is timed against, up to its rate. */
uint64_t budget_now(void);
/* Its rate in Hz, exactly: the dodger computes the kernel's 10 ms tick grid from it, and an
 * error of one part in 10^4 would move its guess by a tick's length within 10 s. */
uint64_t budget_hz(void);

/* The guest's own timer, set up once: a deadline interrupt the guest can sleep on. */
void budget_timer_init(void);
/* Waits (WFI / HLT) with the timer armed for counter value t; returns once it fired. */
void budget_sleep_until(uint64_t t);
/* One register read that exits to the VMM (the UART's status register). */
void budget_exit_read(void);

/* Stops the partition at once (no lingering in a fallback delay: the window's end must be the
 * partition's end). */
__attribute__((noreturn)) void budget_poweroff(void);
