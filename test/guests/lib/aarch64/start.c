/* AArch64 start-up in C: note the CPU's entry state, then console, clock, device tree (the
 * command line and the PSCI conduit come from it), and the program. */
#include <guest/a64.h>
#include <guest/console.h>
#include <guest/fdt.h>
#include <guest/gicv3.h>
#include <guest/guest.h>
#include <guest/psci.h>
#include <guest/time.h>

#include "../common/lib.h"

#define DTB_MAX_SIZE (2u << 20) /* booting.rst: the DTB must not exceed 2 MiB */

struct a64_boot_state a64_boot;
static const void *dtb;
static const char *cmdline = "";

const void *a64_dtb(void)
{
    return dtb;
}

const char *guest_cmdline(void)
{
    return cmdline;
}

/* Called by head.S with what the loader left in x0. */
void a64_start(uint64_t x0)
{
    a64_boot.x0 = x0;
    a64_boot.current_el = read_sysreg(currentel);
    a64_boot.daif = read_sysreg(daif);
    a64_boot.sctlr = read_sysreg(sctlr_el1);
    a64_boot.gicr_waker = gicr_read(GICR_WAKER);
    arch_console_init();
    arch_time_init();
    if (fdt_valid((const void *)x0, DTB_MAX_SIZE)) {
        dtb = (const void *)x0;
        uint32_t len;
        const char *args = fdt_prop(dtb, "/chosen", "bootargs", &len);
        if (args && len > 0 && args[len - 1] == '\0')
            cmdline = args;
    } else {
        gprintf("NOTE: x0 = 0x%llx holds no device tree\n", (unsigned long long)x0);
    }
    psci_init(dtb);
    guest_run();
}
