/* Guest RAM access and the guest page-table walk with the CPU's checks: presence, reserved
 * bits, then page protection (APM vol. 2 5.3-5.6, SDM vol. 3A chapter 4). */
#include "x86_64/guest_mem.h"

#include <hv/string.h>

#define PAGE_SIZE 4096ull
/* Physical address bits 51:12 of an entry; bits 62:52 are ignored/protection keys and bit
 * 63 NX, so they are not part of the address. */
#define PTE_ADDR 0x000ffffffffff000ull
/* Legacy PAE PDPTEs: bits 63:52 are reserved (there is no NX, and nothing is ignored). */
#define PDPTE_HIGH 0xfff0000000000000ull
#define MAX_LEVELS 5

bool x86_gpa_in_ram(const struct x86_guest_mem *m, uint64_t gpa, size_t n)
{
    return gpa <= m->ram_size && n <= m->ram_size - gpa;
}

bool x86_gpa_read(const struct x86_guest_mem *m, uint64_t gpa, void *buf, size_t n)
{
    if (!x86_gpa_in_ram(m, gpa, n))
        return false;
    memcpy(buf, m->ram + gpa, n);
    return true;
}

bool x86_gpa_write(const struct x86_guest_mem *m, uint64_t gpa, const void *buf, size_t n)
{
    if (!x86_gpa_in_ram(m, gpa, n))
        return false;
    memcpy(m->ram + gpa, buf, n);
    return true;
}

/* One walk: the entries it used (for the accessed and dirty bits, set only once the access
 * is allowed) and the rights they combine to. */
struct walk {
    const struct x86_guest_mem *m;
    const struct x86_paging *p;
    bool wide;     /* 8-byte entries (PAE, long mode) */
    uint64_t rsvd; /* reserved in every wide entry: address bits from MAXPHYADDR, NX without NXE */
    unsigned n;
    uint64_t entry_gpa[MAX_LEVELS], entry[MAX_LEVELS];
    bool user;     /* U/S set at every level */
    bool writable; /* R/W set at every level */
    bool nx;       /* NX set at some level */
};

static unsigned phys_bits(const struct x86_guest_mem *m)
{
    return m->phys_bits >= 32 && m->phys_bits < 52 ? m->phys_bits : 52;
}

static void walk_init(struct walk *w, const struct x86_guest_mem *m, const struct x86_paging *p,
                      bool wide)
{
    *w = (struct walk){.m = m, .p = p, .wide = wide, .user = true, .writable = true};
    w->rsvd = PTE_ADDR & ~((1ull << phys_bits(m)) - 1);
    if (!(p->efer & X86_EFER_NXE))
        w->rsvd |= X86_PTE_NX;
}

static enum x86_walk_status read_raw(const struct walk *w, uint64_t gpa, uint64_t *e)
{
    if (w->wide)
        return x86_gpa_read(w->m, gpa, e, 8) ? X86_WALK_OK : X86_WALK_TABLE_NOT_RAM;
    uint32_t v;
    if (!x86_gpa_read(w->m, gpa, &v, 4))
        return X86_WALK_TABLE_NOT_RAM;
    *e = v;
    return X86_WALK_OK;
}

/* Reads the entry at gpa: present, no reserved bit, and its rights count. */
static enum x86_walk_status read_entry(struct walk *w, uint64_t gpa, uint64_t *e)
{
    enum x86_walk_status s = read_raw(w, gpa, e);
    if (s)
        return s;
    if (!(*e & X86_PTE_P))
        return X86_WALK_NOT_PRESENT;
    if (w->wide && (*e & w->rsvd))
        return X86_WALK_RESERVED;
    w->user = w->user && (*e & X86_PTE_US);
    w->writable = w->writable && (*e & X86_PTE_RW);
    w->nx = w->nx || (*e & X86_PTE_NX);
    w->entry_gpa[w->n] = gpa;
    w->entry[w->n++] = *e;
    return X86_WALK_OK;
}

