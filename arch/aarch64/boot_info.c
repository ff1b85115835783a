/* AArch64 boot information: QEMU leaves the DTB at the start of RAM for an ELF -kernel. */
#include "sysreg.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/fdt.h>
#include <kernel/printk.h>
#include <platform.h>

int arch_boot_info(struct boot_info *bi)
{
    struct fdt fdt;
    /* The boot map covers the first GiB of RAM, so the DTB is reachable before mmu_init. */
    int r = fdt_open(&fdt, arch_phys_to_virt(pa_init(PLAT_RAM_BASE)), PLAT_DTB_MAX_SIZE);
    if (r) {
        printk("boot: no valid device tree at 0x%lx (error %d)\n", (uint64_t)PLAT_RAM_BASE, r);
        return r;
    }
    r = fdt_read_memory(&fdt, bi);
    if (r) {
        printk("boot: device tree has no usable memory node (error %d)\n", r);
        return r;
    }
    r = fdt_read_bootargs(&fdt, bi);
    if (r)
        printk("boot: ignoring malformed /chosen/bootargs (error %d)\n", r);
    return HV_OK;
}

const char *arch_name(void)
{
    return "aarch64";
}

const char *arch_privilege_name(void)
{
    return "EL2";
}

unsigned arch_user_device_regions(struct mem_region *out, unsigned max)
{
    /* The RTC, the PL011 page for the console server, which owns the UART once it runs
     * (the kernel keeps writing its own lines to it, polled: boot messages and panics), and
     * the virtio-mmio transports for the device servers, and fw_cfg for the display server
     * (ramfb is configured through it). The GIC stays the kernel's. */
    static const struct mem_region regions[] = {
        {{PLAT_RTC_BASE}, PLAT_RTC_SIZE},
        {{PLAT_UART_BASE}, PLAT_UART_SIZE},
        {{PLAT_VIRTIO_MMIO_BASE}, PLAT_VIRTIO_MMIO_SIZE},
        {{PLAT_FW_CFG_BASE}, PLAT_FW_CFG_SIZE},
    };
    unsigned n = 0;
    for (; n < max && n < sizeof(regions) / sizeof(regions[0]); n++)
        out[n] = regions[n];
    return n;
}
