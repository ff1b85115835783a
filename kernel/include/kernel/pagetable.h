/* A page-table builder for the 4-level, 512-entry radix trees both arches use; the
 * descriptor encoding of each kind of table (stage 1, stage 2, x86 paging, NPT) is data. */
#pragma once

#include <kernel/types.h>

#define PT_ENTRIES 512u
#define PT_TABLE_SIZE 4096u
#define PT_PAGE_SIZE 4096u

/* Access a mapping grants, independent of the descriptor format. */
enum pt_flags {
    PT_READ = 1u << 0,
    PT_WRITE = 1u << 1,
    PT_EXEC = 1u << 2,
    PT_USER = 1u << 3,
    PT_DEVICE = 1u << 4, /* uncached device memory */
};

struct pt_format {
    const char *name;
    unsigned levels;          /* number of levels; the root is level 0 */
    unsigned va_bits;         /* bits of the address translated */
    unsigned min_block_level; /* shallowest level at which a leaf may map a block */
    unsigned root_tables;     /* a stage-2 root may be 2..16 concatenated tables (0, 1: one) */
    uint64_t valid_bit;
    uint64_t table_bits;      /* bits of a next-level table descriptor, besides its address */
    uint64_t table_mask;      /* a non-last-level descriptor d is a table iff */
    uint64_t table_match;     /*   (d & table_mask) == table_match */
    uint64_t addr_mask;       /* output-address bits of a descriptor */
    /* Attribute bits of a leaf mapping `flags`; `block` is true above the last level. */
    uint64_t (*leaf_bits)(unsigned flags, bool block);
};

/* Where new tables come from: a boot pool, later retyped untyped memory, or host memory. */
struct pt_alloc {
    bool (*alloc_table)(struct pt_alloc *self, paddr_t *table); /* zeroed, 4 KiB aligned */
    unsigned (*tables_available)(struct pt_alloc *self);
    uint64_t *(*table_virt)(struct pt_alloc *self, paddr_t table);
};

struct pt {
    const struct pt_format *fmt;
    struct pt_alloc *alloc;
    paddr_t root;
};

/* Allocates an empty root table (formats with one root table). */
int pt_init(struct pt *pt, const struct pt_format *fmt, struct pt_alloc *alloc);
/* Uses the zeroed root at `root` (pt_root_size(fmt) bytes, aligned to that size), which the
 * caller placed itself: concatenated roots are contiguous, which a pt_alloc can't promise. */
void pt_init_at(struct pt *pt, const struct pt_format *fmt, struct pt_alloc *alloc, paddr_t root);
static inline unsigned pt_root_tables(const struct pt_format *fmt)
{
    return fmt->root_tables > 1 ? fmt->root_tables : 1;
}
static inline uint64_t pt_root_size(const struct pt_format *fmt)
{
    return (uint64_t)pt_root_tables(fmt) * PT_TABLE_SIZE;
}

/* Maps [va, va+size) to [pa, pa+size) with `flags`, using the largest blocks alignment allows.
 * All or nothing: HV_EALIGN, HV_ERANGE, HV_EEXIST (something in the range is mapped) or
 * HV_ENOMEM (not enough tables) leave the tables as they were. */
int pt_map(struct pt *pt, uint64_t va, paddr_t pa, uint64_t size, unsigned flags);

/* Finds the leaf translating va: its output address for va, the descriptor and its level.
 * HV_ENOENT when va is not mapped. */
int pt_lookup(const struct pt *pt, uint64_t va, paddr_t *pa, uint64_t *desc, unsigned *level);

/* Bytes mapped by one entry at `level`. */
uint64_t pt_level_size(const struct pt_format *fmt, unsigned level);
/* The index of va's entry in its table at `level` (the root may hold several tables). */
unsigned pt_index(const struct pt_format *fmt, unsigned level, uint64_t va);
