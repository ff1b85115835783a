/* The string I/O oracle: its own walk (APM vol. 2 5.3.3 and 5.6, written apart from the
 * VMM's guest_mem.c) and the judgement of an INS/OUTS exit's reply against it. */
#include "string_oracle.h"

#include <hv/abi/svm_exit.h>
#include <hv/abi/vcpu.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "SEC-V1 oracle: %s (%s:%d)\n", #cond, __FILE__, __LINE__);             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define ADDR_MASK 0x000ffffffffff000ull
#define CR0_PE (1ull << 0)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_SMAP (1ull << 21)
#define EFER_LMA (1ull << 10)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_AC (1ull << 18)
#define ATTR_L (1ull << 9)
#define PF_P 1u
#define PF_W 2u
#define PF_U 4u
#define PF_RSVD 8u

enum verdict { ALLOWED, REFUSED, UNKNOWN };

static uint64_t reg(const struct string_oracle_guest *g, unsigned r)
{
    return g->regs[r];
}

static unsigned dpl(uint64_t attr)
{
    return (unsigned)(attr >> 5) & 3;
}

/* Whether an access to byte la at CPL cpl may happen, from the tables in mem. Reserved bits
 * are not modelled: the VMM may refuse more (RSVD), never allow more. */
static enum verdict rights(const struct string_oracle_guest *g, const uint8_t *mem, uint64_t la,
                           bool write, unsigned cpl)
{
    int64_t top = (int64_t)la >> 47;
    if (top != 0 && top != -1)
        return REFUSED;
    uint64_t table = reg(g, HV_X86_CR3) & ADDR_MASK;
    bool user = true, rw = true;
    for (int level = 4; level >= 1; level--) {
        uint64_t at = table + ((la >> (12 + 9 * (level - 1))) & 511) * 8, e;
        if (at > g->ram_size - 8)
            return UNKNOWN;
        memcpy(&e, mem + at, 8);
        if (!(e & 1))
            return REFUSED;
        user = user && (e & 4);
        rw = rw && (e & 2);
        if (level <= 3 && (e & 0x80))
            break; /* a 1 GiB or 2 MiB page (the PML4's PS is reserved: the VMM refuses) */
        table = e & ADDR_MASK;
    }
    if (cpl == 3)
        return user && (!write || rw) ? ALLOWED : REFUSED;
    if (user && (reg(g, HV_X86_CR4) & CR4_SMAP) && !(reg(g, HV_X86_RFLAGS) & RFLAGS_AC))
        return REFUSED;
    return !write || rw || !(reg(g, HV_X86_CR0) & CR0_WP) ? ALLOWED : REFUSED;
}

static bool one_bit(uint64_t v)
{
    return v && !(v & (v - 1));
}

void string_oracle_before(struct string_oracle *o, const struct string_oracle_guest *g,
                          uint64_t info, uint8_t *snapshot)
{
    *o = (struct string_oracle){0};
    uint64_t sz = info & (SVM_IOIO_SZ8 | SVM_IOIO_SZ16 | SVM_IOIO_SZ32);
    uint64_t asz = info & (SVM_IOIO_A16 | SVM_IOIO_A32 | SVM_IOIO_A64);
    unsigned seg = (unsigned)(info >> SVM_IOIO_SEG_SHIFT) & 7;
    bool in = info & SVM_IOIO_TYPE_IN;
    /* 64-bit mode, 4-level paging, 64-bit addresses, a well-formed exit. */
    if (!(info & SVM_IOIO_STR) || !one_bit(sz) || asz != SVM_IOIO_A64 || (info >> 32) ||
        (!in && seg > HV_X86_GS))
        return;
    uint64_t cr0 = reg(g, HV_X86_CR0), cr4 = reg(g, HV_X86_CR4);
    if (!(cr0 & CR0_PE) || !(cr0 & CR0_PG) || !(reg(g, HV_X86_EFER) & EFER_LMA) ||
        !(cr4 & CR4_PAE) || (cr4 & CR4_LA57) ||
        !(reg(g, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)) & ATTR_L))
        return;
    o->active = true;
    o->in = in;
    o->size = sz == SVM_IOIO_SZ8 ? 1 : sz == SVM_IOIO_SZ16 ? 2 : 4;
    unsigned ss = dpl(reg(g, HV_X86_SEG(HV_X86_SS, HV_X86_SEG_ATTR)));
    unsigned cs = dpl(reg(g, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)));
    o->cpl = ss > cs ? ss : cs;
    if (!in && (seg == HV_X86_FS || seg == HV_X86_GS))
        o->base = reg(g, HV_X86_SEG(seg, HV_X86_SEG_BASE));
    o->index0 = reg(g, in ? HV_X86_RDI : HV_X86_RSI);
    o->count = (info & SVM_IOIO_REP) ? reg(g, HV_X86_RCX) : 1;
    o->down = reg(g, HV_X86_RFLAGS) & RFLAGS_DF;
    if (in && snapshot) {
        memcpy(snapshot, g->ram, g->ram_size);
        o->snapshot = snapshot;
    }
}

static uint64_t element_la(const struct string_oracle *o, uint64_t i)
{
    uint64_t off = i * o->size;
    return o->base + (o->down ? o->index0 - off : o->index0 + off);
}

/* The rights for a byte, or UNKNOWN when an INS changed the tables under the walk (the CPU
 * walks again per element; the oracle can't tell which version applied). */
static enum verdict byte_rights(const struct string_oracle *o, const struct string_oracle_guest *g,
                                uint64_t la)
{
    enum verdict now = rights(g, g->ram, la, o->in, o->cpl);
    if (o->snapshot && rights(g, o->snapshot, la, o->in, o->cpl) != now)
        return UNKNOWN;
    return now;
}

static uint64_t reply_reg(const uint64_t r[6], unsigned len, uint64_t which, uint64_t dflt)
{
    if ((r[0] & HV_VCPU_RESUME_SET_A) && len >= 4 && r[2] == which)
        return r[3];
    if ((r[0] & HV_VCPU_RESUME_SET_B) && len >= 6 && r[4] == which)
        return r[5];
    return dflt;
}

void string_oracle_after(const struct string_oracle *o, const struct string_oracle_guest *g,
                         const uint64_t reply[6], unsigned len)
{
    if (!o->active || len == 0)
        return;
    uint64_t index = reply_reg(reply, len, o->in ? HV_X86_RDI : HV_X86_RSI, o->index0);
    uint64_t moved = o->down ? o->index0 - index : index - o->index0;
    CHECK(moved % o->size == 0);
    uint64_t done = moved / o->size;
    CHECK(done <= o->count);
    /* Every element done was allowed, to its last byte. */
    for (uint64_t i = 0; i < done; i++) {
        uint64_t la = element_la(o, i);
        for (unsigned b = 0; b < o->size; b++)
            CHECK(byte_rights(o, g, la + b) != REFUSED);
    }
    if (!(reply[0] & HV_VCPU_RESUME_FAULT) || (reply[1] & 0xff) != 14)
        return;
    /* A #PF: for the next element, at CR2, which must be refused, with the access's W and
     * U bits (a reserved bit is the VMM's business: the oracle does not model them). */
    uint32_t err = (uint32_t)(reply[1] >> 32);
    uint64_t la = element_la(o, done), cr2 = reg(g, HV_X86_CR2);
    CHECK(cr2 - la < o->size);
    CHECK(!!(err & PF_W) == o->in);
    CHECK(!!(err & PF_U) == (o->cpl == 3));
    if (!(err & PF_RSVD))
        CHECK(byte_rights(o, g, cr2) != ALLOWED);
}
