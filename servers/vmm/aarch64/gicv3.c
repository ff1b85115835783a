/* The GICv3 model's state and delivery: which interrupts are pending, enabled and routed,
 * and when one is handed to the kernel's list registers (vcpu_inject).
 *
 * Delivery hands the pending state over: once injected, an edge interrupt's latch clears here
 * (the list register holds it now), and a level interrupt is marked in_lr until its device
 * lowers or re-asserts the line. The model never sees the guest's acknowledge or EOI. */
#include "aarch64/gicv3.h"
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>

#define MPIDR_AFF_MASK 0xff00ffffffull /* Aff3 39:32, Aff2 23:16, Aff1 15:8, Aff0 7:0 */

struct gic_irq *gicv3_irq(struct gicv3 *g, unsigned cpu, uint32_t intid)
{
    if (intid < GIC_NR_PRIVATE)
        return cpu < g->ncpus ? &g->cpu[cpu].priv[intid] : NULL;
    if (intid < GIC_NR_IRQS)
        return &g->spi[intid - GIC_NR_PRIVATE];
    return NULL;
}

static void reset_irq(struct gic_irq *s, bool edge)
{
    *s = (struct gic_irq){.edge = edge};
}

int gicv3_init(struct gicv3 *g, struct vmm *vmm, const uint64_t *mpidr)
{
    *g = (struct gicv3){.vmm = vmm, .ncpus = vmm->ncpus};
    for (unsigned c = 0; c < g->ncpus; c++) {
        struct gicv3_cpu *cpu = &g->cpu[c];
        cpu->mpidr = (mpidr ? mpidr[c] : c) & MPIDR_AFF_MASK;
        cpu->asleep = true; /* GICR_WAKER resets to ProcessorSleep | ChildrenAsleep */
        cpu->timer_mask_sent = UINT64_MAX; /* told at the first exit */
        for (unsigned i = 0; i < GIC_NR_PRIVATE; i++)
            reset_irq(&cpu->priv[i], i < 16); /* SGIs are always edge-triggered */
    }
    for (unsigned i = 0; i < GIC_NR_SPIS; i++)
        reset_irq(&g->spi[i], false);
    int r = vmm_bus_add(&vmm->bus, GICD_BASE, GICD_SIZE, &gicv3_dist_ops, g, "gicd");
    if (r == HV_OK)
        r = vmm_bus_add(&vmm->bus, GICR_BASE, GICR_STRIDE * g->ncpus, &gicv3_redist_ops, g, "gicr");
    return r;
}

void gicv3_warn(struct gicv3 *g, enum gic_warning kind, const char *frame, uint64_t offset,
                unsigned size, bool write)
{
    static const char *const what[GIC_WARN_KINDS] = {
        [GIC_WARN_RESERVED] = "reserved offset",
        [GIC_WARN_ACCESS] = "bad access size or alignment",
        [GIC_WARN_READ_ONLY] = "write to a read-only register",
        [GIC_WARN_GROUP0] = "group-0 interrupt (needs a virtual FIQ): not delivered",
    };
    if (hv_count_and_check(&g->warnings[kind]))
        vmm_logf(g->vmm, "gic: %s: %s+0x%lx, %u-byte %s (%lu times)", what[kind], frame,
                 (unsigned long)offset, size, write ? "write" : "read",
                 (unsigned long)g->warnings[kind]);
}

int gicv3_spi_target(const struct gicv3 *g, uint32_t intid)
{
    uint64_t route = g->irouter[intid - GIC_NR_PRIVATE];
    if (route & GIC_IROUTER_IRM) {
        /* 1 of N: any participating PE; prefer one that is awake. */
        for (unsigned c = 0; c < g->ncpus; c++)
            if (!g->cpu[c].asleep)
                return (int)c;
        return 0;
    }
    uint64_t aff = (route & 0xffffffull) | ((route >> 32) & 0xff) << 32;
    for (unsigned c = 0; c < g->ncpus; c++)
        if (g->cpu[c].mpidr == aff)
            return (int)c;
    return -1;
}

void gicv3_update(struct gicv3 *g, unsigned cpu, uint32_t intid)
{
    struct gic_irq *s = gicv3_irq(g, cpu, intid);
    if (!s)
        return;
    s->retry = false;
    bool pending = s->latched || (!s->edge && s->line && !s->in_lr);
    if (!pending || !s->enabled)
        return;
    if (!(s->group1 ? g->grp1_enabled : g->grp0_enabled))
        return;
    if (!s->group1) {
        /* vcpu_inject makes group-1 (IRQ) list-register entries only. */
        gicv3_warn(g, GIC_WARN_GROUP0, "intid", intid, 0, false);
        return;
    }
    int target = intid < GIC_NR_PRIVATE ? (int)cpu : gicv3_spi_target(g, intid);
    /* Delivered whatever GICR_WAKER says, as QEMU's GICv3 does (guests written for QEMU virt
     * rely on it; docs/conformance.md, GIC-A3): ProcessorSleep only steers 1-of-N routing. */
    if (target < 0)
        return; /* stays pending until routed */
    if (vmm_inject(g->vmm, (unsigned)target, intid, HV_A64_INJECT_PRIO(s->priority)) != HV_OK) {
        s->retry = true;
        g->retry_pending = true;
        return;
    }
    s->latched = false;
    if (!s->edge && s->line)
        s->in_lr = true;
}

