/* A free-running per-CPU counter for benchmarks: under QEMU -icount shift=0 it advances once
 * per instruction on both arches (AArch64 PMCCNTR_EL0, x86 TSC). */
#pragma once

#include <stdint.h>

static inline uint64_t hv_cycles(void)
{
#if defined(__aarch64__)
    uint64_t v;
    __asm__ volatile("isb; mrs %0, pmccntr_el0" : "=r"(v)::"memory");
    return v;
#else
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
#endif
}
