/* The GICv3 redistributors, one per vcpu, 128 KiB apart: the RD_base frame (control,
 * identification, the WAKER handshake) and the SGI_base frame (the SGIs' and PPIs' group,
 * enable, pending, active, priority and configuration). No LPIs: their registers are inert. */
#include "aarch64/gicv3.h"
#include <hv/bits.h>

#define SGI_FRAME_IGROUPR0 0x0080
#define SGI_FRAME_PRIORITY_END 0x0420

static uint64_t typer_value(const struct gicv3 *g, unsigned cpu)
{
    uint64_t mpidr = g->cpu[cpu].mpidr;
    uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24; /* Aff3.Aff2.Aff1.Aff0 */
    return aff << GICR_TYPER_AFFINITY_SHIFT | (uint64_t)cpu << GICR_TYPER_PROCESSOR_SHIFT |
           (cpu + 1 == g->ncpus ? GICR_TYPER_LAST : 0);
}

static uint32_t waker_value(const struct gicv3 *g, unsigned cpu)
{
    /* ChildrenAsleep follows ProcessorSleep at once: there is nothing to quiesce. */
    return g->cpu[cpu].asleep ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0;
}

/* RD_base registers that are inert without LPIs: CTLR, STATUSR, SETLPIR, CLRLPIR,
 * PROPBASER, PENDBASER, INVLPIR, INVALLR, SYNCR. */
static bool rd_inert(uint64_t off)
{
    return off == GICR_CTLR || off == GICR_STATUSR || off == 0x0040 || off == 0x0044 ||
           off == 0x0048 || off == 0x004c || (off >= 0x0070 && off < 0x0080) || off == 0x00a0 ||
           off == 0x00a4 || off == 0x00b0 || off == 0x00b4 || off == 0x00c0;
}

static bool access_ok(struct gicv3 *g, const char *frame, uint64_t off, unsigned size, bool write,
                      bool wide)
{
    if ((size == 4 || (wide && size == 8)) && off % size == 0)
        return true;
    gicv3_warn(g, GIC_WARN_ACCESS, frame, off, size, write);
    return false;
}

static void rd_read(struct gicv3 *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *value)
{
    if (off >= GICR_TYPER && off < GICR_TYPER + 8) {
        if (access_ok(g, "gicr", off, size, false, true))
            *value = (typer_value(g, cpu) >> (8 * (off - GICR_TYPER))) & hv_size_mask(size);
        return;
    }
    if (off == GICR_IIDR || off == GICR_WAKER || rd_inert(off)) {
        if (access_ok(g, "gicr", off, size, false, off != GICR_IIDR && off != GICR_WAKER))
            *value = off == GICR_IIDR ? GIC_IIDR : off == GICR_WAKER ? waker_value(g, cpu) : 0;
        return;
    }
    if (off >= 0xffd0 && off <= 0xfffc) {
        if (access_ok(g, "gicr", off, size, false, false))
            gicv3_id_read(off, size, value);
        return;
    }
    gicv3_warn(g, GIC_WARN_RESERVED, "gicr", off, size, false);
}

static void rd_write(struct gicv3 *g, unsigned cpu, uint64_t off, unsigned size, uint64_t value)
{
    if (off == GICR_WAKER) {
        if (!access_ok(g, "gicr", off, size, true, false))
            return;
        bool sleep = value & GICR_WAKER_PROCESSOR_SLEEP;
        bool woke = g->cpu[cpu].asleep && !sleep;
        g->cpu[cpu].asleep = sleep;
        if (woke)
            gicv3_reconsider_all(g); /* what waited for this PE can be forwarded now */
        return;
    }
    if (rd_inert(off))
        return;
    if (off == GICR_IIDR || (off >= GICR_TYPER && off < GICR_TYPER + 8) ||
        (off >= 0xffd0 && off <= 0xfffc)) {
        gicv3_warn(g, GIC_WARN_READ_ONLY, "gicr", off, size, true);
        return;
    }
    gicv3_warn(g, GIC_WARN_RESERVED, "gicr", off, size, true);
}

/* SGI_base: only the first word of each bitmap, the first 8 priority words and ICFGR0/1 exist. */
static bool sgi_implemented(uint64_t off)
{
    if (off >= SGI_FRAME_IGROUPR0 && off < 0x0400)
        return (off & 0x7f) < 4;
    return (off >= GICD_IPRIORITYR && off < SGI_FRAME_PRIORITY_END) ||
           (off >= GICR_ICFGR0 && off < GICR_ICFGR1 + 4);
}

/* IGRPMODR0 and NSACR: inert with DS = 1. */
static bool sgi_inert(uint64_t off)
{
    return (off >= 0x0d00 && off < 0x0d04) || (off >= 0x0e00 && off < 0x0e04);
}

/* The SGI_base frame's registers; the pending ones show the timers' levels too (the kernel
 * delivers the timers, gicv3_timer.c). */
static void sgi_read(struct gicv3 *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *value)
{
    gicv3_bank_read(g, cpu, 0, GIC_NR_PRIVATE, off, size, value, "gicr-sgi");
    if ((off == GICD_ISPENDR || off == GICD_ICPENDR) && size == 4)
        *value |= gicv3_timer_pending(g, cpu);
}

/* Routes an access to its vcpu's RD_base or SGI_base frame; value is read into or written from. */
static void redist_access(struct gicv3 *g, uint64_t off, unsigned size, bool write, uint64_t *value)
{
    unsigned cpu = (unsigned)(off / GICR_STRIDE);
    uint64_t in = off % GICR_STRIDE;
    if (in < GICR_FRAME_SIZE) {
        if (write)
            rd_write(g, cpu, in, size, *value);
        else
            rd_read(g, cpu, in, size, value);
        return;
    }
    in -= GICR_FRAME_SIZE;
    if (sgi_implemented(in) && write)
        gicv3_bank_write(g, cpu, 0, GIC_NR_PRIVATE, in, size, *value, "gicr-sgi");
    else if (sgi_implemented(in))
        sgi_read(g, cpu, in, size, value);
    else if (sgi_inert(in))
        access_ok(g, "gicr-sgi", in, size, write, false);
    else
        gicv3_warn(g, GIC_WARN_RESERVED, "gicr-sgi", in, size, write);
}

static bool redist_read(void *dev, uint64_t off, unsigned size, uint64_t *value)
{
    *value = 0;
    redist_access(dev, off, size, false, value);
    return true;
}

static bool redist_write(void *dev, uint64_t off, unsigned size, uint64_t value)
{
    redist_access(dev, off, size, true, &value);
    return true;
}

const struct vmm_mmio_ops gicv3_redist_ops = {.read = redist_read, .write = redist_write};
