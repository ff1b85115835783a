/* The x86_64 benchmark counter: the TSC, which advances once per instruction under QEMU
 * -icount shift=0. Included by hv/cycles.h. */
#pragma once

#include <stdint.h>

static inline uint64_t hv_cycles(void)
{
    uint32_t lo, hi;
    /* LFENCE keeps RDTSC from running ahead of the code being measured. */
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
}
