/* x86_64 task address spaces: 4-level tables in x86_64_paging_format whose upper half is the
 * kernel's, CR3 switching, and TLB maintenance. qemu64 has no PCID, so every CR3 load flushes
 * the non-global entries, which are exactly the tasks' (pt_format.c: kernel leaves are global,
 * user leaves are not). */
#include "context.h"
#include "cpu.h"
#include "pt_format.h"
#include <arch.h>
#include <kernel/kernel_pt.h>

#define PML4_KERNEL_FIRST 256 /* 0xffff8000_0000_0000 and up: the kernel half */
#define CR3_ADDR_MASK 0x000ffffffffff000ull
/* Above this many pages one CR3 reload is cheaper than INVLPG per page. */
#define FLUSH_MAX_INVLPG 32

static uint64_t loaded_cr3; /* 0 until the first switch: the kernel's own tables */

static uint64_t kernel_cr3(void)
{
    return pa_addr(kernel_pt()->root);
}

static uint64_t current_cr3(void)
{
    return loaded_cr3 ? loaded_cr3 : kernel_cr3();
}

static void load_cr3(uint64_t cr3)
{
    write_cr(3, cr3);
    loaded_cr3 = cr3;
}

const struct pt_format *arch_vspace_format(void)
{
    /* va_bits 47: a task maps only the lower canonical half, PML4 slots 0..255. */
    return &x86_64_paging_format;
}

void arch_vspace_init(struct arch_vspace *avs, paddr_t root)
{
    /* x86 has one root for both halves: every address space carries the kernel's PML4
     * entries. Copying them once is enough because the kernel's upper-half tables are built
     * by kernel_pt_init and never changed after boot (the kernel maps nothing later). */
    const uint64_t *kernel = arch_phys_to_virt(kernel_pt()->root);
    uint64_t *pml4 = arch_phys_to_virt(root);
    for (unsigned i = PML4_KERNEL_FIRST; i < PT_ENTRIES; i++)
        pml4[i] = kernel[i];
    /* The root is below MAXPHYADDR (it is RAM): no reserved CR3 bit is set (qemu-facts.md). */
    avs->words[0] = pa_addr(root) & CR3_ADDR_MASK;
    avs->words[1] = 0;
}

void arch_vspace_destroy(struct arch_vspace *avs, paddr_t root)
{
    /* Never leave CR3 on tables that are about to be reused; the reload also drops the dying
     * space's TLB entries. A space not loaded has none: its last unload flushed them. */
    if (loaded_cr3 == avs->words[0])
        load_cr3(kernel_cr3());
}

void arch_vspace_flush(struct arch_vspace *avs, uint64_t va, uint64_t size)
{
    if (current_cr3() != avs->words[0])
        return; /* loading it later flushes everything it had */
    uint64_t pages = size / PT_PAGE_SIZE;
    if (pages > FLUSH_MAX_INVLPG) {
        load_cr3(avs->words[0]);
        return;
    }
    /* INVLPG also drops paging-structure cache entries for va (SDM vol. 3A 4.10.4.1). */
    for (uint64_t i = 0; i < pages; i++)
        __asm__ volatile("invlpg (%0)" ::"r"(va + i * PT_PAGE_SIZE) : "memory");
}

void x86_vspace_switch(const struct arch_vspace *avs)
{
    uint64_t cr3 = avs ? avs->words[0] : kernel_cr3();
    if (cr3 != current_cr3())
        load_cr3(cr3);
}