/* Something that gates delivery changed (enable, group enable, routing, wake-up): a level
 * interrupt that is still high is delivered again, since the guest may have finished with
 * the earlier injection while it could not be taken. */
void gicv3_reconsider(struct gicv3 *g, unsigned cpu, uint32_t intid)
{
    struct gic_irq *s = gicv3_irq(g, cpu, intid);
    if (!s)
        return;
    s->in_lr = false;
    gicv3_update(g, cpu, intid);
}

void gicv3_reconsider_all(struct gicv3 *g)
{
    for (unsigned c = 0; c < g->ncpus; c++)
        for (uint32_t i = 0; i < GIC_NR_PRIVATE; i++)
            gicv3_reconsider(g, c, i);
    for (uint32_t i = GIC_NR_PRIVATE; i < GIC_NR_IRQS; i++)
        gicv3_reconsider(g, 0, i);
}

bool gicv3_set_level(struct gicv3 *g, uint32_t intid, bool level)
{
    if (intid < GIC_NR_PRIVATE || intid >= GIC_NR_IRQS)
        return false;
    struct gic_irq *s = &g->spi[intid - GIC_NR_PRIVATE];
    bool rising = level && !s->line;
    s->line = level;
    if (!level) {
        s->in_lr = false;
        return true;
    }
    if (s->edge) {
        if (!rising)
            return true;
        s->latched = true;
    } else {
        s->in_lr = false; /* re-asserted after a guest access: deliver again (docs/vmm.md) */
    }
    gicv3_update(g, 0, intid);
    return true;
}

bool gicv3_pulse(struct gicv3 *g, uint32_t intid)
{
    if (intid < GIC_NR_PRIVATE || intid >= GIC_NR_IRQS)
        return false;
    g->spi[intid - GIC_NR_PRIVATE].latched = true;
    gicv3_update(g, 0, intid);
    return true;
}

static void line_set(void *ctrl, uint32_t line, bool level)
{
    gicv3_set_level(ctrl, line, level);
}

struct vmm_irq_line gicv3_line(struct gicv3 *g, uint32_t intid)
{
    return (struct vmm_irq_line){line_set, g, intid};
}

/* ICC_SGI1R_EL1 fields (GICv3 spec, 12.2.21): TargetList 15:0, Aff1 23:16, INTID 27:24,
 * Aff2 39:32, IRM 40, RS 47:44, Aff3 55:48. */
static bool sgi_targets(const struct gicv3 *g, unsigned src, unsigned c, uint64_t v)
{
    if (v >> 40 & 1)
        return c != src; /* IRM: every PE but the sender */
    uint64_t mpidr = g->cpu[c].mpidr;
    uint64_t upper = ((v >> 16) & 0xff) << 8 | ((v >> 32) & 0xff) << 16 | ((v >> 48) & 0xff) << 32;
    if ((mpidr & ~0xffull) != upper)
        return false;
    unsigned aff0 = mpidr & 0xff, first = (unsigned)((v >> 44) & 0xf) * 16;
    return aff0 >= first && aff0 < first + 16 && (v >> (aff0 - first) & 1);
}

void gicv3_send_sgi(struct gicv3 *g, unsigned src, uint64_t value, bool group1)
{
    uint32_t sgi = (uint32_t)(value >> 24) & 0xf;
    for (unsigned c = 0; c < g->ncpus; c++) {
        if (!sgi_targets(g, src, c, value))
            continue;
        struct gic_irq *s = &g->cpu[c].priv[sgi];
        if (s->group1 != group1)
            continue; /* an SGI is only generated for the group it is configured in */
        s->latched = true;
        gicv3_update(g, c, sgi);
    }
}

void gicv3_sync(struct gicv3 *g)
{
    if (!g->retry_pending)
        return;
    g->retry_pending = false;
    for (unsigned c = 0; c < g->ncpus; c++)
        for (uint32_t i = 0; i < GIC_NR_PRIVATE; i++)
            if (g->cpu[c].priv[i].retry)
                gicv3_update(g, c, i);
    for (uint32_t i = GIC_NR_PRIVATE; i < GIC_NR_IRQS; i++)
        if (g->spi[i - GIC_NR_PRIVATE].retry)
            gicv3_update(g, 0, i);
}
