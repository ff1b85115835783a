/* The CPU's checks on a data access by an instruction the VMM completes: mode and CPL,
 * segmentation, then paging (APM vol. 2 4.5-4.12 and 5.6; vol. 3 INS, OUTS). */
#include "x86_64/exit/x86_access.h"

#include "x86_64/exit/x86_exit.h"

/* VMCB segment attributes: descriptor bits 40..47 in 7:0, 52..55 in 11:8. */
#define ATTR_TYPE 0xfu
#define ATTR_S (1u << 4) /* code or data, not a system segment */
#define ATTR_DPL_SHIFT 5
#define ATTR_P (1u << 7)
#define ATTR_L (1u << 9)
#define ATTR_DB (1u << 10)
/* Type bits of a code or data segment. */
#define TYPE_CODE (1u << 3)
#define TYPE_EXPAND_DOWN (1u << 2) /* data; for code it means conforming */
#define TYPE_RW (1u << 1)          /* data: writable; code: readable */

#define RFLAGS_VM (1ull << 17)
#define RFLAGS_AC (1ull << 18)
#define PAGE_SIZE 4096u

enum x86_mode x86_cpu_mode(const struct x86_cpu *c)
{
    if (!(c->pg.cr0 & X86_CR0_PE))
        return X86_MODE_REAL;
    if (c->pg.efer & X86_EFER_LMA)
        return (c->cs_attr & ATTR_L) ? X86_MODE_64 : X86_MODE_COMPAT;
    return (c->rflags & RFLAGS_VM) ? X86_MODE_V86 : X86_MODE_PROTECTED;
}

enum x86_code_size x86_code_size(const struct x86_paging *pg, uint64_t cs_attr)
{
    if (!(pg->cr0 & X86_CR0_PE))
        return X86_CODE16;
    if ((pg->efer & X86_EFER_LMA) && (cs_attr & ATTR_L))
        return X86_CODE64;
    return (cs_attr & ATTR_DB) ? X86_CODE32 : X86_CODE16;
}

static unsigned dpl(uint64_t attr)
{
    return (unsigned)(attr >> ATTR_DPL_SHIFT) & 3;
}

unsigned x86_cpu_cpl(const struct x86_cpu *c)
{
    switch (x86_cpu_mode(c)) {
    case X86_MODE_REAL:
        return 0;
    case X86_MODE_V86:
        return 3;
    default:
        break;
    }
    /* SS.DPL is the CPL by the architecture, and the kernel derives its CPL so. But on an
     * exit the CPU saves the CPL in the VMCB's own field (APM 15.5.1), which the exit message
     * does not carry, and the saved SS attributes need not match it (Linux's
     * X86_BUG_SYSRET_SS_ATTRS: AMD's SYSRET can leave SS's cached attributes stale; KVM takes
     * the CPL field, not SS.DPL). CS.DPL is never above the CPL (equal for non-conforming code,
     * at most the CPL for conforming code), so the larger of the two is never above the CPL,
     * and a user access can't pass for a supervisor one because SS's attributes lag. */
    unsigned ss = dpl(c->ss_attr), cs = dpl(c->cs_attr);
    return ss > cs ? ss : cs;
}

static bool canonical(const struct x86_cpu *c, uint64_t la)
{
    unsigned bits = (c->pg.cr4 & X86_CR4_LA57) ? 57 : 48;
    int64_t top = (int64_t)la >> (bits - 1);
    return top == 0 || top == -1;
}

/* Protected and compatibility modes check the cached descriptor: usable (a null selector
 * leaves it not present), writable data for a write, readable for a read. */
static bool type_allows(const struct x86_segment *s, bool write)
{
    uint64_t type = s->attr & ATTR_TYPE;
    if (!(s->attr & ATTR_P) || !(s->attr & ATTR_S))
        return false;
    if (write)
        return !(type & TYPE_CODE) && (type & TYPE_RW);
    return !(type & TYPE_CODE) || (type & TYPE_RW);
}

/* Expand-up: offsets 0..limit. Expand-down data: limit+1 up to 0xffff, or 0xffff_ffff with
 * D/B set. Every byte of the access must be inside. */
static bool within_limit(const struct x86_segment *s, bool check_type, uint64_t offset,
                         unsigned size)
{
    uint64_t last = offset + size - 1;
    uint64_t type = s->attr & ATTR_TYPE;
    if (check_type && !(type & TYPE_CODE) && (type & TYPE_EXPAND_DOWN)) {
        uint64_t upper = (s->attr & ATTR_DB) ? 0xffffffffull : 0xffffull;
        return offset > s->limit && last <= upper;
    }
    return last <= s->limit;
}

bool x86_seg_linear(const struct x86_cpu *c, unsigned seg, const struct x86_segment *s,
                    uint64_t offset, unsigned size, bool write, uint64_t *la, struct x86_fault *f)
{
    enum x86_mode mode = x86_cpu_mode(c);
    /* A stack-segment access faults #SS, any other #GP, both with error code 0. */
    *f = (struct x86_fault){.vector = seg == HV_X86_SS ? X86_VEC_SS : X86_VEC_GP};
    if (mode == X86_MODE_64) {
        /* No limits or types; only FS and GS have a base; the address must be canonical, to
         * its last byte. */
        uint64_t base = (seg == HV_X86_FS || seg == HV_X86_GS) ? s->base : 0;
        *la = base + offset;
        return canonical(c, *la) && canonical(c, *la + size - 1);
    }
    bool descriptor = mode == X86_MODE_PROTECTED || mode == X86_MODE_COMPAT;
    if (descriptor && !type_allows(s, write))
        return false;
    if (!within_limit(s, descriptor, offset, size))
        return false;
    *la = (s->base + offset) & 0xffffffffull;
    return true;
}

static bool translate_page(const struct x86_guest_mem *m, const struct x86_cpu *c, uint64_t la,
                           const struct x86_access *a, uint64_t *gpa, struct x86_fault *f)
{
    enum x86_walk_status s = x86_walk(m, &c->pg, la, a, gpa);
    switch (s) {
    case X86_WALK_OK:
        return true;
    case X86_WALK_NOT_PRESENT:
    case X86_WALK_RESERVED:
    case X86_WALK_PROTECTION:
        *f = (struct x86_fault){X86_VEC_PF, x86_pf_error_code(s, &c->pg, a), la};
        return false;
    case X86_WALK_NONCANONICAL:
    case X86_WALK_TABLE_NOT_RAM:
        break;
    }
    *f = (struct x86_fault){.vector = X86_VEC_GP};
    return false;
}

bool x86_translate_span(const struct x86_guest_mem *m, const struct x86_cpu *c, uint64_t la,
                        unsigned size, bool write, struct x86_span *sp, struct x86_fault *f)
{
    const struct x86_access a = {
        .kind = write ? X86_ACCESS_WRITE : X86_ACCESS_READ,
        .user = x86_cpu_cpl(c) == 3,
        .ac = (c->rflags & RFLAGS_AC) != 0,
    };
    unsigned first = PAGE_SIZE - (unsigned)(la & (PAGE_SIZE - 1));
    sp->first = first < size ? first : size;
    sp->gpa[1] = 0;
    if (!translate_page(m, c, la, &a, &sp->gpa[0], f))
        return false;
    if (sp->first == size)
        return true;
    /* The rest is on the next page (which wraps at 4 GiB outside long mode). */
    uint64_t next = la + sp->first;
    if (!(c->pg.efer & X86_EFER_LMA))
        next &= 0xffffffffull;
    return translate_page(m, c, next, &a, &sp->gpa[1], f);
}
