/* The AArch64 kernel's own page tables: the upper-half linear map of devices and RAM, with
 * the kernel image mapped by section permissions (text RX, rodata R, the rest RW, never X). */
#include "pt_format.h"
#include "sysreg.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/printk.h>
#include <platform.h>

extern char __kernel_start[], __kernel_end[];

static struct pt kernel_pt;

void *arch_phys_to_virt(paddr_t pa)
{
    return (void *)(pa_addr(pa) + KERNEL_VIRT_OFFSET);
}

paddr_t arch_virt_to_phys(const void *va)
{
    return pa_init((uint64_t)va - KERNEL_VIRT_OFFSET);
}

static int map_linear(paddr_t start, uint64_t size, unsigned flags)
{
    return pt_map(&kernel_pt, (uint64_t)arch_phys_to_virt(start), start, size, flags);
}

/* Maps RAM [base, base+size) except the kernel image, which is mapped on its own. */
static int map_ram_around_kernel(paddr_t base, uint64_t size)
{
    uint64_t start = pa_addr(base), end = start + size;
    uint64_t kstart = pa_addr(arch_virt_to_phys(__kernel_start));
    uint64_t kend = pa_addr(arch_virt_to_phys(__kernel_end));
    int r = HV_OK;

    if (start < kstart)
        r = map_linear(base, (end < kstart ? end : kstart) - start, PT_READ | PT_WRITE);
    if (!r && end > kend) {
        uint64_t from = start > kend ? start : kend;
        r = map_linear(pa_init(from), end - from, PT_READ | PT_WRITE);
    }
    return r;
}

int arch_mmu_init(const struct boot_info *bi)
{
    int r = pt_init(&kernel_pt, &aarch64_stage1_format, pt_boot_pool());
    if (!r)
        r = map_linear(pa_init(PLAT_DEVICE_BASE), PLAT_DEVICE_SIZE,
                       PT_READ | PT_WRITE | PT_DEVICE);
    if (!r)
        r = pt_map_kernel_image(&kernel_pt);
    for (unsigned i = 0; !r && i < bi->nram; i++)
        r = map_ram_around_kernel(bi->ram[i].base, bi->ram[i].size);
    if (r) {
        printk("mmu: cannot build the kernel page tables (error %d)\n", r);
        return r;
    }
    /* Make the new tables visible to the walker before it may use them. */
    dsb(ishst);
    write_sysreg(ttbr1_el2, pa_addr(kernel_pt.root));
    /* No identity map any more: TTBR0 is for tasks, and until one runs, walks fault. */
    write_sysreg(tcr_el2, read_sysreg(tcr_el2) | TCR_EPD0);
    isb();
    __asm__ volatile("tlbi alle2" ::: "memory");
    dsb(ish);
    isb();
    return HV_OK;
}

paddr_t aarch64_kernel_pt_root(void)
{
    return kernel_pt.root;
}
