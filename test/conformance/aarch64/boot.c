/* Boot protocol checks: what a loader hands an arm64 Image (Linux
 * Documentation/arch/arm64/booting.rst, "Call the kernel image"), which QEMU -kernel and a
 * partition both claim to follow. */
#include <guest/a64.h>
#include <guest/check.h>
#include <guest/fdt.h>
#include <guest/guest.h>
#include <hv/string.h>

#include "../conform.h"

extern char _image_start[], _image_end[];

/* booting.rst: "x0 = physical address of device tree blob (dtb) in system RAM". */
CHECK(boot_dtb, "BOOT-A1")
{
    report(a64_dtb() != 0, "x0 = 0x%llx %s", (unsigned long long)a64_boot.x0,
           a64_dtb() ? "holds a device tree (magic 0xd00dfeed, version >= 16)"
                     : "holds no device tree");
}

/* booting.rst: entered at EL2 or non-secure EL1; a platform without EL2 for the guest (QEMU
 * virt without virtualization=on, a partition) enters at EL1. */
CHECK(boot_el, "BOOT-A2")
{
    unsigned el = (unsigned)(a64_boot.current_el >> 2 & 3);
    report(el == 1, "entered at EL%u (CurrentEL 0x%llx), expected EL1", el,
           (unsigned long long)a64_boot.current_el);
}

/* booting.rst: "All forms of interrupts must be masked in PSTATE.DAIF"; "The MMU must be off". */
CHECK(boot_state, "BOOT-A3")
{
    bool masked = (a64_boot.daif & 0x3c0) == 0x3c0, mmu_off = !(a64_boot.sctlr & 1);
    report(masked && mmu_off,
           "DAIF at entry 0x%llx (all masked: %s), SCTLR_EL1 0x%llx (MMU off: %s)",
           (unsigned long long)a64_boot.daif, masked ? "yes" : "no",
           (unsigned long long)a64_boot.sctlr, mmu_off ? "yes" : "no");
}

/* The command line the loader was given (QEMU -append, the manifest's bootargs) is the DT's
 * /chosen/bootargs (devicetree specification 3.6). */
CHECK(boot_bootargs, "BOOT-A4")
{
    report(strcmp(guest_cmdline(), CONFORM_CMDLINE) == 0, "/chosen/bootargs is '%s', expected '%s'",
           guest_cmdline(), CONFORM_CMDLINE);
}

/* PSCI's DT binding (Documentation/devicetree/bindings/arm/psci.yaml): /psci names the conduit;
 * without EL2 or EL3 for firmware it is "hvc" (QEMU virt at EL1; a partition's VMM). */
CHECK(boot_psci_node, "BOOT-A5")
{
    const void *dtb = a64_dtb();
    uint32_t len = 0;
    const char *m = dtb ? fdt_prop(dtb, "/psci", "method", &len) : 0;
    const char *compat = dtb ? fdt_prop(dtb, "/psci", "compatible", 0) : 0;
    bool ok = m && len == 4 && memcmp(m, "hvc", 4) == 0 && compat;
    report(ok, "/psci method '%s', first compatible '%s' (expected method 'hvc')",
           m && len && m[len - 1] == '\0' ? m : "(none)", compat ? compat : "(none)");
}

/* The DT's /memory covers the loaded image (booting.rst: the kernel lies in memory the DT
 * describes). */
CHECK(boot_memory, "BOOT-A6")
{
    const void *dtb = a64_dtb();
    uint32_t len = 0;
    const void *reg = dtb ? fdt_prop(dtb, "/memory", "reg", &len) : 0;
    if (!reg || len < 16) {
        fail("no /memory reg with two address and two size cells (length %u)", len);
        return;
    }
    uint64_t base = fdt_cells(reg, 2), size = fdt_cells((const char *)reg + 8, 2);
    uint64_t lo = (uint64_t)_image_start, hi = (uint64_t)_image_end;
    report(base <= lo && hi <= base + size, "/memory [0x%llx, 0x%llx), image [0x%llx, 0x%llx)",
           (unsigned long long)base, (unsigned long long)(base + size), (unsigned long long)lo,
           (unsigned long long)hi);
}
