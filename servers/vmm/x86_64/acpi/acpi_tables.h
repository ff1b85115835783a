/* The ACPI tables of a partition: RSDP, XSDT, FADT, FACS and MADT built in C (their contents
 * follow the platform's constants and are patched with addresses and checksums anyway), and
 * the DSDT compiled from acpi/dsdt.asl by iasl at build time. All of it lives in one area of
 * guest RAM (HV_X86_GUEST_ACPI), where the RSDP is found by boot_params.acpi_rsdp_addr and by the
 * BIOS-area scan. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Offsets of each table in the area (the RSDP first: the scan wants 16-byte alignment). */
#define ACPI_OFF_RSDP 0x000u
#define ACPI_OFF_XSDT 0x040u
#define ACPI_OFF_FADT 0x080u
#define ACPI_OFF_FACS 0x1c0u /* 64-byte aligned (ACPI 6.4, 5.2.10) */
#define ACPI_OFF_MADT 0x200u
#define ACPI_OFF_VIRTIO_SLOTS 0x3f0u /* a dword the DSDT's _STA methods read (dsdt.asl) */
#define ACPI_OFF_DSDT 0x400u

#define ACPI_FADT_LEN 276u /* revision 6 */
#define ACPI_FACS_LEN 64u
#define ACPI_HDR_LEN 36u

/* The compiled DSDT (acpi_dsdt.c, from acpi/dsdt.asl) and its length. */
const unsigned char *x86_acpi_dsdt(size_t *len);

/* Writes every table into area (a host view of guest-physical area_gpa, area_size bytes).
 * Returns the bytes used, or 0 if they do not fit. */
size_t x86_acpi_build(uint8_t *area, size_t area_size, uint64_t area_gpa);

/* Says which virtio-mmio slots have a device (bit n: slot n) in an area x86_acpi_build filled;
 * the others are absent to the guest. x86_acpi_build starts with none. */
void x86_acpi_set_virtio_slots(uint8_t *area, uint32_t present);

/* The ACPI checksum rule: all bytes of a table sum to 0 (mod 256). */
uint8_t acpi_sum(const uint8_t *p, size_t n);
