/* What a test guest reads from the ACPI tables (ACPI 6.4, "ACPI System Description Tables"): the PM
 * timer and PM1a control ports from the FADT, and the S5 sleep type from the DSDT's \_S5 package.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct acpi_info {
    uint64_t rsdp;
    uint16_t pm_timer; /* 0 when not found */
    uint16_t pm1a_cnt;
    bool s5_found;
    uint8_t s5_typ;
};
extern struct acpi_info acpi;

/* rsdp_hint: boot_params.acpi_rsdp_addr (0 when the loader gave none): else the BIOS areas are
 * searched (ACPI 5.2.5.1). */
void acpi_init(uint64_t rsdp_hint);
