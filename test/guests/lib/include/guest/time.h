/* Time for bounded waits: a microsecond clock from the CPU's counter (AArch64 CNTVCT_EL0 and
 * CNTFRQ_EL0; x86_64 the TSC, calibrated against the ACPI PM timer at start). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

uint64_t time_us(void);
void delay_us(uint64_t us);

/* An upper bound on loop iterations besides the clock, so that a wait ends even when the
 * clock itself is what is broken. */
#define WAIT_MAX_SPINS 20000000u

/* Evaluates cond until it holds or timeout_us passed; true when it held. */
#define WAIT_UNTIL(cond, timeout_us)                                                               \
    ({                                                                                             \
        uint64_t wait_end_ = time_us() + (timeout_us);                                             \
        bool wait_ok_ = false;                                                                     \
        for (unsigned wait_i_ = 0; wait_i_ < WAIT_MAX_SPINS; wait_i_++) {                          \
            if (cond) {                                                                            \
                wait_ok_ = true;                                                                   \
                break;                                                                             \
            }                                                                                      \
            if (time_us() > wait_end_)                                                             \
                break;                                                                             \
        }                                                                                          \
        wait_ok_;                                                                                  \
    })

/* Each arch. */
void arch_time_init(void);
