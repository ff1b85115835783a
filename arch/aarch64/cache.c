/* AArch64 cache maintenance the kernel needs when it writes code for a task. */
#include "sysreg.h"
#include <arch.h>

#define CACHE_LINE_MIN 16 /* smallest line CTR_EL0 can report; always safe to step by */

void arch_icache_sync(const void *va, uint64_t size)
{
    uint64_t ctr = read_sysreg(ctr_el0);
    uint64_t line = 4ull << ((ctr >> 16) & 0xf); /* DminLine, in bytes */
    if (line < CACHE_LINE_MIN)
        line = CACHE_LINE_MIN;
    /* ARM ARM B2.4.4: clean the data to the point of unification, then invalidate the
     * instruction cache, each completed before the next step. */
    for (uint64_t a = (uint64_t)va & ~(line - 1); a < (uint64_t)va + size; a += line)
        __asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
    dsb(ish);
    __asm__ volatile("ic ialluis" ::: "memory");
    dsb(ish);
    isb();
}

uint16_t arch_elf_machine(void)
{
    return 183; /* EM_AARCH64 */
}
