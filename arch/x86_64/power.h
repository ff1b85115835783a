/* The ACPI PM I/O block the kernel powers off through, for the I/O ports it keeps. */
#pragma once

#include <kernel/types.h>

/* ICH9 (ACPI 6.4, 4.8.3): the PM1/PM timer/GPE registers take 128 ports from this base. */
#define ACPI_PM_BLOCK_PORTS 0x80

/* The ACPI I/O base the firmware programmed into the LPC bridge; 0 when ACPI is disabled. */
uint16_t acpi_pm_base(void);
