/* AMD nested page table entry encoding (APM vol. 2 15.25: the long-mode 4-level format of
 * 5.3, walked with guest-physical addresses) for the generic page-table builder. */
#include "pt_format.h"

#define BIT64(n) (1ull << (n))
#define NPT_P BIT64(0)
#define NPT_RW BIT64(1)
/* APM 15.25.5: every nested walk is a user access, so U=1 at every level or the guest faults
 * (qemu-facts.md: QEMU checks it too). */
#define NPT_US BIT64(2)
#define NPT_PWT BIT64(3)
#define NPT_PCD BIT64(4) /* with PWT: host PAT entry 3, UC at reset (APM 7.8.2) */
#define NPT_PS BIT64(7)  /* in a PDE: a 2 MiB page */
#define NPT_NX BIT64(63) /* honoured because the host runs with EFER.NXE (boot.S) */
#define NPT_ADDR_MASK 0x000ffffffffff000ull

static uint64_t npt_leaf_bits(unsigned flags, bool block)
{
    /* At the last level bit 7 is PAT: 4 KiB pages leave it clear, like 2 MiB ones leave bit
     * 12, so the type comes from PWT/PCD alone. The guest's own PAT then combines with it. */
    uint64_t d = NPT_P | NPT_US | (block ? NPT_PS : 0);

    if (flags & PT_WRITE)
        d |= NPT_RW;
    if (!(flags & PT_EXEC))
        d |= NPT_NX;
    if (flags & PT_DEVICE)
        d |= NPT_PCD | NPT_PWT;
    /* No G bit: it is ignored in nested tables, and guest entries are tagged by ASID. */
    return d;
}

const struct pt_format x86_64_npt_format = {
    .name = "x86_64-npt",
    .levels = 4,
    /* Guest-physical addresses are not sign-extended: the 4-level walk covers 48 bits. */
    .va_bits = 48,
    /* qemu64 has no 1 GiB pages: 2 MiB at most, as for the host's own tables. */
    .min_block_level = 2,
    .valid_bit = NPT_P,
    /* Tables allow everything, the leaf decides; U=1 here too (see NPT_US). */
    .table_bits = NPT_P | NPT_RW | NPT_US,
    .table_mask = NPT_P | NPT_PS,
    .table_match = NPT_P,
    .addr_mask = NPT_ADDR_MASK,
    .leaf_bits = npt_leaf_bits,
};
