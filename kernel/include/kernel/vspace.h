/* Address spaces: a page-table root and a pool of tables inside one retyped object, plus the
 * list of frame caps mapped into it so that either side's deletion removes the mapping. */
#pragma once

#include <arch_core.h>
#include <kernel/cap.h>
#include <kernel/pagetable.h>

struct vspace_pool {
    struct pt_alloc ops;
    paddr_t base;        /* first table page of the object */
    unsigned ntables, used;
};

struct vspace {
    struct obj_header hdr;
    uint8_t size_bits;
    struct pt pt;
    struct vspace_pool pool;
    struct arch_vspace arch;
    struct cap_slot *mappings; /* frame caps mapped here, through map_next */
};

/* Formats the zeroed object at pa (2^size_bits bytes): header page, then tables. */
struct vspace *vspace_init(paddr_t pa, unsigned size_bits);

/* Maps the frame cap at va with HV_MAP_* flags; all validated but what the page tables say:
 * HV_EEXIST (va in use), HV_ENOMEM (table pool spent) leave everything unchanged. */
int vspace_map(struct vspace *vs, struct cap_slot *frame, uint64_t va, unsigned flags);
/* Removes the frame cap's mapping, if any. */
void vspace_unmap(struct cap_slot *frame);
void vspace_destroy(struct vspace *vs);
/* Highest user virtual address + 1. */
uint64_t vspace_user_top(void);
