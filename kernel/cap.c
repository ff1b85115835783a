/* Capability slots, the derivation tree, and deletion/revocation with a destroy queue, so a
 * cascade of deaths (a cnode holding the last cap of a thread...) needs no recursion. */
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/cap.h>
#include <kernel/object_type.h>
#include <kernel/string.h>
#include <kernel/vspace.h>

static struct obj_header *dead_head;

void obj_ref(struct obj_header *h)
{
    assert(h->refs < UINT32_MAX);
    h->refs++;
}

void obj_unref(struct obj_header *h)
{
    assert(h->refs > 0);
    if (--h->refs == 0 && !h->queued) {
        h->queued = true;
        h->dead_next = dead_head;
        dead_head = h;
    }
}

static void link_child(struct cap_slot *dst, struct cap_slot *parent)
{
    dst->parent = parent;
    dst->first_child = NULL;
    dst->next_sibling = NULL;
    if (parent) {
        dst->next_sibling = parent->first_child;
        parent->first_child = dst;
    }
}

void cap_install(struct cap_slot *dst, struct cap_slot *parent, unsigned type, unsigned rights,
                 uint64_t obj, uint64_t data, unsigned size_bits)
{
    assert(cap_is_empty(dst));
    memset(dst, 0, sizeof(*dst));
    dst->type = (uint8_t)type;
    dst->rights = (uint8_t)rights;
    dst->size_bits = (uint8_t)size_bits;
    dst->obj = obj;
    dst->data = data;
    link_child(dst, parent);
    if (object_refcounted(type))
        obj_ref(cap_ptr(dst));
}

int cap_check_derive(const struct cap_slot *src, bool mint, uint64_t badge)
{
    if (cap_is_empty(src))
        return HV_ENOENT;
    unsigned flags = object_type(src->type)->flags;
    if (flags & OBJ_UNIQUE)
        return HV_ETYPE;
    if (mint) {
        if (!(flags & OBJ_BADGED))
            return HV_ETYPE;
        /* A badge, once set, is what the receiver trusts: it can't be changed by re-minting. */
        if (src->data != 0)
            return HV_EPERM;
        if (badge == 0)
            return HV_EINVAL;
    }
    return HV_OK;
}

void cap_derive(struct cap_slot *dst, struct cap_slot *src, unsigned rights, bool mint,
                uint64_t badge)
{
    assert(cap_is_empty(dst) && !cap_is_empty(src));
    uint64_t data = src->data;
    if (mint)
        data = badge;
    else if (object_type(src->type)->flags & OBJ_CAP_MAPPING)
        data = 0; /* a copy starts unmapped */
    cap_install(dst, src, src->type, src->rights & rights, src->obj, data, src->size_bits);
    dst->aux = src->aux;
    dst->flags = src->flags;
}

/* Removes s from its parent's child list and hands its children to that parent. */
static void unlink_slot(struct cap_slot *s)
{
    struct cap_slot *p = s->parent, *last = NULL;

    for (struct cap_slot *c = s->first_child; c; c = c->next_sibling) {
        c->parent = p;
        last = c;
    }
    if (!p) {
        /* Without a parent, siblings are not linked: cut the children apart. */
        for (struct cap_slot *c = s->first_child, *n; c; c = n) {
            n = c->next_sibling;
            c->next_sibling = NULL;
        }
        return;
    }
    struct cap_slot **link = &p->first_child;
    while (*link != s) {
        assert(*link);
        link = &(*link)->next_sibling;
    }
    if (last) {
        last->next_sibling = s->next_sibling;
        *link = s->first_child;
    } else {
        *link = s->next_sibling;
    }
}

void cap_delete_one(struct cap_slot *s)
{
    if (cap_is_empty(s))
        return;
    unlink_slot(s);
    if (object_type(s->type)->flags & OBJ_CAP_MAPPING)
        vspace_unmap(s);
    struct cap_slot old = *s;
    memset(s, 0, sizeof(*s));
    if (object_refcounted(old.type))
        obj_unref(cap_ptr(&old));
}

void cap_drain(void)
{
    while (dead_head) {
        struct obj_header *h = dead_head;
        dead_head = h->dead_next;
        h->queued = false;
        /* A cap to it may have been installed again since it was queued. */
        if (h->refs == 0) {
            void (*destroy)(struct obj_header *) = object_type(h->type)->destroy;
            assert(destroy); /* only refcounted objects are ever queued */
            destroy(h);
        }
    }
}

void cap_delete(struct cap_slot *s)
{
    cap_delete_one(s);
    cap_drain();
}

void cap_revoke(struct cap_slot *s)
{
    /* Delete leaves first; a death may take other descendants with it, so restart from s. */
    while (s->first_child) {
        struct cap_slot *leaf = s->first_child;
        while (leaf->first_child)
            leaf = leaf->first_child;
        cap_delete(leaf);
    }
}
