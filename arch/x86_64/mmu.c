/* The x86_64 kernel's address translation: the kernel image at -2 GiB and a linear map of RAM
 * and devices at PHYSMAP_BASE, with a hole for the image (kernel/kernel_pt.c builds the
 * tables); the paging format and device windows of those tables, and switching CR3 to them. */
#include "cpu.h"
#include "pt_format.h"
#include <arch.h>
#include <platform.h>

extern char __kernel_start[], __kernel_end[];

static uint64_t kernel_phys_start(void)
{
    return (uint64_t)__kernel_start - KERNEL_VIRT_BASE;
}

static uint64_t kernel_phys_end(void)
{
    return (uint64_t)__kernel_end - KERNEL_VIRT_BASE;
}

/* The kernel image is mapped only at its link address (the linear map leaves a hole for it,
 * so that its text has no writable alias): each physical address has one kernel VA. */
void *arch_phys_to_virt(paddr_t pa)
{
    uint64_t a = pa_addr(pa);
    if (a >= kernel_phys_start() && a < kernel_phys_end())
        return (void *)(a + KERNEL_VIRT_BASE);
    return (void *)(a + PHYSMAP_BASE);
}

paddr_t arch_virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)va;
    return pa_init(v >= KERNEL_VIRT_BASE ? v - KERNEL_VIRT_BASE : v - PHYSMAP_BASE);
}

const struct pt_format *arch_kernel_pt_format(void)
{
    return &x86_64_paging_format;
}

/* The interrupt controllers and the HPET, one page each. */
unsigned arch_kernel_devices(struct mem_region *out, unsigned max)
{
    static const uint64_t pages[] = {PLAT_IOAPIC_BASE, PLAT_HPET_BASE, PLAT_LAPIC_BASE};
    unsigned n = 0;
    for (; n < max && n < ARRAY_SIZE(pages); n++)
        out[n] = (struct mem_region){pa_init(pages[n]), PT_PAGE_SIZE};
    return n;
}

void arch_kernel_pt_load(paddr_t root)
{
    /* Loading CR3 drops the boot map, identity part included (SDM vol. 3A 5.10.4.1: every
     * non-global translation is flushed; the boot map had none global). The root is in the
     * kernel image, below 4 GiB, so no CR3 bit above MAXPHYADDR is set. */
    write_cr(3, pa_addr(root));
    /* Global kernel pages survive the CR3 loads of later address-space switches. */
    if (cpuid(1, 0).edx & CPUID_1_EDX_PGE)
        write_cr(4, read_cr(4) | CR4_PGE);
}
