/* The AArch64 kernel's address translation: the upper-half linear map (kernel VA = physical
 * + KERNEL_VIRT_OFFSET, the image included, which kernel/kernel_pt.c maps by section), the
 * stage-1 EL2 format and device window of the kernel's tables, and switching TTBR1_EL2 to them. */
#include "pt_format.h"
#include "sysreg.h"
#include <arch.h>
#include <platform.h>

void *arch_phys_to_virt(paddr_t pa)
{
    return (void *)(pa_addr(pa) + KERNEL_VIRT_OFFSET);
}

paddr_t arch_virt_to_phys(const void *va)
{
    return pa_init((uint64_t)va - KERNEL_VIRT_OFFSET);
}

const struct pt_format *arch_kernel_pt_format(void)
{
    return &aarch64_stage1_format;
}

unsigned arch_kernel_devices(struct mem_region *out, unsigned max)
{
    /* Everything below RAM, in one window: the GIC, the UART, whatever else QEMU puts there. */
    if (max == 0)
        return 0;
    out[0] = (struct mem_region){pa_init(PLAT_DEVICE_BASE), PLAT_DEVICE_SIZE};
    return 1;
}

void arch_kernel_pt_load(paddr_t root)
{
    /* Make the new tables visible to the walker before it may use them. */
    dsb(ishst);
    write_sysreg(ttbr1_el2, pa_addr(root));
    /* No identity map any more: TTBR0 is for tasks, and until one runs, walks fault. */
    write_sysreg(tcr_el2, read_sysreg(tcr_el2) | TCR_EPD0);
    isb();
    __asm__ volatile("tlbi alle2" ::: "memory");
    dsb(ish);
    isb();
}
