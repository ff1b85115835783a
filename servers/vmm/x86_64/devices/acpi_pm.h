/* The ACPI fixed-hardware power-management block the FADT points at: PM1a event (status,
 * enable), PM1a control (SCI_EN, SLP_TYP/SLP_EN: S5 powers off) and the 24-bit PM timer. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define ACPI_PM_BASE 0x600u
#define ACPI_PM1A_EVT (ACPI_PM_BASE + 0) /* 4 bytes: PM1_STS then PM1_EN */
#define ACPI_PM1A_CNT (ACPI_PM_BASE + 4) /* 2 bytes */
#define ACPI_PM_TMR (ACPI_PM_BASE + 8)   /* 4 bytes */
#define ACPI_PM_LEN 12u
#define ACPI_PM_TMR_HZ 3579545u

#define ACPI_PM1_CNT_SCI_EN 0x0001u
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_EN 0x2000u
#define ACPI_PM1_STS_TMR 0x0001u
#define ACPI_PM1_STS_WAK 0x8000u
/* The SLP_TYP value the DSDT's \_S5 package names (acpi/dsdt.asl). */
#define ACPI_SLP_TYP_S5 5u

enum acpi_pm_request { ACPI_PM_NONE, ACPI_PM_POWEROFF };

typedef uint64_t acpi_pm_clock_fn(void *ctx);

struct acpi_pm {
    uint16_t sts, en, cnt;
    bool timer_latched; /* within a wider access: its bytes read timer_latch */
    uint32_t timer_latch;
    acpi_pm_clock_fn *now;
    void *ctx;
};

void acpi_pm_init(struct acpi_pm *pm, acpi_pm_clock_fn *now, void *ctx);
/* Byte access to port ACPI_PM_BASE + offset (the bus splits wider accesses). */
uint8_t acpi_pm_read(struct acpi_pm *pm, unsigned offset);
/* Brackets the bytes of one wider read: the timer is sampled once, at begin, so that its
 * bytes come from one instant. Sampled per byte, a carry between two of them tears the
 * value: a dword read just before bit 16 carries reads 65,536 ticks (18 ms) ahead, and a
 * guest that calibrates its TSC against the timer ends up with a clock several times fast. */
void acpi_pm_read_begin(struct acpi_pm *pm);
void acpi_pm_read_end(struct acpi_pm *pm);
enum acpi_pm_request acpi_pm_write(struct acpi_pm *pm, unsigned offset, uint8_t value);
