/* What the kernel knows about each object type, in one table (kernel/object_type.c): the
 * sizes retype accepts, how an object is made and destroyed, and the rules of its caps. Adding
 * an object type is one entry there. */
#pragma once

#include <arch_core.h>
#include <kernel/object.h>
#include <kernel/types.h>

/* What retype takes before it writes anything, because it may run out: a failure then leaves
 * everything as it was. */
struct obj_reserve {
    struct arch_vspace tag; /* a guest vspace's VMID / ASID */
};

/* flags */
#define OBJ_DEVICE_MEMORY (1u << 0)  /* may be made from device untyped (never written to) */
#define OBJ_UNIQUE (1u << 1)         /* its caps can't be copied */
#define OBJ_BADGED (1u << 2)         /* a copy may be minted with a badge */
#define OBJ_ONE_PER_RETYPE (1u << 3) /* retype makes one at a time (reserve may fail) */
/* The cap holds a mapping: a copy starts unmapped, deleting the cap unmaps. */
#define OBJ_CAP_MAPPING (1u << 4)

struct object_type {
    /* Retype's size argument: bit n of size_args says size_bits n is valid; the object is then
     * 2^fixed_bits bytes if fixed_bits is set (size_bits is 0), else 2^(n + size_shift). No
     * bit set: the type is not made by retype. */
    uint64_t size_args;
    uint8_t size_shift, fixed_bits;
    uint8_t flags; /* OBJ_* */
    /* Takes what may run out before any byte changes (NULL: nothing). */
    int (*reserve)(paddr_t pa, struct obj_reserve *res);
    /* Formats the zeroed object at pa and returns its caps' obj word (NULL: the object is named
     * by its physical address: untyped, frames). */
    uint64_t (*init)(paddr_t pa, unsigned size_bits, const struct obj_reserve *res);
    /* Set for the types whose object starts with a struct obj_header and is reference-counted
     * by its caps: what happens when the last one goes. */
    void (*destroy)(struct obj_header *h);
};

/* type < HV_OBJ_TYPE_COUNT (HV_OBJ_NONE has an all-zero entry). */
const struct object_type *object_type(unsigned type);

/* log2 size of one object of type made with the size argument size_bits, or 0 if invalid. */
unsigned object_bits(unsigned type, unsigned size_bits);

static inline bool object_refcounted(unsigned type)
{
    return object_type(type)->destroy != NULL;
}
