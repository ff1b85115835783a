/* Capabilities: typed, rights-restricted references to kernel objects held in cnode slots,
 * linked into a derivation tree so that revoke finds every copy and every retyped child. */
#pragma once

#include <hv/abi/syscall.h>
#include <kernel/object.h>
#include <kernel/types.h>

struct vspace;

/* Untyped or frame of device memory: never zeroed, only split into frames, and mapped
 * uncached and never executable whatever the mapper asks. */
#define CAP_FLAG_DEVICE 1u

/* One capability slot: 64 bytes (HV_CNODE_SLOT_BITS). */
struct cap_slot {
    uint8_t type;      /* enum hv_obj_type; HV_OBJ_NONE when empty */
    uint8_t rights;    /* HV_RIGHT_* */
    uint8_t size_bits; /* untyped, frame, cnode (slot bits), vspace */
    uint8_t flags;     /* CAP_FLAG_* */
    uint32_t aux;      /* ioport: port count */
    uint64_t obj;      /* object: kernel pointer (refcounted types) or physical address */
    uint64_t data;     /* badge (endpoint, notification), watermark (untyped), vaddr (frame),
                        * first port (ioport) */
    /* Derivation tree: children are copies and retyped objects. Siblings are singly linked,
     * so unlinking a slot walks its parent's children (short lists in practice). */
    struct cap_slot *parent, *first_child, *next_sibling;
    /* Frame caps: the address space this cap's mapping lives in, and that space's list. */
    struct vspace *map_vs;
    struct cap_slot *map_next;
};

_Static_assert(sizeof(struct cap_slot) == 1u << HV_CNODE_SLOT_BITS, "cap slot size");

static inline bool cap_is_empty(const struct cap_slot *s) { return s->type == HV_OBJ_NONE; }
static inline void *cap_ptr(const struct cap_slot *s) { return (void *)(uintptr_t)s->obj; }
static inline paddr_t cap_paddr(const struct cap_slot *s) { return pa_init(s->obj); }

/* Fills the empty slot dst with a cap to a freshly made object as a child of parent (NULL: a
 * root cap made at boot); takes a reference on a refcounted object. */
void cap_install(struct cap_slot *dst, struct cap_slot *parent, unsigned type, unsigned rights,
                 uint64_t obj, uint64_t data, unsigned size_bits);

/* Fills the empty slot dst with a copy of src (a child of src) with rights reduced to
 * src->rights & rights and, when mint, the badge set to badge. The caller has validated. */
void cap_derive(struct cap_slot *dst, struct cap_slot *src, unsigned rights, bool mint,
                uint64_t badge);

/* Whether cap_derive(dst, src, ...) is allowed: HV_OK or an error, nothing changed. */
int cap_check_derive(const struct cap_slot *src, bool mint, uint64_t badge);

/* Empties a slot: its children move up to its parent; the object loses a reference (and, at
 * zero, is destroyed). Then runs the destroy queue. */
void cap_delete(struct cap_slot *s);

/* Deletes every descendant of s (copies, minted copies, retyped objects), leaving s. */
void cap_revoke(struct cap_slot *s);

/* The two halves of cap_delete, for callers that must install a cap between them. */
void cap_delete_one(struct cap_slot *s);
void cap_drain(void);

/* Whether s has any descendant. */
static inline bool cap_has_children(const struct cap_slot *s) { return s->first_child != NULL; }
