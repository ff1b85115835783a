/* Stopping QEMU: ACPI soft-off (S5) through the ICH9 PM registers for success, the
 * isa-debug-exit port carrying a failing status otherwise. */
#include "cpu.h"
#include "io.h"
#include "power.h"
#include <arch.h>
#include <kernel/printk.h>
#include <platform.h>

/* PCI configuration mechanism #1 (PCI Local Bus spec 3.0, 3.2.2.3.2): bus 0 only. */
#define PCI_CONFIG_ENABLE (1u << 31)
#define PCI_CONFIG_ADDRESS(devfn, reg) (PCI_CONFIG_ENABLE | (devfn) << 8 | ((reg)&0xfc))

/* ICH9 LPC bridge configuration (ICH9 datasheet 13.1): the ACPI I/O base and its enable. */
#define ICH9_LPC_PMBASE 0x40
#define ICH9_PMBASE_MASK 0xff80
#define ICH9_LPC_ACPI_CNTL 0x44
#define ICH9_ACPI_CNTL_ACPI_EN 0x80

/* PM1a control register in the ACPI I/O block (ACPI 6.4, 4.8.3.2.1). */
#define ACPI_PM1_CNT 0x04
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_EN (1u << 13)
/* SLP_TYPa of S5 is what the DSDT's \_S5 object says; QEMU's q35 DSDT gives 0 and QEMU's
 * PM1 control register turns SLP_TYP 0 with SLP_EN into a shutdown request. */
#define QEMU_S5_SLP_TYP 0
/* The ACPI PM timer (ACPI 6.4, 4.8.3.3): 24 bits at 3.579545 MHz, running whenever ACPI is. */
#define ACPI_PM_TMR 0x08
#define ACPI_PM_TMR_HZ 3579545u
#define ACPI_PM_TMR_MASK 0xffffffu

#define DEBUG_EXIT_FAILURE 1 /* QEMU exits with (1 << 1) | 1 = 3 */

static uint32_t pci_config_read(unsigned devfn, unsigned reg)
{
    outl(PLAT_PCI_CONFIG_ADDR, PCI_CONFIG_ADDRESS(devfn, reg));
    return inl(PLAT_PCI_CONFIG_DATA);
}

static _Noreturn void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

uint16_t acpi_pm_base(void)
{
    /* The firmware chose the ACPI I/O base (SeaBIOS: 0x600); read it rather than assume. */
    uint32_t pmbase = pci_config_read(PLAT_LPC_DEVFN, ICH9_LPC_PMBASE) & ICH9_PMBASE_MASK;
    uint32_t acpi_cntl = pci_config_read(PLAT_LPC_DEVFN, ICH9_LPC_ACPI_CNTL);

    return (acpi_cntl & ICH9_ACPI_CNTL_ACPI_EN) ? (uint16_t)pmbase : 0;
}

static void acpi_soft_off(void)
{
    uint32_t pmbase = acpi_pm_base();

    if (pmbase == 0) {
        printk("power: the ICH9 ACPI I/O block is not enabled\n");
        return;
    }
    outw((uint16_t)(pmbase + ACPI_PM1_CNT),
         QEMU_S5_SLP_TYP << ACPI_PM1_CNT_SLP_TYP_SHIFT | ACPI_PM1_CNT_SLP_EN);
    /* QEMU acts on the request asynchronously: give it a second before calling it failed. */
    uint32_t start = inl((uint16_t)(pmbase + ACPI_PM_TMR)), waited = 0;
    while (waited < ACPI_PM_TMR_HZ)
        waited = (inl((uint16_t)(pmbase + ACPI_PM_TMR)) - start) & ACPI_PM_TMR_MASK;
    printk("power: ACPI S5 did not stop the machine within 1 s\n");
}

_Noreturn void arch_poweroff(bool success)
{
    __asm__ volatile("cli");
    if (success)
        acpi_soft_off();
    /* Also where a failed soft-off ends: a non-zero status tells the run went wrong. */
    outl(PLAT_DEBUG_EXIT_PORT, DEBUG_EXIT_FAILURE);
    /* No debug-exit device: stopping here is safer than a poweroff that looks like success. */
    halt_forever();
}