/* 32-bit paging: a page directory and page tables of 4-byte entries, 4 MiB pages with PSE. */
static enum x86_walk_status walk32(struct walk *w, uint32_t la, uint64_t *gpa)
{
    uint64_t pde, pte;
    enum x86_walk_status s = read_entry(w, (w->p->cr3 & 0xfffff000ull) + (la >> 22) * 4, &pde);
    if (s)
        return s;
    if ((pde & X86_PTE_PS) && (w->p->cr4 & X86_CR4_PSE)) {
        /* PSE-36: bits 20:13 of the PDE are physical address bits 39:32; those from
         * MAXPHYADDR (at most 40 here) up, and bit 21, are reserved. */
        unsigned pb = phys_bits(w->m) < 40 ? phys_bits(w->m) : 40;
        uint64_t rsvd = ((1ull << 22) - 1) & ~((1ull << (13 + pb - 32)) - 1);
        if (pde & rsvd)
            return X86_WALK_RESERVED;
        *gpa = (pde & 0xffc00000ull) | ((pde >> 13) & 0xff) << 32 | (la & 0x3fffff);
        return X86_WALK_OK;
    }
    s = read_entry(w, (pde & 0xfffff000ull) + ((la >> 12) & 0x3ff) * 4, &pte);
    if (s)
        return s;
    *gpa = (pte & 0xfffff000ull) | (la & 0xfff);
    return X86_WALK_OK;
}

/* From a table at `table`, levels `levels` down to 4 KiB pages; large pages at the PDPT
 * (1 GiB) and PD (2 MiB) levels. */
static enum x86_walk_status walk_tables(struct walk *w, uint64_t table, unsigned levels,
                                        uint64_t la, uint64_t *gpa)
{
    for (unsigned level = levels; level >= 1; level--) {
        unsigned shift = 12 + 9 * (level - 1);
        uint64_t e;
        enum x86_walk_status s = read_entry(w, table + ((la >> shift) & 0x1ff) * 8, &e);
        if (s)
            return s;
        if (level == 1 || ((level == 2 || level == 3) && (e & X86_PTE_PS))) {
            uint64_t page_mask = (1ull << shift) - 1;
            /* A large page's address bits below its size (but above PAT, bit 12) are
             * reserved (SDM 4.5: "must be 0"). */
            if (level > 1 && (e & PTE_ADDR & page_mask & ~0x1000ull))
                return X86_WALK_RESERVED;
            *gpa = (e & PTE_ADDR & ~page_mask) | (la & page_mask);
            return X86_WALK_OK;
        }
        if (level >= 4 && (e & X86_PTE_PS))
            return X86_WALK_RESERVED; /* PS is reserved in PML4 and PML5 entries */
        table = e & PTE_ADDR;
    }
    return X86_WALK_NOT_PRESENT; /* not reached: level 1 always returns */
}

/* Legacy PAE: four PDPTEs at CR3 (32-byte aligned), then a PD and PT of 8-byte entries. The
 * PDPTEs have no U/S, R/W or NX (APM vol. 2 5.4): they restrict nothing. */
static enum x86_walk_status walk_pae(struct walk *w, uint32_t la, uint64_t *gpa)
{
    uint64_t pdpte;
    enum x86_walk_status s = read_raw(w, (w->p->cr3 & 0xffffffe0ull) + (la >> 30) * 8, &pdpte);
    if (s)
        return s;
    if (!(pdpte & X86_PTE_P))
        return X86_WALK_NOT_PRESENT;
    if (pdpte & ((w->rsvd & PTE_ADDR) | PDPTE_HIGH))
        return X86_WALK_RESERVED;
    return walk_tables(w, pdpte & PTE_ADDR, 2, la, gpa);
}

/* The page-protection checks on the rights the walk combined (APM vol. 2 5.6). */
static bool allowed(const struct walk *w, const struct x86_access *a)
{
    const struct x86_paging *p = w->p;
    if (a->kind == X86_ACCESS_FETCH) {
        if (w->nx) /* only set with EFER.NXE: otherwise NX was a reserved bit */
            return false;
        if (a->user)
            return w->user;
        return !(w->user && (p->cr4 & X86_CR4_SMEP));
    }
    bool write = a->kind == X86_ACCESS_WRITE;
    if (a->user)
        return w->user && (!write || w->writable);
    /* A supervisor data access: SMAP keeps it off user pages unless AC allows it (INS and
     * OUTS are explicit accesses, which AC covers). CR0.WP makes R/W bind it too. */
    if (w->user && (p->cr4 & X86_CR4_SMAP) && !a->ac)
        return false;
    return !write || w->writable || !(p->cr0 & X86_CR0_WP);
}

