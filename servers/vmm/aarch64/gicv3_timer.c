/* The generic timers' PPIs in the GICv3 model: the kernel delivers them itself, and this file
 * keeps that delivery to what the guest configured in the model and shows the timers' levels in
 * the pending registers.
 *
 * The virtual timer (PPI 27) and the EL1 physical timer (PPI 30) are taken by the kernel and put
 * in a list register with HW=1, so that the guest's EOI deactivates the physical interrupt: the
 * model never sees them pass. So after every exit the model tells the kernel which of the two
 * it would hold back (disabled, group 0, or group 1 disabled at the distributor) through the
 * vcpu register HV_A64_TIMER_MASK, and a read of GICR_ISPENDR0 / ICPENDR0 adds the timers'
 * output levels, read from the kernel (HV_A64_TIMER_LEVEL): a level-sensitive PPI reads pending
 * while its source asserts it, delivered or not (GICv3 spec, "Interrupt handling state
 * machine"; QEMU's GICv3 does the same). */
#include "aarch64/gicv3.h"
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>

static const uint32_t timer_ppis[] = {HV_A64_VTIMER_PPI, HV_A64_PTIMER_PPI};

uint64_t gicv3_timer_mask(const struct gicv3 *g, unsigned cpu)
{
    uint64_t mask = 0;
    for (unsigned i = 0; i < sizeof(timer_ppis) / sizeof(timer_ppis[0]); i++) {
        const struct gic_irq *s = &g->cpu[cpu].priv[timer_ppis[i]];
        if (!s->enabled || !s->group1 || !g->grp1_enabled)
            mask |= 1ull << timer_ppis[i];
    }
    return mask;
}

void gicv3_timer_sync(struct gicv3 *g)
{
    for (unsigned c = 0; c < g->ncpus; c++) {
        uint64_t mask = gicv3_timer_mask(g, c);
        if (mask != g->cpu[c].timer_mask_sent &&
            vmm_vcpu_write(g->vmm, c, HV_A64_TIMER_MASK, mask) == HV_OK)
            g->cpu[c].timer_mask_sent = mask;
    }
}

uint32_t gicv3_timer_pending(struct gicv3 *g, unsigned cpu)
{
    uint64_t level;
    if (vmm_vcpu_read(g->vmm, cpu, HV_A64_TIMER_LEVEL, &level) != HV_OK)
        return 0;
    return (uint32_t)(level & HV_A64_TIMER_PPIS);
}
