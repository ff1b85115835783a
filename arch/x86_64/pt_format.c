/* x86_64 4-level paging entry encoding (SDM vol. 3A 5.5, tables 5-15 to 5-20) for the
 * generic page-table builder. */
#include "pt_format.h"

#define BIT64(n) (1ull << (n))
#define PTE_P BIT64(0)
#define PTE_RW BIT64(1)
#define PTE_US BIT64(2) /* ring 3 may access */
#define PTE_PWT BIT64(3)
#define PTE_PCD BIT64(4) /* with PWT: uncacheable (PAT entry 3 at reset) */
#define PTE_PS BIT64(7)  /* in a PDPTE or PDE: maps a 1 GiB / 2 MiB page */
#define PTE_G BIT64(8)   /* global: kept in the TLB across CR3 loads */
#define PTE_NX BIT64(63) /* needs EFER.NXE */
#define PTE_ADDR_MASK 0x000ffffffffff000ull

static uint64_t paging_leaf_bits(unsigned flags, bool block)
{
    /* At the last level bit 7 is PAT, not PS: 4 KiB pages leave it clear. */
    uint64_t d = PTE_P | (block ? PTE_PS : 0);

    if (flags & PT_WRITE)
        d |= PTE_RW;
    if (!(flags & PT_EXEC))
        d |= PTE_NX;
    if (flags & PT_DEVICE)
        d |= PTE_PCD | PTE_PWT;
    /* Kernel mappings are the same in every address space, so global; a task's are not. */
    d |= flags & PT_USER ? PTE_US : PTE_G;
    return d;
}

const struct pt_format x86_64_paging_format = {
    .name = "x86_64-paging",
    .levels = 4,
    /* 48 bits are translated, but canonical addresses (SDM vol. 1 3.3.7.1) copy bit 47 into
     * bits 63:48: each half has 47 bits, and the builder must refuse 0x0000_8000_0000_0000,
     * which would otherwise land in the kernel's PML4 slot 256. */
    .va_bits = 47,
    /* qemu64 has no 1 GiB pages (CPUID 80000001h EDX.Page1GB): 2 MiB blocks at most. */
    .min_block_level = 2,
    .valid_bit = PTE_P,
    /* Access is decided at the leaf: tables allow everything (SDM vol. 3A 5.6.1). */
    .table_bits = PTE_P | PTE_RW | PTE_US,
    .table_mask = PTE_P | PTE_PS,
    .table_match = PTE_P,
    .addr_mask = PTE_ADDR_MASK,
    .leaf_bits = paging_leaf_bits,
};
