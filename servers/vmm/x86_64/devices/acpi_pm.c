/* The ACPI PM1 block model. Registers are 16 bits wide, accessed a byte at a time: the bus
 * splits a 16- or 32-bit access into bytes in ascending order, so SLP_EN (in the high byte
 * of PM1_CNT) acts on the SLP_TYP already written with the low byte. */
#include "x86_64/devices/acpi_pm.h"
#include "x86_64/x86_time.h"

void acpi_pm_init(struct acpi_pm *pm, acpi_pm_clock_fn *now, void *ctx)
{
    /* SCI_EN reads 1: the FADT has no SMI_CMD, so the machine is always in ACPI mode. */
    *pm = (struct acpi_pm){.cnt = ACPI_PM1_CNT_SCI_EN, .now = now, .ctx = ctx};
}

static uint32_t pm_timer_now(struct acpi_pm *pm)
{
    uint64_t ns = pm->now(pm->ctx);
    return (uint32_t)x86_muldiv(ns, ACPI_PM_TMR_HZ, NS_PER_S, false) & 0xffffff;
}

static uint32_t pm_timer(struct acpi_pm *pm)
{
    return pm->timer_latched ? pm->timer_latch : pm_timer_now(pm);
}

void acpi_pm_read_begin(struct acpi_pm *pm)
{
    pm->timer_latch = pm_timer_now(pm);
    pm->timer_latched = true;
}

void acpi_pm_read_end(struct acpi_pm *pm)
{
    pm->timer_latched = false;
}

uint8_t acpi_pm_read(struct acpi_pm *pm, unsigned offset)
{
    unsigned shift = (offset & 1) * 8;
    switch (offset) {
    case 0:
    case 1:
        return (uint8_t)(pm->sts >> shift);
    case 2:
    case 3:
        return (uint8_t)(pm->en >> shift);
    case 4:
    case 5:
        return (uint8_t)(pm->cnt >> shift); /* SLP_EN is write-only and never stored */
    case 8:
    case 9:
    case 10:
    case 11:
        return (uint8_t)(pm_timer(pm) >> ((offset - 8) * 8));
    default:
        return 0xff;
    }
}

enum acpi_pm_request acpi_pm_write(struct acpi_pm *pm, unsigned offset, uint8_t value)
{
    unsigned shift = (offset & 1) * 8;
    uint16_t v = (uint16_t)(value << shift), mask = (uint16_t)(0xff << shift);
    switch (offset) {
    case 0:
    case 1:
        pm->sts &= (uint16_t)~v; /* write one to clear */
        break;
    case 2:
    case 3:
        /* Enables for events we never raise (timer overflow, buttons): kept, harmless. */
        pm->en = (uint16_t)((pm->en & ~mask) | v);
        break;
    case 4:
    case 5: {
        uint16_t cnt = (uint16_t)((pm->cnt & ~mask) | v);
        bool slp_en = cnt & ACPI_PM1_CNT_SLP_EN;
        /* Keep SLP_TYP and SCI_EN (read only, always 1); other bits are ours to drop. */
        pm->cnt = (uint16_t)((cnt & (7u << ACPI_PM1_CNT_SLP_TYP_SHIFT)) | ACPI_PM1_CNT_SCI_EN);
        if (slp_en && ((cnt >> ACPI_PM1_CNT_SLP_TYP_SHIFT) & 7) == ACPI_SLP_TYP_S5)
            return ACPI_PM_POWEROFF;
        /* Other sleep states are not in the DSDT; a guest asking anyway stays awake. */
        break;
    }
    default:
        break; /* the timer is read only */
    }
    return ACPI_PM_NONE;
}
