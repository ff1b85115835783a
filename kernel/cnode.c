/* Capability nodes: formatting, cap-address lookup and teardown. */
#include <kernel/cnode.h>

struct cnode *cnode_init(void *mem, unsigned slot_bits)
{
    struct cnode *c = mem;
    c->hdr.type = HV_OBJ_CNODE;
    c->slot_bits = (uint8_t)slot_bits;
    return c;
}

struct cap_slot *cnode_lookup(struct cnode *c, uint64_t idx)
{
    if (idx == 0 || idx >= cnode_slots(c))
        return NULL;
    return cnode_slot(c, (unsigned)idx);
}

void cnode_destroy(struct cnode *c)
{
    /* Deaths this causes are queued, not recursed into: cap_drain runs them. */
    for (unsigned i = 1; i < cnode_slots(c); i++)
        cap_delete_one(cnode_slot(c, i));
}
