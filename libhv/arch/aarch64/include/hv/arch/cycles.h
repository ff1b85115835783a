/* The AArch64 benchmark counter: PMCCNTR_EL0, which the kernel enables for EL0 at boot and
 * which advances once per instruction under QEMU -icount shift=0. Included by hv/cycles.h. */
#pragma once

#include <stdint.h>

static inline uint64_t hv_cycles(void)
{
    uint64_t v;
    /* The ISB keeps the read from being hoisted above the code being measured. */
    __asm__ volatile("isb; mrs %0, pmccntr_el0" : "=r"(v)::"memory");
    return v;
}
