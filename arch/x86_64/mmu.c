/* The x86_64 kernel's own page tables: the kernel image at -2 GiB mapped by section (text RX,
 * rodata R, the rest RW, never X), and a linear map of RAM and the devices at PHYSMAP_BASE. */
#include "cpu.h"
#include "pt_format.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/printk.h>
#include <platform.h>

extern char __kernel_start[], __kernel_end[];

static struct pt kernel_pt;

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

static int map_linear(uint64_t start, uint64_t size, unsigned flags)
{
    return pt_map(&kernel_pt, PHYSMAP_BASE + start, pa_init(start), size, flags);
}

/* Maps RAM [base, base+size) except the kernel image, which is mapped on its own. */
static int map_ram_around_kernel(paddr_t base, uint64_t size)
{
    uint64_t start = pa_addr(base), end = start + size;
    uint64_t kstart = kernel_phys_start(), kend = kernel_phys_end();
    int r = HV_OK;

    if (start < kstart)
        r = map_linear(start, (end < kstart ? end : kstart) - start, PT_READ | PT_WRITE);
    if (!r && end > kend) {
        uint64_t from = start > kend ? start : kend;
        r = map_linear(from, end - from, PT_READ | PT_WRITE);
    }
    return r;
}

/* The interrupt controllers and the HPET, uncached. */
static int map_devices(void)
{
    static const uint64_t pages[] = {PLAT_IOAPIC_BASE, PLAT_HPET_BASE, PLAT_LAPIC_BASE};
    for (unsigned i = 0; i < ARRAY_SIZE(pages); i++) {
        int r = map_linear(pages[i], PT_PAGE_SIZE, PT_READ | PT_WRITE | PT_DEVICE);
        if (r)
            return r;
    }
    return HV_OK;
}

int arch_mmu_init(const struct boot_info *bi)
{
    int r = pt_init(&kernel_pt, &x86_64_paging_format, pt_boot_pool());
    if (!r)
        r = map_devices();
    if (!r)
        r = pt_map_kernel_image(&kernel_pt);
    for (unsigned i = 0; !r && i < bi->nram; i++)
        r = map_ram_around_kernel(bi->ram[i].base, bi->ram[i].size);
    if (r) {
        printk("mmu: cannot build the kernel page tables (error %d)\n", r);
        return r;
    }
    /* Loading CR3 drops the boot map, identity part included (SDM vol. 3A 5.10.4.1: every
     * non-global translation is flushed; the boot map had none global). The root is in the
     * kernel image, below 4 GiB, so no CR3 bit above MAXPHYADDR is set. */
    write_cr(3, pa_addr(kernel_pt.root));
    /* Global kernel pages survive the CR3 loads of later address-space switches. */
    if (cpuid(1, 0).edx & CPUID_1_EDX_PGE)
        write_cr(4, read_cr(4) | CR4_PGE);
    return HV_OK;
}

const struct pt *x86_kernel_pt(void)
{
    return &kernel_pt;
}
