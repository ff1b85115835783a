/* The GICv3 distributor's registers, and the per-interrupt register bank it shares with the
 * redistributors' SGI_base frame (same offsets, private INTIDs there, SPIs here).
 * Access rules (GICv3 spec, 12.1.3): 32-bit registers take aligned 32-bit accesses;
 * IPRIORITYR and ITARGETSR take bytes too; IROUTER is 64-bit and may be accessed as two
 * aligned 32-bit halves. Anything else reads as zero and is ignored, and is counted. */
#include "aarch64/gicv3.h"
#include <hv/bits.h>

#define BANK_BITMAP_END 0x0400 /* IGROUPR .. ICACTIVER: 7 arrays of 32 words */
#define PRIORITY_END 0x0800
#define TARGETS_END 0x0c00
#define ICFGR_END 0x0d00
#define IROUTER_END 0x7fe0

static bool word_access(struct gicv3 *g, const char *frame, uint64_t off, unsigned size, bool write)
{
    if (size == 4 && off % 4 == 0)
        return true;
    gicv3_warn(g, GIC_WARN_ACCESS, frame, off, size, write);
    return false;
}

static bool byte_or_word_access(struct gicv3 *g, const char *frame, uint64_t off, unsigned size,
                                bool write)
{
    if ((size == 1 || size == 4) && off % size == 0)
        return true;
    gicv3_warn(g, GIC_WARN_ACCESS, frame, off, size, write);
    return false;
}

static bool irq_pending(const struct gic_irq *s)
{
    return s->latched || (!s->edge && s->line);
}

/* One bit of a bitmap register for interrupt s. */
static bool bitmap_bit(uint64_t base, const struct gic_irq *s)
{
    switch (base) {
    case GICD_IGROUPR:
        return s->group1;
    case GICD_ISENABLER:
    case GICD_ICENABLER:
        return s->enabled;
    case GICD_ISPENDR:
    case GICD_ICPENDR:
        return irq_pending(s);
    default:
        return s->active; /* ISACTIVER, ICACTIVER */
    }
}

static void bitmap_set(struct gicv3 *g, unsigned cpu, uint32_t intid, uint64_t base, bool bit)
{
    struct gic_irq *s = gicv3_irq(g, cpu, intid);
    switch (base) {
    case GICD_IGROUPR:
        if (s->group1 != bit) {
            s->group1 = bit;
            gicv3_reconsider(g, cpu, intid);
        }
        return;
    case GICD_ISENABLER:
        if (bit && !s->enabled) {
            s->enabled = true;
            gicv3_reconsider(g, cpu, intid);
        }
        return;
    case GICD_ICENABLER:
        if (bit)
            s->enabled = false;
        return;
    case GICD_ISPENDR:
        if (bit) {
            s->latched = true;
            gicv3_update(g, cpu, intid);
        }
        return;
    case GICD_ICPENDR:
        if (bit)
            s->latched = false; /* a level input that is still high stays pending */
        return;
    case GICD_ISACTIVER:
        if (bit)
            s->active = true;
        return;
    default: /* ICACTIVER */
        if (bit)
            s->active = false;
        return;
    }
}

/* What one access to the bank covers: count INTIDs from first, bits each, in the array at base. */
struct bank_access {
    const char *frame;
    uint64_t off;
    unsigned size;
    uint64_t base;
    uint32_t first;
    unsigned count, bits;
};

/* Finds the array off lies in; an access of the wrong size or alignment for it covers no
 * INTID (and is warned of). false: off is not in the bank. */
static bool bank_access(struct gicv3 *g, const char *frame, uint64_t off, unsigned size, bool write,
                        struct bank_access *a)
{
    bool ok;
    *a = (struct bank_access){.frame = frame, .off = off, .size = size};
    if (off >= GICD_IGROUPR && off < BANK_BITMAP_END) {
        a->base = off & ~0x7full; /* one of the seven bitmaps */
        a->bits = 1;
        ok = word_access(g, frame, off, size, write);
    } else if (off >= GICD_IPRIORITYR && off < PRIORITY_END) {
        a->base = GICD_IPRIORITYR;
        a->bits = 8;
        ok = byte_or_word_access(g, frame, off, size, write);
    } else if (off >= GICD_ICFGR && off < ICFGR_END) {
        a->base = GICD_ICFGR;
        a->bits = 2;
        ok = word_access(g, frame, off, size, write);
    } else {
        return false;
    }
    a->first = (uint32_t)(off - a->base) * 8 / a->bits;
    a->count = ok ? size * 8 / a->bits : 0;
    return true;
}

