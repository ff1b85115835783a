/* AArch64 stage-1 descriptor encoding (ARM ARM D8.3) for the generic page-table builder. */
#include "pt_format.h"

#define DESC_VALID (1ull << 0)
#define DESC_TABLE_OR_PAGE (1ull << 1)
#define DESC_ATTR_INDX(i) ((uint64_t)(i) << 2)
#define DESC_AP_EL0 (1ull << 6)  /* AP[1]: EL0 may access */
#define DESC_AP_RO (1ull << 7)   /* AP[2]: read-only */
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)
#define DESC_NG (1ull << 11)     /* not global: tagged with the task's ASID */
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)
#define DESC_ADDR_MASK 0x0000fffffffff000ull

/* The table descriptors, alike at both stages (D8.3.1): valid, with bit 1 set. */
#define DESC_TABLES                                                                                \
    .valid_bit = DESC_VALID, .table_bits = DESC_VALID | DESC_TABLE_OR_PAGE,                        \
    .table_mask = DESC_VALID | DESC_TABLE_OR_PAGE, .table_match = DESC_VALID | DESC_TABLE_OR_PAGE, \
    .addr_mask = DESC_ADDR_MASK

/* What a leaf has at either stage: a block at a table level, a page (bit 1) at the last, and
 * the access flag set so that the first access does not fault. */
static uint64_t leaf_common_bits(bool block)
{
    return DESC_VALID | DESC_AF | (block ? 0 : DESC_TABLE_OR_PAGE);
}

/* MAIR_EL2 indices set by boot.S. */
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1

static uint64_t stage1_leaf_bits(unsigned flags, bool block)
{
    uint64_t d = leaf_common_bits(block);

    if (flags & PT_DEVICE)
        d |= DESC_ATTR_INDX(ATTR_DEVICE);
    else
        d |= DESC_ATTR_INDX(ATTR_NORMAL) | DESC_SH_INNER;
    if (!(flags & PT_WRITE))
        d |= DESC_AP_RO;
    if (flags & PT_USER) {
        /* The kernel never executes user memory, whatever the task may do with it. */
        d |= DESC_AP_EL0 | DESC_NG | DESC_PXN;
        if (!(flags & PT_EXEC))
            d |= DESC_UXN;
    } else {
        d |= DESC_UXN;
        if (!(flags & PT_EXEC))
            d |= DESC_PXN;
    }
    return d;
}

const struct pt_format aarch64_stage1_format = {
    .name = "aarch64-stage1",
    .levels = 4,
    .va_bits = 48,
    .min_block_level = 1,
    DESC_TABLES,
    .leaf_bits = stage1_leaf_bits,
};

/* Stage 2 (ARM ARM D8.3.2, D8.5): S2AP instead of AP, MemAttr instead of an index (with
 * HCR_EL2.FWB=0 the guest's stage-1 attributes combine with these, the stricter winning). */
#define S2_MEMATTR_DEVICE_NGNRE (1ull << 2) /* MemAttr 0b0001 */
#define S2_MEMATTR_NORMAL_WB (0xfull << 2)  /* outer and inner write-back */
#define S2_AP_READ (1ull << 6)
#define S2_AP_WRITE (1ull << 7)
#define S2_XN (2ull << 53)                  /* XN[1:0] = 0b10: no execution at EL1 or EL0 */

static uint64_t stage2_leaf_bits(unsigned flags, bool block)
{
    uint64_t d = leaf_common_bits(block);

    if (flags & PT_DEVICE)
        d |= S2_MEMATTR_DEVICE_NGNRE | S2_XN; /* never execute from a device */
    else
        d |= S2_MEMATTR_NORMAL_WB | DESC_SH_INNER;
    if (flags & PT_READ)
        d |= S2_AP_READ;
    if (flags & PT_WRITE)
        d |= S2_AP_WRITE;
    if (!(flags & PT_EXEC))
        d |= S2_XN;
    return d;
}

/* A 40-bit IPA space (cortex-a76's PA size, which bounds the IPA size) walked from level 1
 * with two concatenated root tables: a level-0 start needs a PA size of 44 bits or more. */
const struct pt_format aarch64_stage2_format = {
    .name = "aarch64-stage2",
    .levels = 3,
    .va_bits = 40,
    .min_block_level = 0, /* level 1 in the ARM ARM's numbering: 1 GiB blocks */
    .root_tables = 2,
    DESC_TABLES,
    .leaf_bits = stage2_leaf_bits,
};
