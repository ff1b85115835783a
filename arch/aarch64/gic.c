/* GICv3 at EL2: distributor, this CPU's redistributor and system-register CPU interface. */
#include "sysreg.h"
#include "guest.h"
#include "trap.h"
#include <arch.h>
#include <hv/abi/syscall.h>
#include <arch_core.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <platform.h>

#define GICD_CTLR 0x0000
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_ENABLE_G1 (1u << 1)

#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00 /* two bits per INTID; the upper one set: edge-triggered */
#define GICD_IROUTER 0x6000
#define GIC_FIRST_SPI 32
#define GIC_MAX_LINES 1020

#define GICR_WAKER 0x0014
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_SGI_BASE 0x10000
#define GICR_IGROUPR0 (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI_BASE + 0x0180)
#define GICR_IPRIORITYR (GICR_SGI_BASE + 0x0400)

#define ICC_SRE_ENABLE_ALL 0xf /* SRE, DFB, DIB, and EL1 may use the system registers */
#define GIC_SPURIOUS 1023
#define GIC_PRIORITY_DEFAULT 0x80

static volatile uint32_t *gicd(unsigned off)
{
    return (volatile uint32_t *)(KERNEL_VIRT_OFFSET + PLAT_GICD_BASE + off);
}

static volatile uint32_t *gicr(unsigned off)
{
    return (volatile uint32_t *)(KERNEL_VIRT_OFFSET + PLAT_GICR_BASE + off);
}

static void gicd_wait_rwp(void)
{
    while (*gicd(GICD_CTLR) & GICD_CTLR_RWP)
        ;
}

