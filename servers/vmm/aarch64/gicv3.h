/* The GICv3 a partition sees: a distributor and one redistributor per vcpu, at QEMU virt's
 * addresses, in the single security state (GICD_CTLR.DS = 1) with affinity routing always on
 * (ARE = 1), no LPIs and no ITS. The CPU interface is virtualised by the hardware (the
 * kernel's list registers); this model only decides which interrupts to inject, with which
 * priority, and when. docs/vmm.md, "GICv3", says what it refuses and why. */
#pragma once

#include "core/irq_line.h"
#include "core/vmm.h"
#include <hv/proto/guest_layout_aarch64.h>
#include <stdbool.h>
#include <stdint.h>

/* Where the partition's device tree says they are. */
#define GICD_BASE HV_A64_GUEST_GICD
#define GICD_SIZE HV_A64_GUEST_GICD_SIZE
#define GICR_BASE HV_A64_GUEST_GICR
#define GICR_STRIDE HV_A64_GUEST_GICR_STRIDE /* one redistributor: 128 KiB */
#define GICR_FRAME_SIZE 0x10000ull           /* RD_base, then SGI_base (GICv3 spec 12.10) */
_Static_assert(GICR_STRIDE == 2 * GICR_FRAME_SIZE, "a redistributor is its two frames");

#define GIC_NR_PRIVATE 32
#define GIC_NR_IRQS 128 /* INTIDs 0..127: SPIs 32..127 (virtio-mmio slot n is SPI 16+n, 48+n) */
#define GIC_NR_SPIS (GIC_NR_IRQS - GIC_NR_PRIVATE)
#define GIC_SPURIOUS 1023

/* Distributor register offsets (GICv3 spec, 12.9). */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR 0x0800
#define GICD_ICFGR 0x0c00
#define GICD_IGRPMODR 0x0d00
#define GICD_NSACR 0x0e00
#define GICD_SGIR 0x0f00
#define GICD_CPENDSGIR 0x0f10
#define GICD_SPENDSGIR 0x0f20
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8

#define GICD_CTLR_ENABLE_GRP0 (1u << 0)
#define GICD_CTLR_ENABLE_GRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_DS (1u << 6)
#define GICD_TYPER_IDBITS_SHIFT 19
#define GIC_IROUTER_IRM (1ull << 31)
#define GIC_IROUTER_MASK 0xff80ffffffull /* Aff3, IRM, Aff2, Aff1, Aff0; the rest RES0 */

/* Redistributor offsets: RD_base frame, then SGI_base frame (+64 KiB) (GICv3 spec, 12.10/11). */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_STATUSR 0x0010
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_TYPER_PROCESSOR_SHIFT 8
#define GICR_TYPER_AFFINITY_SHIFT 32
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04

/* Architected identification values. */
#define GIC_PIDR2_ARCH_GICV3 0x3b /* ArchRev 3, JEDEC, Arm's JEP106 identity bits */
#define GIC_IIDR 0x00000000u      /* no JEP106 implementer: matches no hardware erratum */

/* One interrupt as the model keeps it. */
struct gic_irq {
    uint8_t priority;
    bool group1; /* IGROUPR: Linux puts everything in group 1 */
    bool enabled;
    bool edge;    /* ICFGR: edge-triggered (else level-sensitive) */
    bool latched; /* pending by an edge, a pulse or ISPENDR, and not yet injected */
    bool line;    /* the device's input level */
    bool in_lr;   /* level: injected since the line last rose or was resampled */
    bool active;  /* ISACTIVER as the guest wrote it (the real state is in the list registers) */
    bool retry;   /* deliverable but the kernel refused the injection: gicv3_sync retries */
};

struct gicv3_cpu {
    uint64_t mpidr; /* the vcpu's affinity, MPIDR_EL1 layout (Aff3 39:32, Aff2..Aff0 23:0) */
    bool asleep;    /* GICR_WAKER.ProcessorSleep: read back, and avoided by 1-of-N routing */
    struct gic_irq priv[GIC_NR_PRIVATE]; /* SGIs 0..15, PPIs 16..31 */
    uint64_t timer_mask_sent; /* HV_A64_TIMER_MASK as the kernel has it (UINT64_MAX: unknown) */
};