/* One INTID's field of the array at base, as the register shows it. */
static uint32_t field_read(uint64_t base, const struct gic_irq *s)
{
    if (base == GICD_IPRIORITYR)
        return s->priority;
    if (base == GICD_ICFGR)
        return s->edge ? 2 : 0; /* Int_config[1]: edge-triggered */
    return bitmap_bit(base, s);
}

static void icfgr_write(struct gicv3 *g, unsigned cpu, const struct bank_access *a, uint32_t intid,
                        bool edge)
{
    if (intid < 16) {
        if (!edge) /* SGIs are edge-triggered, whatever is written */
            gicv3_warn(g, GIC_WARN_READ_ONLY, a->frame, a->off, a->size, true);
        return;
    }
    struct gic_irq *s = gicv3_irq(g, cpu, intid);
    if (s->edge != edge) {
        s->edge = edge;
        s->in_lr = false;
        gicv3_update(g, cpu, intid);
    }
}

static void field_write(struct gicv3 *g, unsigned cpu, const struct bank_access *a, uint32_t intid,
                        uint32_t field)
{
    if (a->base == GICD_IPRIORITYR)
        gicv3_irq(g, cpu, intid)->priority = (uint8_t)field;
    else if (a->base == GICD_ICFGR)
        icfgr_write(g, cpu, a, intid, field >> 1 & 1);
    else
        bitmap_set(g, cpu, intid, a->base, field & 1);
}

bool gicv3_bank_read(struct gicv3 *g, unsigned cpu, uint32_t lo, uint32_t hi, uint64_t off,
                     unsigned size, uint64_t *value, const char *frame)
{
    *value = 0;
    struct bank_access a;
    if (!bank_access(g, frame, off, size, false, &a))
        return false;
    for (unsigned i = 0; i < a.count; i++) {
        uint32_t intid = a.first + i;
        if (intid >= lo && intid < hi)
            *value |= (uint64_t)field_read(a.base, gicv3_irq(g, cpu, intid)) << (a.bits * i);
    }
    return true;
}

bool gicv3_bank_write(struct gicv3 *g, unsigned cpu, uint32_t lo, uint32_t hi, uint64_t off,
                      unsigned size, uint64_t value, const char *frame)
{
    struct bank_access a;
    if (!bank_access(g, frame, off, size, true, &a))
        return false;
    uint32_t mask = (1u << a.bits) - 1;
    for (unsigned i = 0; i < a.count; i++) {
        uint32_t intid = a.first + i;
        if (intid >= lo && intid < hi)
            field_write(g, cpu, &a, intid, (uint32_t)(value >> (a.bits * i)) & mask);
    }
    return true;
}

bool gicv3_id_read(uint64_t off, unsigned size, uint64_t *value)
{
    /* PIDR4..7 at 0xffd0, PIDR0..3 at 0xffe0, CIDR0..3 at 0xfff0 (CoreSight layout). */
    static const uint8_t ids[12] = {0x04, 0x00, 0x00, 0x00, 0x00, 0xb0, GIC_PIDR2_ARCH_GICV3,
                                    0x00, 0x0d, 0xf0, 0x05, 0xb1};
    if (off < 0xffd0 || off > 0xfffc)
        return false;
    *value = size == 4 && off % 4 == 0 ? ids[(off - 0xffd0) / 4] : 0;
    return true;
}

static uint32_t ctlr_value(const struct gicv3 *g)
{
    return (g->grp0_enabled ? GICD_CTLR_ENABLE_GRP0 : 0) |
           (g->grp1_enabled ? GICD_CTLR_ENABLE_GRP1 : 0) | GICD_CTLR_ARE | GICD_CTLR_DS;
}

static uint32_t typer_value(void)
{
    /* ITLinesNumber: 32 * (N + 1) INTIDs; IDbits: 10-bit INTIDs; no LPIs, MBIS, ESPI or
     * security extensions; 1-of-N routing supported (No1N = 0). */
    return (GIC_NR_IRQS / 32 - 1) | 9u << GICD_TYPER_IDBITS_SHIFT;
}

