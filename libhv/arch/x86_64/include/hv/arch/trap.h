/* The x86_64 system-call trap: one `syscall`, registers as hv/abi/syscall.h lays them out.
 * Only hv/sys.h includes this (through the arch's include directory of libhv). */
#pragma once

#include <stdint.h>

static inline void hv_syscall(uint64_t number, struct hv_regs *regs)
{
    register uint64_t rdi __asm__("rdi") = regs->r[0];
    register uint64_t rsi __asm__("rsi") = regs->r[1];
    register uint64_t rdx __asm__("rdx") = regs->r[2];
    register uint64_t r10 __asm__("r10") = regs->r[3];
    register uint64_t r8 __asm__("r8") = regs->r[4];
    register uint64_t r9 __asm__("r9") = regs->r[5];
    register uint64_t r12 __asm__("r12") = regs->r[6];
    register uint64_t r13 __asm__("r13") = regs->r[7];
    uint64_t rax = number;
    /* SYSCALL keeps the return address in rcx and the flags in r11. */
    __asm__ volatile("syscall"
                     : "+a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9),
                       "+r"(r12), "+r"(r13)
                     :
                     : "rcx", "r11", "memory");
    regs->r[0] = rdi, regs->r[1] = rsi, regs->r[2] = rdx, regs->r[3] = r10, regs->r[4] = r8;
    regs->r[5] = r9, regs->r[6] = r12, regs->r[7] = r13, regs->r[8] = rax;
}