void arch_irq_init(void)
{
    /* QEMU's virt GIC has a single security state (GICD_CTLR.DS=1): group 1 is ours. */
    *gicd(GICD_CTLR) = 0;
    gicd_wait_rwp();
    *gicd(GICD_CTLR) = GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1;
    gicd_wait_rwp();

    *gicr(GICR_WAKER) &= ~GICR_WAKER_PROCESSOR_SLEEP;
    while (*gicr(GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
        ;
    *gicr(GICR_IGROUPR0) = 0xffffffffu;

    write_sysreg(S3_4_C12_C9_5, ICC_SRE_ENABLE_ALL); /* ICC_SRE_EL2 */
    isb();
    write_sysreg(S3_0_C4_C6_0, 0xff);                /* ICC_PMR_EL1: let every priority in */
    /* ICC_CTLR_EL1.EOImode=1: EOI only drops the priority, deactivation is separate, so
     * the guest's virtual timer PPI can stay active until the guest itself EOIs it. */
    write_sysreg(S3_0_C12_C12_4, 2);
    write_sysreg(S3_0_C12_C12_7, 1);                 /* ICC_IGRPEN1_EL1 */
    isb();
}

/* Enables a private (SGI/PPI) interrupt of this CPU. */
void gic_enable_ppi(unsigned intid)
{
    volatile uint8_t *prio = (volatile uint8_t *)gicr(GICR_IPRIORITYR);
    prio[intid] = GIC_PRIORITY_DEFAULT;
    *gicr(GICR_ISENABLER0) = 1u << intid;
}

static void deactivate(uint64_t intid)
{
    write_sysreg(S3_0_C12_C11_1, intid); /* ICC_DIR_EL1 */
}

/* One of the guest's timers (virtual, PPI 27, or EL1 physical, PPI 30) fired while it ran.
 * The exit has turned the timer off, so the PPI can be deactivated at once; the guest's entry
 * makes it active again (guest_switch.c) while a list register holds it with HW=1 (the
 * guest's EOI deactivates it) or while the VMM's GIC masks it (held back, as a disabled PPI
 * is). Without a free register it goes through the queue as a plain interrupt. */
static void guest_timer(struct a64_vcpu *g, unsigned intid)
{
    deactivate(intid);
    if (g && !vcpu_timer_fired(g, intid))
        arch_vcpu_inject((struct arch_vcpu *)(void *)g, intid, 0x80);
}

uint64_t gic_ack(void)
{
    return read_sysreg(S3_0_C12_C12_0); /* ICC_IAR1_EL1 */
}

void gic_handle_acked(uint64_t intid, struct a64_vcpu *g)
{
    if (intid == GIC_SPURIOUS)
        return;
    write_sysreg(S3_0_C12_C12_1, intid);          /* ICC_EOIR1_EL1: priority drop */
    if (intid == VCPU_TIMER_INTID || intid == VCPU_PTIMER_INTID) {
        guest_timer(g, (unsigned)intid);
        return;
    }
    if (intid == PLAT_IRQ_HYP_TIMER)
        kernel_timer_interrupt();
    else if (intid == VCPU_MAINT_INTID)
        ; /* list registers ran low: refilled at the next guest entry */
    else if (intid < arch_irq_count() && !arch_irq_reserved((unsigned)intid))
        irq_deliver((unsigned)intid); /* masks the line until the handler acks it */
    else
        printk("gic: unexpected interrupt %lu\n", intid);
    deactivate(intid);
}

void gic_handle_irq(void)
{
    gic_handle_acked(gic_ack(), NULL);
}

void arch_irq_enable(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}

void arch_irq_disable(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

void arch_wait_for_interrupt(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

/* WFI with interrupts masked: a pending one ends it without being taken (the ARM ARM's WFI
 * wake-up events ignore PSTATE.I), and is taken at the unmask after it. Unmasking first lost
 * wake-ups: an interrupt pending at the unmask ran its handler before the WFI, which then
 * slept with the thread it readied until the next timer interrupt (5 % of 4 KiB disk reads
 * took up to 5 ms more; docs/storage.md, "A lost wake-up"). */
void arch_idle(void)
{
    __asm__ volatile("wfi\n\t"
                     "msr daifclr, #2\n\t"
                     "isb\n\t" /* a pending interrupt is taken here, before the mask again */
                     "msr daifset, #2" ::: "memory");
}

unsigned arch_irq_count(void)
{
    unsigned lines = 32 * ((*gicd(GICD_TYPER) & 0x1f) + 1);
    return lines < GIC_MAX_LINES ? lines : GIC_MAX_LINES;
}

/* SGIs and PPIs belong to the kernel (its timer, later the guests' timers and IPIs). */
bool arch_irq_reserved(unsigned irq)
{
    return irq < GIC_FIRST_SPI;
}

/* SPIs are level-sensitive or rising-edge (GICv3 §4.1.1): no active-low lines. */
bool arch_irq_trigger_ok(unsigned irq, unsigned trigger)
{
    return irq >= GIC_FIRST_SPI && irq < arch_irq_count() &&
           (trigger == HV_IRQ_EDGE_HIGH || trigger == HV_IRQ_LEVEL_HIGH);
}

void arch_irq_set_trigger(unsigned irq, unsigned trigger)
{
    if (irq < GIC_FIRST_SPI || irq >= arch_irq_count())
        return;
    /* Changed only while the line is disabled (claimed lines are, until bound). */
    arch_irq_mask(irq);
    volatile uint32_t *cfg = gicd(GICD_ICFGR + 4 * (irq / 16));
    uint32_t edge = 2u << (2 * (irq % 16));
    *cfg = trigger == HV_IRQ_EDGE_HIGH ? *cfg | edge : *cfg & ~edge;
}

void arch_irq_mask(unsigned irq)
{
    *gicd(GICD_ICENABLER + 4 * (irq / 32)) = 1u << (irq % 32);
    gicd_wait_rwp();
}

void arch_irq_unmask(unsigned irq)
{
    /* Group 1, default priority, routed to this CPU (affinity 0.0.0.0, IRM=0). */
    *gicd(GICD_IGROUPR + 4 * (irq / 32)) |= 1u << (irq % 32);
    ((volatile uint8_t *)gicd(GICD_IPRIORITYR))[irq] = GIC_PRIORITY_DEFAULT;
    *(volatile uint64_t *)gicd(GICD_IROUTER + 8 * irq) = 0;
    *gicd(GICD_ISENABLER + 4 * (irq / 32)) = 1u << (irq % 32);
}
