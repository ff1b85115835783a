/* The local APIC in xAPIC mode: enabled at start with the 8259's ExtINT masked at LINT0, so that
 * only the interrupts a check asks for arrive (Intel SDM Vol. 3A 10.4.3, 10.5.1, 10.6.1, 10.8.5).
 */
#include <guest/lapic.h>
#include <guest/x86.h>

#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_ASSERT (1u << 14)
#define ICR_SELF (1u << 18)
#define ICR_NMI (4u << 8)

/* Plain 32-bit MOVs, as Linux's readl/writel: through a volatile pointer the compiler may fold
 * an access into another instruction (TEST, OR), which is what the MMIO checks probe on purpose
 * and the rest must not depend on. */
uint32_t lapic_read(uint32_t reg)
{
    uint32_t v;
    __asm__ volatile("movl %1, %0" : "=r"(v) : "m"(*(volatile uint32_t *)(LAPIC_BASE + reg)));
    return v;
}

void lapic_write(uint32_t reg, uint32_t v)
{
    __asm__ volatile("movl %1, %0"
                     : "=m"(*(volatile uint32_t *)(LAPIC_BASE + reg))
                     : "r"(v)
                     : "memory");
}

void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
    /* x2APIC -> xAPIC only through disabled (SDM 10.12.5.1, "x2APIC State Transitions"). */
    if (base & APIC_BASE_EXTD)
        wrmsr(MSR_IA32_APIC_BASE, base & ~(uint64_t)(APIC_BASE_EXTD | APIC_BASE_EN));
    wrmsr(MSR_IA32_APIC_BASE, (base & ~(uint64_t)APIC_BASE_EXTD) | APIC_BASE_EN);
    lapic_write(LAPIC_SVR, 0x1ff); /* software enable, spurious vector 0xff */
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, 4u << 8); /* NMI, as a PC's firmware leaves it */
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_ESR, 0);
    /* The 8259 pair: every line masked (OCW1), whatever the firmware left. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

static void icr_wait(void)
{
    for (unsigned i = 0; i < 100000 && (lapic_read(LAPIC_ICR_LO) & ICR_DELIVERY_PENDING); i++)
        ;
}

void lapic_self_ipi(unsigned vec)
{
    icr_wait();
    lapic_write(LAPIC_ICR_LO, ICR_SELF | ICR_ASSERT | (vec & 0xff));
    icr_wait();
}

void lapic_nmi_self(void)
{
    icr_wait();
    lapic_write(LAPIC_ICR_HI, lapic_read(LAPIC_ID) & 0xff000000u);
    lapic_write(LAPIC_ICR_LO, ICR_NMI | ICR_ASSERT);
    icr_wait();
}

bool lapic_in_service(unsigned vec)
{
    return lapic_read(LAPIC_ISR + 0x10 * (vec / 32)) >> (vec % 32) & 1;
}

bool lapic_requested(unsigned vec)
{
    return lapic_read(LAPIC_IRR + 0x10 * (vec / 32)) >> (vec % 32) & 1;
}
