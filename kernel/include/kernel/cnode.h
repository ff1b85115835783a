/* Capability nodes: a power-of-two array of slots, a task's capability table. Slot 0 holds the
 * cnode's own header, so cap address 0 is never valid. */
#pragma once

#include <kernel/cap.h>

struct cnode {
    struct obj_header hdr;
    uint8_t slot_bits;
};

_Static_assert(sizeof(struct cnode) <= sizeof(struct cap_slot), "cnode header fits slot 0");

static inline unsigned cnode_slots(const struct cnode *c) { return 1u << c->slot_bits; }
static inline struct cap_slot *cnode_slot(struct cnode *c, unsigned i)
{
    return (struct cap_slot *)c + i;
}

/* Formats zeroed memory as a cnode of 2^slot_bits slots. */
struct cnode *cnode_init(void *mem, unsigned slot_bits);

/* Looks up cap address idx; returns the slot (possibly empty) or NULL when out of range. */
struct cap_slot *cnode_lookup(struct cnode *c, uint64_t idx);

/* Deletes every slot: the cnode's last capability is gone. */
void cnode_destroy(struct cnode *c);
