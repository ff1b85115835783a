/* The registers a partition could learn another's (or its own earlier run's) secrets from: the
 * FP/SIMD file with its control registers, and system registers a hypervisor must switch or
 * reset (SA-2..SA-5, and the victim's own copy of them). Each arch fills every register with
 * values derived from a seed, and counts the registers that hold a seed's values now. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The attacker's and the victim's seeds: each the other's canary in its registers. */
#define REGS_SEED_ATTACKER 0xa77ac4e5a1b2c3d5ull
#define REGS_SEED_VICTIM 0x51c7195e0d0e0f02ull

/* The value register k holds for seed (a register keeps what its mask says it keeps). */
static inline uint64_t regs_value(uint64_t seed, unsigned k)
{
    return seed ^ ((uint64_t)(k + 1) * 0x9e3779b97f4a7c15ull);
}

/* Each arch (regs_<arch>.c): makes the FP/SIMD registers usable at EL1 / ring 0 (CPACR_EL1.FPEN;
 * CR0.EM/TS clear and CR4.OSFXSR), which a reset turns off again. */
void regs_fp_enable(void);
/* Fills every FP/SIMD data register and the FP control registers (FPCR/FPSR; FCW, MXCSR and
 * the x87 stack) with seed's values. */
void regs_fp_plant(uint64_t seed);
/* How many of those hold seed's values now, of *total; names the first few in found. */
unsigned regs_fp_count(uint64_t seed, unsigned *total, char *found, size_t len);
/* The same for the system registers (thread IDs, translation table bases, debug breakpoints,
 * the virtual timer's compare value; x86: DR0..DR3, CR2, the SYSCALL and SWAPGS MSRs). A
 * register whose write raised an exception is left out of both. */
void regs_sys_plant(uint64_t seed);
unsigned regs_sys_count(uint64_t seed, unsigned *total, char *found, size_t len);

/* Appends name to found (comma separated), as long as it fits. */
void regs_note(char *found, size_t len, const char *name);