/* What the CPU writes back on a successful walk: A in every entry, D in the page's own for
 * a write. */
static void mark_used(const struct walk *w, bool write)
{
    for (unsigned i = 0; i < w->n; i++) {
        uint64_t e = w->entry[i] | X86_PTE_A;
        if (write && i == w->n - 1)
            e |= X86_PTE_D;
        if (e != w->entry[i])
            x86_gpa_write(w->m, w->entry_gpa[i], &e, w->wide ? 8 : 4);
    }
}

static enum x86_walk_status translate(struct walk *w, uint64_t la, uint64_t *gpa)
{
    const struct x86_paging *p = w->p;
    if (p->efer & X86_EFER_LMA) {
        unsigned levels = (p->cr4 & X86_CR4_LA57) ? 5 : 4;
        unsigned bits = levels == 5 ? 57 : 48;
        int64_t top = (int64_t)la >> (bits - 1);
        if (top != 0 && top != -1)
            return X86_WALK_NONCANONICAL;
        return walk_tables(w, p->cr3 & PTE_ADDR, levels, la, gpa);
    }
    if (p->cr4 & X86_CR4_PAE)
        return walk_pae(w, (uint32_t)la, gpa);
    return walk32(w, (uint32_t)la, gpa);
}

enum x86_walk_status x86_walk(const struct x86_guest_mem *m, const struct x86_paging *p,
                              uint64_t la, const struct x86_access *a, uint64_t *gpa)
{
    if (!(p->cr0 & X86_CR0_PG) || !(p->cr0 & X86_CR0_PE)) {
        /* No paging: linear is physical (32 bits of it outside long mode), nothing to check. */
        *gpa = la & 0xffffffffull;
        return X86_WALK_OK;
    }
    struct walk w;
    walk_init(&w, m, p, (p->efer & X86_EFER_LMA) || (p->cr4 & X86_CR4_PAE));
    enum x86_walk_status s = translate(&w, la, gpa);
    if (s)
        return s;
    if (!allowed(&w, a))
        return X86_WALK_PROTECTION;
    mark_used(&w, a->kind == X86_ACCESS_WRITE);
    return X86_WALK_OK;
}

uint32_t x86_pf_error_code(enum x86_walk_status s, const struct x86_paging *p,
                           const struct x86_access *a)
{
    uint32_t err = 0;
    if (s != X86_WALK_NOT_PRESENT)
        err |= X86_PF_P; /* a reserved bit or a protection check: the entries were present */
    if (s == X86_WALK_RESERVED)
        err |= X86_PF_RSVD;
    if (a->kind == X86_ACCESS_WRITE)
        err |= X86_PF_W;
    if (a->user)
        err |= X86_PF_U;
    /* I/D is only defined when fetches can fault for NX (with PAE) or SMEP. */
    bool nx = (p->efer & X86_EFER_NXE) && ((p->cr4 & X86_CR4_PAE) || (p->efer & X86_EFER_LMA));
    if (a->kind == X86_ACCESS_FETCH && (nx || (p->cr4 & X86_CR4_SMEP)))
        err |= X86_PF_ID;
    return err;
}

enum x86_walk_status x86_read_linear(const struct x86_guest_mem *m, const struct x86_paging *p,
                                     const struct x86_access *a, uint64_t la, uint8_t *buf,
                                     size_t n, size_t *got)
{
    *got = 0;
    while (*got < n) {
        uint64_t cur = la + *got, gpa;
        size_t chunk = (size_t)(PAGE_SIZE - (cur & (PAGE_SIZE - 1)));
        if (chunk > n - *got)
            chunk = n - *got;
        enum x86_walk_status s = x86_walk(m, p, cur, a, &gpa);
        if (s)
            return s;
        if (!x86_gpa_read(m, gpa, buf + *got, chunk))
            return X86_WALK_TABLE_NOT_RAM;
        *got += chunk;
    }
    return X86_WALK_OK;
}
