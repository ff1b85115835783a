/* Guest RAM access and the guest page-table walk (SDM vol. 3A chapter 4, APM vol. 2 5.3). */
#include "x86_64/guest_mem.h"

#include <hv/string.h>

#define PAGE_SIZE 4096ull
/* Physical address bits 51:12 of an entry; bits 62:52 are ignored/protection keys and bit
 * 63 NX, so they are not part of the address. */
#define PTE_ADDR 0x000ffffffffff000ull

bool x86_gpa_read(const struct x86_guest_mem *m, uint64_t gpa, void *buf, size_t n)
{
    if (gpa > m->ram_size || n > m->ram_size - gpa)
        return false;
    memcpy(buf, m->ram + gpa, n);
    return true;
}

bool x86_gpa_write(const struct x86_guest_mem *m, uint64_t gpa, const void *buf, size_t n)
{
    if (gpa > m->ram_size || n > m->ram_size - gpa)
        return false;
    memcpy(m->ram + gpa, buf, n);
    return true;
}

static enum x86_walk_status read_entry(const struct x86_guest_mem *m, uint64_t gpa, bool wide,
                                       uint64_t *e)
{
    if (wide) {
        if (!x86_gpa_read(m, gpa, e, 8))
            return X86_WALK_TABLE_NOT_RAM;
    } else {
        uint32_t v;
        if (!x86_gpa_read(m, gpa, &v, 4))
            return X86_WALK_TABLE_NOT_RAM;
        *e = v;
    }
    return (*e & X86_PTE_P) ? X86_WALK_OK : X86_WALK_NOT_PRESENT;
}

/* 32-bit paging: a page directory and page tables of 4-byte entries, 4 MiB pages with PSE. */
static enum x86_walk_status walk32(const struct x86_guest_mem *m, const struct x86_paging *p,
                                   uint32_t la, uint64_t *gpa)
{
    uint64_t pde, pte;
    enum x86_walk_status s = read_entry(m, (p->cr3 & 0xfffff000ull) + (la >> 22) * 4, false, &pde);
    if (s)
        return s;
    if ((pde & X86_PTE_PS) && (p->cr4 & X86_CR4_PSE)) {
        /* PSE-36: bits 20:13 of the PDE are physical address bits 39:32. */
        if (pde & (1ull << 21))
            return X86_WALK_RESERVED;
        *gpa = (pde & 0xffc00000ull) | ((pde >> 13) & 0xff) << 32 | (la & 0x3fffff);
        return X86_WALK_OK;
    }
    s = read_entry(m, (pde & 0xfffff000ull) + ((la >> 12) & 0x3ff) * 4, false, &pte);
    if (s)
        return s;
    *gpa = (pte & 0xfffff000ull) | (la & 0xfff);
    return X86_WALK_OK;
}

/* From a table at `table`, levels `levels` down to 4 KiB pages; large pages at the PDPT
 * (1 GiB) and PD (2 MiB) levels. */
static enum x86_walk_status walk_tables(const struct x86_guest_mem *m, uint64_t table,
                                        unsigned levels, uint64_t la, uint64_t *gpa)
{
    for (unsigned level = levels; level >= 1; level--) {
        unsigned shift = 12 + 9 * (level - 1);
        uint64_t e;
        enum x86_walk_status s = read_entry(m, table + ((la >> shift) & 0x1ff) * 8, true, &e);
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
        if (level == 4 && (e & X86_PTE_PS))
            return X86_WALK_RESERVED; /* PS is reserved in PML4 and PML5 entries */
        table = e & PTE_ADDR;
    }
    return X86_WALK_NOT_PRESENT; /* not reached: level 1 always returns */
}

enum x86_walk_status x86_walk(const struct x86_guest_mem *m, const struct x86_paging *p,
                              uint64_t la, uint64_t *gpa)
{
    if (!(p->cr0 & X86_CR0_PG) || !(p->cr0 & X86_CR0_PE)) {
        /* No paging: linear is physical (32 bits of it outside long mode). */
        *gpa = la & 0xffffffffull;
        return X86_WALK_OK;
    }
    if (p->efer & X86_EFER_LMA) {
        unsigned levels = (p->cr4 & X86_CR4_LA57) ? 5 : 4;
        unsigned bits = levels == 5 ? 57 : 48;
        int64_t top = (int64_t)la >> (bits - 1);
        if (top != 0 && top != -1)
            return X86_WALK_NONCANONICAL;
        return walk_tables(m, p->cr3 & PTE_ADDR, levels, la, gpa);
    }
    la &= 0xffffffffull;
    if (!(p->cr4 & X86_CR4_PAE))
        return walk32(m, p, (uint32_t)la, gpa);
    /* PAE: four PDPTEs at CR3 (32-byte aligned), then a PD and PT of 8-byte entries. */
    uint64_t pdpte;
    enum x86_walk_status s = read_entry(m, (p->cr3 & 0xffffffe0ull) + (la >> 30) * 8, true, &pdpte);
    if (s)
        return s;
    return walk_tables(m, pdpte & PTE_ADDR, 2, la, gpa);
}

enum x86_walk_status x86_read_linear(const struct x86_guest_mem *m, const struct x86_paging *p,
                                     uint64_t la, uint8_t *buf, size_t n, size_t *got)
{
    *got = 0;
    while (*got < n) {
        uint64_t cur = la + *got, gpa;
        size_t chunk = (size_t)(PAGE_SIZE - (cur & (PAGE_SIZE - 1)));
        if (chunk > n - *got)
            chunk = n - *got;
        enum x86_walk_status s = x86_walk(m, p, cur, &gpa);
        if (s)
            return s;
        if (!x86_gpa_read(m, gpa, buf + *got, chunk))
            return X86_WALK_TABLE_NOT_RAM;
        *got += chunk;
    }
    return X86_WALK_OK;
}
