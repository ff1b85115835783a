/* Driving QEMU virt's GICv3 from a test guest: distributor and the first redistributor through
 * MMIO, the CPU interface through ICC_* system registers (GICv3 spec IHI 0069H). */
#include <guest/a64.h>
#include <guest/gicv3.h>

#define CTLR_ENABLE_GRP1 (1u << 1) /* GICD_CTLR with DS = 1 (one security state) */
#define CTLR_ARE (1u << 4)
#define GICD_CTLR_RWP (1u << 31)
#define GICR_CTLR_RWP (1u << 3)

uint32_t gicd_read(uint32_t off)
{
    return mmio_read32(VIRT_GICD + off);
}

uint32_t gicr_read(uint32_t off)
{
    return mmio_read32(VIRT_GICR + off);
}

void gicr_write(uint32_t off, uint32_t v)
{
    mmio_write32(VIRT_GICR + off, v);
}

/* Register writes take effect once GICD_CTLR.RWP / GICR_CTLR.RWP read 0; bounded. */
static void wait_rwp(uintptr_t ctlr, uint32_t bit)
{
    for (unsigned i = 0; i < 100000 && (mmio_read32(ctlr) & bit); i++)
        ;
}

void gic_init(bool wake)
{
    mmio_write32(VIRT_GICD + GICD_CTLR, CTLR_ARE | CTLR_ENABLE_GRP1);
    wait_rwp(VIRT_GICD + GICD_CTLR, GICD_CTLR_RWP);
    if (wake) {
        gicr_write(GICR_WAKER, gicr_read(GICR_WAKER) & ~WAKER_PROCESSOR_SLEEP);
        for (unsigned i = 0; i < 100000 && (gicr_read(GICR_WAKER) & WAKER_CHILDREN_ASLEEP); i++)
            ;
    }
    gicr_write(GICR_IGROUPR0, 0xffffffffu);
    for (unsigned n = 0; n < 32; n += 4)
        gicr_write(GICR_IPRIORITYR(n), 0x80808080u);
    write_sysreg(icc_sre_el1, read_sysreg(icc_sre_el1) | 1);
    isb();
    write_sysreg(icc_pmr_el1, 0xff);
    write_sysreg(icc_bpr1_el1, 0);
    write_sysreg(icc_ctlr_el1, 0); /* EOImode 0: EOIR1 drops priority and deactivates */
    write_sysreg(icc_igrpen1_el1, 1);
    isb();
}

void gic_enable(unsigned intid, bool on)
{
    if (intid >= 32)
        return; /* SPIs are not used by the checks */
    gicr_write(on ? GICR_ISENABLER0 : GICR_ICENABLER0, 1u << intid);
    wait_rwp(VIRT_GICR, GICR_CTLR_RWP);
}

void gic_send_sgi_self(unsigned intid)
{
    /* ICC_SGI1R_EL1: INTID in bits 27:24, affinity 0.0.0, target list bit 0 (Aff0 = 0). */
    write_sysreg(icc_sgi1r_el1, (uint64_t)(intid & 0xf) << 24 | 1);
    isb();
}

bool gic_pending(unsigned intid)
{
    return intid < 32 && (gicr_read(GICR_ISPENDR0) >> intid & 1);
}
