/* A page-table builder for 4 KiB-granule radix trees; formats supply descriptor encodings. */
#include <kernel/pagetable.h>
#include <hv/abi/error.h>

uint64_t pt_level_size(const struct pt_format *fmt, unsigned level)
{
    return (uint64_t)PT_PAGE_SIZE << (9 * (fmt->levels - 1 - level));
}

unsigned pt_index(const struct pt_format *fmt, unsigned level, uint64_t va)
{
    unsigned entries = PT_ENTRIES * (level == 0 ? pt_root_tables(fmt) : 1);
    return (unsigned)((va / pt_level_size(fmt, level)) % entries);
}

static bool is_table(const struct pt_format *fmt, unsigned level, uint64_t desc)
{
    return level + 1 < fmt->levels && (desc & fmt->table_mask) == fmt->table_match;
}

int pt_init(struct pt *pt, const struct pt_format *fmt, struct pt_alloc *alloc)
{
    pt->fmt = fmt;
    pt->alloc = alloc;
    if (pt_root_tables(fmt) != 1)
        return HV_EINVAL;
    return alloc->alloc_table(alloc, &pt->root) ? HV_OK : HV_ENOMEM;
}

void pt_init_at(struct pt *pt, const struct pt_format *fmt, struct pt_alloc *alloc, paddr_t root)
{
    pt->fmt = fmt;
    pt->alloc = alloc;
    pt->root = root;
}

/* Addresses above va_bits must all be zeros or all ones (the upper half: TTBR1, x86 kernel). */
static bool va_in_range(const struct pt_format *fmt, uint64_t va)
{
    uint64_t top = va >> fmt->va_bits, ones = (uint64_t)-1 >> fmt->va_bits;
    return top == 0 || top == ones;
}

struct map_req {
    struct pt *pt;
    unsigned flags;
    bool dry_run;         /* count tables and find conflicts, change nothing */
    unsigned new_tables;
};

/* Maps [va, va+size) within the table at `level` (NULL: a table the dry run would create). */
static int map_level(struct map_req *m, unsigned level, uint64_t *table, uint64_t va,
                     uint64_t pa, uint64_t size)
{
    const struct pt_format *fmt = m->pt->fmt;
    uint64_t span = pt_level_size(fmt, level);
    bool last = level + 1 == fmt->levels;

    while (size) {
        unsigned idx = pt_index(fmt, level, va);
        uint64_t chunk = span - (va & (span - 1));
        if (chunk > size)
            chunk = size;
        uint64_t desc = table ? table[idx] : 0;
        bool leaf = last || (level >= fmt->min_block_level && chunk == span &&
                             IS_ALIGNED(va, span) && IS_ALIGNED(pa, span));
        if (leaf) {
            if (desc & fmt->valid_bit)
                return HV_EEXIST;
            if (!m->dry_run)
                table[idx] = pa | fmt->leaf_bits(m->flags, !last);
        } else {
            uint64_t *next = NULL;
            if (desc & fmt->valid_bit) {
                if (!is_table(fmt, level, desc))
                    return HV_EEXIST;
                next = m->pt->alloc->table_virt(m->pt->alloc, pa_init(desc & fmt->addr_mask));
            } else if (m->dry_run) {
                m->new_tables++;
            } else {
                paddr_t t;
                /* Cannot fail: the dry run counted the tables and checked they exist. */
                if (!m->pt->alloc->alloc_table(m->pt->alloc, &t))
                    return HV_ENOMEM;
                table[idx] = pa_addr(t) | fmt->table_bits;
                next = m->pt->alloc->table_virt(m->pt->alloc, t);
            }
            int r = map_level(m, level + 1, next, va, pa, chunk);
            if (r)
                return r;
        }
        va += chunk;
        pa += chunk;
        size -= chunk;
    }
    return HV_OK;
}

int pt_map(struct pt *pt, uint64_t va, paddr_t pa, uint64_t size, unsigned flags)
{
    const struct pt_format *fmt = pt->fmt;

    if (!IS_ALIGNED(va | pa_addr(pa) | size, PT_PAGE_SIZE))
        return HV_EALIGN;
    if (size == 0 || va + size - 1 < va || !va_in_range(fmt, va) ||
        !va_in_range(fmt, va + size - 1) || (va >> fmt->va_bits) != ((va + size - 1) >> fmt->va_bits) ||
        (pa_addr(pa) + size - 1) & ~(fmt->addr_mask | (PT_PAGE_SIZE - 1)))
        return HV_ERANGE;

    uint64_t *root = pt->alloc->table_virt(pt->alloc, pt->root);
    struct map_req m = {pt, flags, true, 0};
    int r = map_level(&m, 0, root, va, pa_addr(pa), size);
    if (r)
        return r;
    if (m.new_tables > pt->alloc->tables_available(pt->alloc))
        return HV_ENOMEM;
    m.dry_run = false;
    return map_level(&m, 0, root, va, pa_addr(pa), size);
}

int pt_lookup(const struct pt *pt, uint64_t va, paddr_t *pa, uint64_t *desc, unsigned *level)
{
    const struct pt_format *fmt = pt->fmt;

    if (!va_in_range(fmt, va))
        return HV_ERANGE;
    uint64_t *table = pt->alloc->table_virt(pt->alloc, pt->root);
    for (unsigned l = 0; l < fmt->levels; l++) {
        uint64_t span = pt_level_size(fmt, l);
        uint64_t d = table[pt_index(fmt, l, va)];
        if (!(d & fmt->valid_bit))
            return HV_ENOENT;
        if (is_table(fmt, l, d)) {
            table = pt->alloc->table_virt(pt->alloc, pa_init(d & fmt->addr_mask));
            continue;
        }
        *pa = pa_init((d & fmt->addr_mask & ~(span - 1)) | (va & (span - 1)));
        *desc = d;
        *level = l;
        return HV_OK;
    }
    return HV_ENOENT; /* unreachable: the last level has no tables */
}
