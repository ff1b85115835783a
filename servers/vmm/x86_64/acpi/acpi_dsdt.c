/* The DSDT blob: iasl -tc turns acpi/dsdt.asl into a C array (dsdt.hex, in the build tree),
 * named here so that nothing else sees iasl's name for it. */
#include "x86_64/acpi/acpi_tables.h"

#define dsdt_aml_code x86_acpi_dsdt_aml
#include "dsdt.hex"

const unsigned char *x86_acpi_dsdt(size_t *len)
{
    *len = sizeof(x86_acpi_dsdt_aml);
    return x86_acpi_dsdt_aml;
}
