/* x86_64 page-table entry encoding for the generic page-table builder: the host's 4-level
 * paging (SDM vol. 3A 5.5, tables 5-15 to 5-20) and AMD nested paging, which walks guest-physical
 * addresses through the same long-mode format (APM vol. 2 15.25, 5.3). */
#include "pt_format.h"

#define BIT64(n) (1ull << (n))
#define PTE_P BIT64(0)
#define PTE_RW BIT64(1)
#define PTE_US BIT64(2) /* ring 3 may access */
#define PTE_PWT BIT64(3)
#define PTE_PCD BIT64(4) /* with PWT: PAT entry 3, uncacheable at reset (APM 7.8.2) */
#define PTE_PS BIT64(7)  /* in a PDPTE or PDE: maps a 1 GiB / 2 MiB page */
#define PTE_G BIT64(8)   /* global: kept in the TLB across CR3 loads */
#define PTE_NX BIT64(63) /* needs EFER.NXE, which the host runs with (boot.S) */
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* What the two formats share: the 4-level walk, 2 MiB blocks at most (qemu64 has no 1 GiB
 * pages: CPUID 80000001h EDX.Page1GB), and tables that allow everything so that the leaf
 * decides (SDM vol. 3A 5.6.1), with U=1 for the nested walk's sake (see npt_leaf_bits). */
#define LONG_MODE_WALK                                                                             \
    .levels = 4, .min_block_level = 2, .valid_bit = PTE_P, .table_bits = PTE_P | PTE_RW | PTE_US,  \
    .table_mask = PTE_P | PTE_PS, .table_match = PTE_P, .addr_mask = PTE_ADDR_MASK

/* What both formats encode alike at the leaf. At the last level bit 7 is PAT, not PS: 4 KiB
 * pages leave it clear, like 2 MiB ones leave bit 12, so the type comes from PWT/PCD alone. */
static uint64_t leaf_common_bits(unsigned flags, bool block)
{
    uint64_t d = PTE_P | (block ? PTE_PS : 0);

    if (flags & PT_WRITE)
        d |= PTE_RW;
    if (!(flags & PT_EXEC))
        d |= PTE_NX;
    if (flags & PT_DEVICE)
        d |= PTE_PCD | PTE_PWT;
    return d;
}

static uint64_t paging_leaf_bits(unsigned flags, bool block)
{
    /* Kernel mappings are the same in every address space, so global; a task's are not. */
    return leaf_common_bits(flags, block) | (flags & PT_USER ? PTE_US : PTE_G);
}

const struct pt_format x86_64_paging_format = {
    .name = "x86_64-paging",
    LONG_MODE_WALK,
    /* 48 bits are translated, but canonical addresses (SDM vol. 1 3.3.7.1) copy bit 47 into
     * bits 63:48: each half has 47 bits, and the builder must refuse 0x0000_8000_0000_0000,
     * which would otherwise land in the kernel's PML4 slot 256. */
    .va_bits = 47,
    .leaf_bits = paging_leaf_bits,
};

static uint64_t npt_leaf_bits(unsigned flags, bool block)
{
    /* APM 15.25.5: every nested walk is a user access, so U=1 at every level or the guest
     * faults (qemu-facts.md: QEMU checks it too). No G bit: it is ignored in nested tables, and
     * guest entries are tagged by ASID. The guest's own PAT combines with the type here. */
    return leaf_common_bits(flags, block) | PTE_US;
}

const struct pt_format x86_64_npt_format = {
    .name = "x86_64-npt",
    LONG_MODE_WALK,
    /* Guest-physical addresses are not sign-extended: the 4-level walk covers 48 bits. */
    .va_bits = 48,
    .leaf_bits = npt_leaf_bits,
};