/* Kinds of guest mistakes the model counts (and logs at powers of two). */
enum gic_warning {
    GIC_WARN_RESERVED,  /* access to a reserved offset */
    GIC_WARN_ACCESS,    /* wrong size or alignment for the register */
    GIC_WARN_READ_ONLY, /* write to a read-only register */
    GIC_WARN_GROUP0,    /* a group-0 interrupt would need a virtual FIQ: not delivered */
    GIC_WARN_KINDS,
};

struct gicv3 {
    struct vmm *vmm;
    unsigned ncpus;
    bool grp0_enabled, grp1_enabled; /* GICD_CTLR.EnableGrp0/EnableGrp1 */
    bool retry_pending;              /* some interrupt has retry set */
    struct gicv3_cpu cpu[VMM_MAX_CPUS];
    struct gic_irq spi[GIC_NR_SPIS];
    uint64_t irouter[GIC_NR_SPIS];
    uint64_t warnings[GIC_WARN_KINDS];
};

/* Resets the model for vmm->ncpus vcpus whose affinities are mpidr[0..ncpus) and puts the
 * distributor and the redistributors on vmm's bus. Returns HV_OK or the bus's error. */
int gicv3_init(struct gicv3 *g, struct vmm *vmm, const uint64_t *mpidr);

/* A device's line into SPI intid changed or was re-asserted (core/irq_line.h contract). An
 * INTID that is not an implemented SPI is ignored and false returned. */
bool gicv3_set_level(struct gicv3 *g, uint32_t intid, bool level);
/* An edge: the SPI becomes pending whatever its input level. */
bool gicv3_pulse(struct gicv3 *g, uint32_t intid);
/* An interrupt line for a device model, wired to SPI intid. */
struct vmm_irq_line gicv3_line(struct gicv3 *g, uint32_t intid);

/* A trapped write to ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 (group1) or ICC_SGI0R_EL1 (group 0) by
 * vcpu src: the SGI becomes pending on every targeted vcpu whose SGI has that group. */
void gicv3_send_sgi(struct gicv3 *g, unsigned src, uint64_t value, bool group1);

/* Retries injections the kernel refused earlier (call after each exit). */
void gicv3_sync(struct gicv3 *g);

/* The timers' PPIs, which the kernel delivers itself (gicv3_timer.c). The mask of them that
 * vcpu cpu's redistributor would hold back (bit n: PPI n), and telling the kernel each vcpu's
 * mask when it changed (call after each exit, before the guest resumes). */
uint64_t gicv3_timer_mask(const struct gicv3 *g, unsigned cpu);
void gicv3_timer_sync(struct gicv3 *g);
/* The timer PPIs whose source asserts them on vcpu cpu, read from the kernel (0 if it can't
 * say): pending in GICR_ISPENDR0 whatever the model's own state. */
uint32_t gicv3_timer_pending(struct gicv3 *g, unsigned cpu);

/* The state of one interrupt for vcpu cpu (private INTIDs) or of an SPI; NULL if not
 * implemented. */
struct gic_irq *gicv3_irq(struct gicv3 *g, unsigned cpu, uint32_t intid);

/* ---- internal, shared by gicv3.c, gicv3_dist.c and gicv3_redist.c ---- */
void gicv3_update(struct gicv3 *g, unsigned cpu, uint32_t intid);
/* The vcpu an SPI is routed to, or -1 when its IROUTER names no vcpu of the partition. */
int gicv3_spi_target(const struct gicv3 *g, uint32_t intid);
void gicv3_reconsider(struct gicv3 *g, unsigned cpu, uint32_t intid);
void gicv3_reconsider_all(struct gicv3 *g);
void gicv3_warn(struct gicv3 *g, enum gic_warning kind, const char *frame, uint64_t offset,
                unsigned size, bool write);
/* The registers shared by the distributor (SPIs) and the SGI_base frame (private INTIDs):
 * offsets 0x080..0xcff, INTIDs [lo, hi) implemented in this frame. false: not such a register. */
bool gicv3_bank_read(struct gicv3 *g, unsigned cpu, uint32_t lo, uint32_t hi, uint64_t offset,
                     unsigned size, uint64_t *value, const char *frame);
bool gicv3_bank_write(struct gicv3 *g, unsigned cpu, uint32_t lo, uint32_t hi, uint64_t offset,
                      unsigned size, uint64_t value, const char *frame);
/* The CoreSight-style identification registers 0xffd0..0xfffc: false if not one. */
bool gicv3_id_read(uint64_t offset, unsigned size, uint64_t *value);
extern const struct vmm_mmio_ops gicv3_dist_ops, gicv3_redist_ops;
