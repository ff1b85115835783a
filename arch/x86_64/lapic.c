/* The local APIC in xAPIC mode, through its MMIO page (SDM vol. 3A ch. 11): enabled with a
 * spurious vector, its timer (one-shot) as the kernel's tick and guests' deadlines. */
#include "cpu.h"
#include "intc.h"
#include <arch.h>
#include <kernel/printk.h>
#include <platform.h>

/* Register offsets (SDM vol. 3A table 11-1). */
#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0

#define LAPIC_SVR_ENABLE (1u << 8)
#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_TIMER_DIVIDE_16 0x3 /* SDM vol. 3A figure 11-10 */

#define CALIBRATION_HZ 50 /* measure over 1/50 s */

static volatile uint32_t *lapic_reg(unsigned off)
{
    return (volatile uint32_t *)((char *)arch_phys_to_virt(pa_init(PLAT_LAPIC_BASE)) + off);
}

static uint32_t lapic_read(unsigned off)
{
    return *lapic_reg(off);
}

static void lapic_write(unsigned off, uint32_t v)
{
    *lapic_reg(off) = v;
}

void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE), addr = base & APIC_BASE_ADDR_MASK;

    /* Only the MMIO page kernel_pt_init mapped is reachable. */
    if (addr != PLAT_LAPIC_BASE) {
        printk("lapic: at 0x%lx, not 0x%lx\n", addr, (uint64_t)PLAT_LAPIC_BASE);
        arch_poweroff(false);
    }
    if (!(base & APIC_BASE_EN))
        wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EN);
    /* The BIOS wires the 8259 to LINT0 as ExtINT: masked, no legacy interrupt gets in. */
    lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
    lapic_write(LAPIC_TPR, 0); /* accept every priority class */
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | X86_VECTOR_SPURIOUS);
}

unsigned lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24; /* xAPIC: bits 31:24 (SDM vol. 3A 11.4.6) */
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

void lapic_resync(void)
{
    /* A TPR write makes QEMU's APIC recompute its output on the CPU's own thread (it raises
     * the CPU's interrupt line for the highest deliverable IRR vector); on hardware it is a
     * harmless write of the value the TPR already holds. */
    lapic_write(LAPIC_TPR, 0);
}

uint64_t lapic_timer_calibrate(void)
{
    /* One-shot from the largest count, masked, while the HPET measures the window. */
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | X86_VECTOR_TIMER);
    lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_16);
    lapic_write(LAPIC_TIMER_INITIAL, UINT32_MAX);
    uint64_t t0 = hpet_now(), window = hpet_hz() / CALIBRATION_HZ, t1;
    while ((t1 = hpet_now()) - t0 < window)
        ;
    uint32_t counted = UINT32_MAX - lapic_read(LAPIC_TIMER_CURRENT);
    lapic_write(LAPIC_TIMER_INITIAL, 0); /* stops it */
    return (uint64_t)counted * hpet_hz() / (t1 - t0);
}

void lapic_timer_oneshot(uint32_t count, unsigned vector)
{
    /* Writing the initial count (re)starts the countdown; 0 would stop it. */
    lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_16);
    lapic_write(LAPIC_LVT_TIMER, vector);
    lapic_write(LAPIC_TIMER_INITIAL, count ? count : 1);
}