/* IROUTER<n>: 64-bit, or an aligned 32-bit half. */
static bool irouter_access(struct gicv3 *g, uint64_t off, unsigned size, bool write,
                           uint64_t *value, uint64_t wvalue)
{
    if (!((size == 8 || size == 4) && off % size == 0)) {
        gicv3_warn(g, GIC_WARN_ACCESS, "gicd", off, size, write);
        return true;
    }
    uint32_t intid = (uint32_t)(off - GICD_IROUTER) / 8;
    unsigned shift = (off & 4) ? 32 : 0;
    if (intid < GIC_NR_PRIVATE) {
        gicv3_warn(g, GIC_WARN_RESERVED, "gicd", off, size, write);
        return true;
    }
    if (intid >= GIC_NR_IRQS)
        return true; /* an INTID this GIC does not implement: RAZ/WI */
    uint64_t *r = &g->irouter[intid - GIC_NR_PRIVATE];
    if (!write) {
        *value = (*r >> shift) & hv_size_mask(size);
        return true;
    }
    uint64_t mask = hv_size_mask(size) << shift;
    uint64_t next = ((*r & ~mask) | (wvalue << shift & mask)) & GIC_IROUTER_MASK;
    int before = gicv3_spi_target(g, intid);
    *r = next;
    if (gicv3_spi_target(g, intid) != before)
        gicv3_reconsider(g, 0, intid); /* a new vcpu may take what the old target could not */
    return true;
}

/* Registers that read as zero and ignore writes here by design: the security, legacy and
 * message-based ones that DS = 1, ARE = 1 and the absence of MBIS/LPIs make inert. */
static bool inert(uint64_t off)
{
    return off == 0x000c /* TYPER2 */ || off == 0x0010 /* STATUSR */ ||
           (off >= GICD_ITARGETSR && off < TARGETS_END) ||
           (off >= GICD_IGRPMODR && off < GICD_IGRPMODR + 0x80) ||
           (off >= GICD_NSACR && off < GICD_NSACR + 0x100) ||
           (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10);
}

static bool dist_read(void *dev, uint64_t off, unsigned size, uint64_t *value)
{
    struct gicv3 *g = dev;
    *value = 0;
    if (gicv3_bank_read(g, 0, GIC_NR_PRIVATE, GIC_NR_IRQS, off, size, value, "gicd"))
        return true;
    if (off >= GICD_IROUTER && off < IROUTER_END)
        return irouter_access(g, off, size, false, value, 0);
    if (off >= GICD_ITARGETSR && off < TARGETS_END) {
        byte_or_word_access(g, "gicd", off, size, false);
        return true;
    }
    if (inert(off) || (off >= 0xffd0 && off <= 0xfffc)) {
        if (word_access(g, "gicd", off, size, false) && !inert(off))
            gicv3_id_read(off, size, value);
        return true;
    }
    if (off == GICD_CTLR || off == GICD_TYPER || off == GICD_IIDR) {
        if (word_access(g, "gicd", off, size, false))
            *value = off == GICD_CTLR    ? ctlr_value(g)
                     : off == GICD_TYPER ? typer_value()
                                         : GIC_IIDR;
        return true;
    }
    gicv3_warn(g, GIC_WARN_RESERVED, "gicd", off, size, false);
    return true;
}

static bool dist_write(void *dev, uint64_t off, unsigned size, uint64_t value)
{
    struct gicv3 *g = dev;
    if (gicv3_bank_write(g, 0, GIC_NR_PRIVATE, GIC_NR_IRQS, off, size, value, "gicd"))
        return true;
    if (off >= GICD_IROUTER && off < IROUTER_END)
        return irouter_access(g, off, size, true, NULL, value);
    if (inert(off) || off == GICD_SGIR)
        return true;
    if (off == GICD_CTLR) {
        if (!word_access(g, "gicd", off, size, true))
            return true;
        bool grp0 = value & GICD_CTLR_ENABLE_GRP0, grp1 = value & GICD_CTLR_ENABLE_GRP1;
        bool more = (grp0 && !g->grp0_enabled) || (grp1 && !g->grp1_enabled);
        g->grp0_enabled = grp0;
        g->grp1_enabled = grp1;
        if (more)
            gicv3_reconsider_all(g);
        return true;
    }
    if (off == GICD_TYPER || off == GICD_IIDR || (off >= 0xffd0 && off <= 0xfffc)) {
        gicv3_warn(g, GIC_WARN_READ_ONLY, "gicd", off, size, true);
        return true;
    }
    gicv3_warn(g, GIC_WARN_RESERVED, "gicd", off, size, true);
    return true;
}

const struct vmm_mmio_ops gicv3_dist_ops = {.read = dist_read, .write = dist_write};
