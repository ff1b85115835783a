/* Address spaces: page tables carved from the vspace object itself (so a mapping never needs
 * memory the owner did not give), and frame mappings tracked for teardown from either side. */
#include <arch.h>
#include <arch_vcpu.h>
#include <hv/abi/error.h>
#include <kernel/assert.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>

#define VS_POOL(ops) ((struct vspace_pool *)(ops))

static bool pool_alloc(struct pt_alloc *self, paddr_t *table)
{
    struct vspace_pool *p = VS_POOL(self);
    if (p->used == p->ntables)
        return false;
    /* Tables come zeroed: retype cleared the whole object. */
    *table = pa_add(p->base, (uint64_t)p->used++ * PT_TABLE_SIZE);
    return true;
}

static unsigned pool_available(struct pt_alloc *self)
{
    struct vspace_pool *p = VS_POOL(self);
    return p->ntables - p->used;
}

static uint64_t *pool_virt(struct pt_alloc *self, paddr_t table)
{
    struct vspace_pool *p = VS_POOL(self);
    assert(pa_addr(table) >= pa_addr(p->base) &&
           pa_addr(table) < pa_addr(p->base) + (uint64_t)p->ntables * PT_TABLE_SIZE);
    return arch_phys_to_virt(table);
}

paddr_t vspace_root_of(paddr_t pa, const struct pt_format *fmt)
{
    /* After the header page; a concatenated root is aligned to its size, which wastes the
     * page after the header (the object itself is aligned to far more). */
    return pa_add(pa, pt_root_tables(fmt) == 1 ? PT_TABLE_SIZE : pt_root_size(fmt));
}

static struct vspace *format(paddr_t pa, unsigned size_bits, unsigned type,
                             const struct pt_format *fmt)
{
    _Static_assert(sizeof(struct vspace) <= PT_TABLE_SIZE, "vspace header fits a page");
    struct vspace *vs = arch_phys_to_virt(pa);
    paddr_t root = vspace_root_of(pa, fmt);
    vs->hdr.type = (uint8_t)type;
    vs->size_bits = (uint8_t)size_bits;
    vs->pool.ops = (struct pt_alloc){pool_alloc, pool_available, pool_virt};
    vs->pool.base = pa_add(pa, PT_TABLE_SIZE);
    vs->pool.ntables = (1u << (size_bits - 12)) - 1;
    /* The pool hands out tables in order, so the root is simply the next ones. */
    vs->pool.used = (unsigned)((pa_addr(root) - pa_addr(vs->pool.base)) / PT_TABLE_SIZE +
                               pt_root_tables(fmt));
    assert(pt_root_size(fmt) <= (1ull << HV_VSPACE_MIN_BITS) / 4 &&
           vs->pool.used <= vs->pool.ntables);
    pt_init_at(&vs->pt, fmt, &vs->pool.ops, root);
    return vs;
}

struct vspace *vspace_init(paddr_t pa, unsigned size_bits)
{
    struct vspace *vs = format(pa, size_bits, HV_OBJ_VSPACE, arch_vspace_format());
    arch_vspace_init(&vs->arch, vs->pt.root);
    return vs;
}

struct vspace *vspace_init_guest(paddr_t pa, unsigned size_bits, const struct arch_vspace *tag)
{
    struct vspace *vs = format(pa, size_bits, HV_OBJ_GUEST_VSPACE, arch_guest_vspace_format());
    vs->arch = *tag;
    return vs;
}

uint64_t vspace_user_top(void)
{
    return 1ull << arch_vspace_format()->va_bits;
}

uint64_t vspace_top(const struct vspace *vs)
{
    return vspace_is_guest(vs) ? ipa_addr(arch_guest_vspace_top()) : vspace_user_top();
}

static unsigned map_flags(unsigned f, bool guest)
{
    /* A guest's stage-2 / NPT entry has no user/kernel split: the guest decides that. */
    unsigned pt = guest ? 0 : PT_USER;
    if (f & HV_MAP_READ)
        pt |= PT_READ;
    if (f & HV_MAP_WRITE)
        pt |= PT_WRITE;
    if (f & HV_MAP_EXEC)
        pt |= PT_EXEC;
    if (f & HV_MAP_DEVICE)
        pt |= PT_DEVICE;
    return pt;
}

/* Maps the frame at the tables' input address `in` (a task's virtual address or a guest's
 * IPA: the frame cap keeps it for the unmap). */
static int map_frame(struct vspace *vs, struct cap_slot *frame, uint64_t in, unsigned flags)
{
    assert(frame->type == HV_OBJ_FRAME && !frame->map_vs);
    uint64_t size = 1ull << frame->size_bits;
    unsigned pt_flags = map_flags(flags, vspace_is_guest(vs));
    if (frame->flags & CAP_FLAG_DEVICE)
        pt_flags = (pt_flags | PT_DEVICE) & ~PT_EXEC;
    int r = pt_map(&vs->pt, in, cap_paddr(frame), size, pt_flags);
    if (r)
        return r;
    frame->data = in;
    frame->map_vs = vs;
    frame->map_next = vs->mappings;
    vs->mappings = frame;
    return HV_OK;
}

int vspace_map(struct vspace *vs, struct cap_slot *frame, uint64_t va, unsigned flags)
{
    assert(!vspace_is_guest(vs));
    return map_frame(vs, frame, va, flags);
}

int vspace_map_guest(struct vspace *vs, struct cap_slot *frame, ipa_t ipa, unsigned flags)
{
    assert(vspace_is_guest(vs));
    return map_frame(vs, frame, ipa_addr(ipa), flags);
}

/* Clears the leaf translating va (made by map_frame, so it is exactly one leaf). */
static void clear_leaf(struct vspace *vs, uint64_t va)
{
    const struct pt_format *fmt = vs->pt.fmt;
    uint64_t *table = pool_virt(&vs->pool.ops, vs->pt.root);
    for (unsigned l = 0; l < fmt->levels; l++) {
        uint64_t *e = &table[pt_index(fmt, l, va)];
        assert(*e & fmt->valid_bit);
        bool is_table = l + 1 < fmt->levels && (*e & fmt->table_mask) == fmt->table_match;
        if (!is_table) {
            *e = 0;
            return;
        }
        table = pool_virt(&vs->pool.ops, pa_init(*e & fmt->addr_mask));
    }
}

void vspace_unmap(struct cap_slot *frame)
{
    struct vspace *vs = frame->map_vs;
    if (!vs)
        return;
    clear_leaf(vs, frame->data);
    if (vspace_is_guest(vs))
        arch_guest_vspace_flush(&vs->arch, ipa_init(frame->data), 1ull << frame->size_bits);
    else
        arch_vspace_flush(&vs->arch, frame->data, 1ull << frame->size_bits);
    struct cap_slot **link = &vs->mappings;
    while (*link != frame)
        link = &(*link)->map_next;
    *link = frame->map_next;
    frame->map_vs = NULL;
    frame->map_next = NULL;
    frame->data = 0;
}

void vspace_destroy(struct vspace *vs)
{
    /* The tables die with the object; only the frame caps need to forget them. */
    for (struct cap_slot *f = vs->mappings, *n; f; f = n) {
        n = f->map_next;
        f->map_vs = NULL;
        f->map_next = NULL;
        f->data = 0;
    }
    vs->mappings = NULL;
    if (vspace_is_guest(vs)) {
        vcpu_vspace_gone(vs); /* no guest runs on tables about to be reused */
        arch_guest_vspace_destroy(&vs->arch, vs->pt.root);
    } else {
        arch_vspace_destroy(&vs->arch, vs->pt.root);
    }
}
