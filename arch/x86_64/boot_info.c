/* x86_64 boot information: the Multiboot info QEMU's loader leaves in low memory. */
#include "cpu.h"
#include "multiboot.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <platform.h>

/* Saved by boot.S from EAX and EBX at entry. */
uint32_t x86_multiboot_magic, x86_multiboot_info;

/* Until kernel_pt_init, boot.S's map covers the first GiB at PHYSMAP_BASE; the loader puts
 * everything it hands over there. */
static bool read_boot_map(void *ctx, uint64_t pa, void *dst, size_t len)
{
    if (pa > BOOT_MAP_SIZE || len > BOOT_MAP_SIZE - pa)
        return false;
    memcpy(dst, (const void *)(PHYSMAP_BASE + pa), len);
    return true;
}

int arch_boot_info(struct boot_info *bi)
{
    struct multiboot_reader rd = {read_boot_map, NULL};

    if (x86_multiboot_magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        printk("boot: not started by a Multiboot loader (EAX=0x%x)\n", x86_multiboot_magic);
        return HV_EINVAL;
    }
    int r = multiboot_read_memory(&rd, x86_multiboot_info, bi);
    if (r) {
        printk("boot: no usable memory map in the Multiboot info at 0x%x (error %d)\n",
               x86_multiboot_info, r);
        return r;
    }
    r = multiboot_read_cmdline(&rd, x86_multiboot_info, bi);
    if (r)
        printk("boot: ignoring malformed Multiboot command line (error %d)\n", r);
    return HV_OK;
}

const char *arch_name(void)
{
    return "x86_64";
}

const char *arch_privilege_name(void)
{
    return "ring 0";
}

unsigned arch_user_device_regions(struct mem_region *out, unsigned max)
{
    /* The legacy devices are reached through I/O ports. PCI's configuration space (ECAM) and
     * the window its BARs live in go to the root task, which reads the one and hands the
     * other out to device servers; the window is cut into naturally aligned pieces (untyped
     * are), and stops below the IOAPIC, HPET and LAPIC, which stay the kernel's. */
    unsigned n = 0;
    if (n < max)
        out[n++] = (struct mem_region){pa_init(PLAT_PCI_ECAM_BASE), PLAT_PCI_ECAM_SIZE};
    uint64_t at = PLAT_PCI_WINDOW_BASE;
    while (at < PLAT_PCI_WINDOW_END && n < max) {
        uint64_t size = at & -at; /* the largest size at's alignment allows... */
        while (size > PLAT_PCI_WINDOW_END - at)
            size >>= 1; /* ...that still ends inside the window */
        out[n++] = (struct mem_region){pa_init(at), size};
        at += size;
    }
    return n;
}
