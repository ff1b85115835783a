/* Address spaces: a page-table root and a pool of tables inside one retyped object, plus the
 * list of frame caps mapped into it so that either side's deletion removes the mapping. The
 * same object serves tasks (HV_OBJ_VSPACE, stage 1) and guests (HV_OBJ_GUEST_VSPACE, stage 2 /
 * NPT): only the descriptor format, the tag (ASID / VMID) and the address range differ. */
#pragma once

#include <arch_core.h>
#include <kernel/cap.h>
#include <kernel/pagetable.h>

struct vspace_pool {
    struct pt_alloc ops;
    paddr_t base;        /* first table page of the object */
    unsigned ntables, used;
};

struct vcpu;

struct vspace {
    struct obj_header hdr;     /* type HV_OBJ_VSPACE or HV_OBJ_GUEST_VSPACE */
    uint8_t size_bits;
    struct pt pt;
    struct vspace_pool pool;
    struct arch_vspace arch;
    struct cap_slot *mappings; /* frame caps mapped here, through map_next */
    struct vcpu *vcpus;        /* guest: the vcpus bound to it, through vs_next */
};

/* Formats the zeroed object at pa (2^size_bits bytes): header page, then tables. */
struct vspace *vspace_init(paddr_t pa, unsigned size_bits);
/* The same for a guest address space, whose tag the caller got from arch_guest_vspace_init
 * (for the root vspace_root_of(pa, arch_guest_vspace_format())) before anything was written. */
struct vspace *vspace_init_guest(paddr_t pa, unsigned size_bits, const struct arch_vspace *tag);
/* Where vspace_init* puts the root table(s) of an object at pa with the format fmt. */
paddr_t vspace_root_of(paddr_t pa, const struct pt_format *fmt);
static inline bool vspace_is_guest(const struct vspace *vs)
{
    return vs->hdr.type == HV_OBJ_GUEST_VSPACE;
}

/* Maps the frame cap at va of a task's space, or at ipa of a guest's, with HV_MAP_* flags; all
 * validated but what the page tables say: HV_EEXIST (address in use), HV_ENOMEM (table pool
 * spent) leave everything unchanged. */
int vspace_map(struct vspace *vs, struct cap_slot *frame, uint64_t va, unsigned flags);
int vspace_map_guest(struct vspace *vs, struct cap_slot *frame, ipa_t ipa, unsigned flags);
/* Removes the frame cap's mapping, if any. */
void vspace_unmap(struct cap_slot *frame);
void vspace_destroy(struct vspace *vs);
/* Highest user virtual address + 1. */
uint64_t vspace_user_top(void);
/* Highest address + 1 mappable in vs (user virtual or guest physical). */
uint64_t vspace_top(const struct vspace *vs);
