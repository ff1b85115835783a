/* x86 port I/O for the ioport system calls, and the ports the kernel keeps for itself.
 * COM1 is not among them: the console server drives it through a cap (its receiver, its
 * interrupt), while the kernel goes on writing its own lines there polled (console.c). Both
 * wait for LSR.THRE and then write THR one byte, and neither touches LCR after the kernel's
 * first line, so the two share the transmitter without losing a byte (docs/console.md). */
#include "io.h"
#include "power.h"
#include <arch_core.h>
#include <kernel/assert.h>
#include <platform.h>

/* Legacy devices the kernel drives (or that stop the machine), as [first, last] ranges. */
#define PIT_PORT_FIRST 0x40 /* 8254 channels 0..2 and mode register */
#define PIT_PORT_LAST 0x43
#define PORT_B 0x61         /* PIT channel 2 gate and speaker, NMI status */

static const struct {
    uint16_t first, last;
} kernel_ports[] = {
    {PLAT_PIC1_PORT, PLAT_PIC1_PORT + 1},
    {PLAT_PIC2_PORT, PLAT_PIC2_PORT + 1},
    {PIT_PORT_FIRST, PIT_PORT_LAST},
    {PORT_B, PORT_B},
    {PLAT_DEBUG_EXIT_PORT, PLAT_DEBUG_EXIT_PORT},
    /* Poweroff reads the ACPI base through PCI config: a task that could write there could
     * move the PM block out from under the reserved range below. */
    {PLAT_PCI_CONFIG_ADDR, PLAT_PCI_CONFIG_DATA + 3},
};

/* The ACPI PM block's base, read once: PCI config is kernel-only, so it can't move later. */
static uint16_t pm_base;
static bool pm_base_known;

bool arch_has_ioports(void)
{
    return true;
}

bool arch_ioport_reserved(unsigned port)
{
    for (unsigned i = 0; i < ARRAY_SIZE(kernel_ports); i++)
        if (port >= kernel_ports[i].first && port <= kernel_ports[i].last)
            return true;
    if (!pm_base_known) {
        pm_base = acpi_pm_base();
        pm_base_known = true;
    }
    return pm_base && port >= pm_base && port < (unsigned)pm_base + ACPI_PM_BLOCK_PORTS;
}

uint32_t arch_ioport_in(unsigned port, unsigned size)
{
    switch (size) {
    case 1:
        return inb((uint16_t)port);
    case 2:
        return inw((uint16_t)port);
    default:
        assert(size == 4);
        return inl((uint16_t)port);
    }
}

void arch_ioport_out(unsigned port, unsigned size, uint32_t v)
{
    switch (size) {
    case 1:
        outb((uint16_t)port, (uint8_t)v);
        break;
    case 2:
        outw((uint16_t)port, (uint16_t)v);
        break;
    default:
        assert(size == 4);
        outl((uint16_t)port, v);
    }
}
