/* The AArch64 system-call trap: one `svc #0`, registers as hv/abi/syscall.h lays them out.
 * Only hv/sys.h includes this (through the arch's include directory of libhv). */
#pragma once

#include <stdint.h>

static inline void hv_syscall(uint64_t number, struct hv_regs *regs)
{
    register uint64_t x0 __asm__("x0") = regs->r[0];
    register uint64_t x1 __asm__("x1") = regs->r[1];
    register uint64_t x2 __asm__("x2") = regs->r[2];
    register uint64_t x3 __asm__("x3") = regs->r[3];
    register uint64_t x4 __asm__("x4") = regs->r[4];
    register uint64_t x5 __asm__("x5") = regs->r[5];
    register uint64_t x6 __asm__("x6") = regs->r[6];
    register uint64_t x7 __asm__("x7") = regs->r[7];
    register uint64_t x8 __asm__("x8") = number;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
                       "+r"(x7), "+r"(x8)
                     :
                     : "memory");
    regs->r[0] = x0, regs->r[1] = x1, regs->r[2] = x2, regs->r[3] = x3, regs->r[4] = x4;
    regs->r[5] = x5, regs->r[6] = x6, regs->r[7] = x7, regs->r[8] = x8;
}
