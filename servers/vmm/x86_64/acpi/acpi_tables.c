/* Building the fixed ACPI tables (ACPI 6.4 chapter 5): little-endian fields written at the
 * spec's offsets, then the checksums. */
#include "x86_64/acpi/acpi_tables.h"

#include "x86_64/devices/acpi_pm.h"
#include "x86_64/devices/ioapic.h"
#include "x86_64/devices/lapic.h"
#include "x86_64/pc_wiring.h"
#include <hv/bytes.h>
#include <hv/proto/guest_layout_x86_64.h>
#include <hv/string.h>

#define OEM_ID "DUET  "      /* 6 bytes */
#define OEM_TABLE "DUETPC  " /* 8 bytes */
#define CREATOR "DUET"

/* FADT fields used here (ACPI 6.4 table 5.9). */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_PM1A_EVT_BLK 56
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM_TMR_BLK 76
#define FADT_PM1_EVT_LEN 88
#define FADT_PM1_CNT_LEN 89
#define FADT_PM_TMR_LEN 91
#define FADT_CENTURY 108
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR_VERSION 131
#define FADT_X_FIRMWARE_CTRL 132
#define FADT_X_DSDT 140
#define FADT_X_PM1A_EVT_BLK 148
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM_TMR_BLK 208
#define FADT_HYPERVISOR_ID 268

/* IAPC_BOOT_ARCH: legacy devices (the UART) are there; no 8042, no VGA, no MSI (no PCI);
 * the CMOS RTC is there. */
#define IAPC_LEGACY_DEVICES (1u << 0)
#define IAPC_VGA_NOT_PRESENT (1u << 2)
#define IAPC_MSI_NOT_SUPPORTED (1u << 3)
/* Flags: WBINVD works, C1 on all processors, power and sleep buttons are not fixed
 * hardware, the reset register is there. */
#define FADT_F_WBINVD (1u << 0)
#define FADT_F_PROC_C1 (1u << 2)
#define FADT_F_PWR_BUTTON (1u << 4)
#define FADT_F_SLP_BUTTON (1u << 5)
#define FADT_F_RESET_REG_SUP (1u << 10)

#define GAS_SYSTEM_IO 1
#define RESET_PORT 0xcf9u
#define RESET_VALUE 0x06u /* reset control: full reset (bit 1) + do it (bit 2) */

#define MADT_PCAT_COMPAT 1u /* a dual 8259 is present (Linux masks it) */
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_ISO 2
#define MADT_LAPIC_NMI 4
#define MPS_INTI_LEVEL_HIGH 0x000du /* polarity 01 active high, trigger 11 level */

uint8_t acpi_sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* The 36-byte header every table but the RSDP and FACS has; the checksum comes last. */
static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    hv_put_le32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, OEM_ID, 6);
    memcpy(t + 16, OEM_TABLE, 8);
    hv_put_le32(t + 24, 1); /* OEM revision */
    memcpy(t + 28, CREATOR, 4);
    hv_put_le32(t + 32, 1); /* creator revision */
}

static void checksum(uint8_t *t, size_t len, size_t at)
{
    t[at] = 0;
    t[at] = (uint8_t)(0x100 - acpi_sum(t, len));
}

static void gas_io(uint8_t *g, unsigned bits, uint64_t port)
{
    g[0] = GAS_SYSTEM_IO;
    g[1] = (uint8_t)bits;
    g[2] = 0;
    g[3] = bits == 8 ? 1 : bits == 16 ? 2 : 3; /* access size: byte, word, dword */
    hv_put_le64(g + 4, port);
}

static void build_fadt(uint8_t *t, uint64_t facs, uint64_t dsdt)
{
    header(t, "FACP", ACPI_FADT_LEN, 6);
    /* The 32-bit DSDT and FIRMWARE_CTRL stay 0: the X_ fields are set (ACPI 5.2.9). */
    hv_put_le16(t + FADT_SCI_INT, X86_IRQ_SCI);
    hv_put_le32(t + FADT_PM1A_EVT_BLK, ACPI_PM1A_EVT);
    hv_put_le32(t + FADT_PM1A_CNT_BLK, ACPI_PM1A_CNT);
    hv_put_le32(t + FADT_PM_TMR_BLK, ACPI_PM_TMR);
    t[FADT_PM1_EVT_LEN] = 4;
    t[FADT_PM1_CNT_LEN] = 2;
    t[FADT_PM_TMR_LEN] = 4;
    t[FADT_CENTURY] = 0x32; /* cmos_rtc.c RTC_CENTURY */
    hv_put_le16(t + FADT_IAPC_BOOT_ARCH,
                IAPC_LEGACY_DEVICES | IAPC_VGA_NOT_PRESENT | IAPC_MSI_NOT_SUPPORTED);
    hv_put_le32(t + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
                                    FADT_F_SLP_BUTTON | FADT_F_RESET_REG_SUP);
    gas_io(t + FADT_RESET_REG, 8, RESET_PORT);
    t[FADT_RESET_VALUE] = RESET_VALUE;
    t[FADT_MINOR_VERSION] = 0;
    hv_put_le64(t + FADT_X_FIRMWARE_CTRL, facs);
    hv_put_le64(t + FADT_X_DSDT, dsdt);
    gas_io(t + FADT_X_PM1A_EVT_BLK, 32, ACPI_PM1A_EVT);
    gas_io(t + FADT_X_PM1A_CNT_BLK, 16, ACPI_PM1A_CNT);
    gas_io(t + FADT_X_PM_TMR_BLK, 32, ACPI_PM_TMR);
    memcpy(t + FADT_HYPERVISOR_ID, "DuetDuet", 8);
    checksum(t, ACPI_FADT_LEN, 9);
}

static size_t madt_iso(uint8_t *e, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    e[0] = MADT_ISO;
    e[1] = 10;
    e[2] = 0; /* bus: ISA */
    e[3] = irq;
    hv_put_le32(e + 4, gsi);
    hv_put_le16(e + 8, flags);
    return 10;
}

static size_t build_madt(uint8_t *t)
{
    size_t len = 44;
    header(t, "APIC", 0, 4);
    hv_put_le32(t + 36, LAPIC_BASE);
    hv_put_le32(t + 40, MADT_PCAT_COMPAT);
    uint8_t *e = t + len;
    /* The one processor: UID 0, APIC ID 0, enabled. */
    e[0] = MADT_LAPIC, e[1] = 8, e[2] = 0, e[3] = 0;
    hv_put_le32(e + 4, 1);
    len += 8;
    e = t + len;
    e[0] = MADT_IOAPIC, e[1] = 12, e[2] = 0, e[3] = 0;
    hv_put_le32(e + 4, IOAPIC_BASE);
    hv_put_le32(e + 8, 0); /* GSI base */
    len += 12;
    /* ISA IRQ0 is wired to pin 2; the SCI is level, active high (both as on PCs). */
    len += madt_iso(t + len, X86_IRQ_PIT, X86_GSI_PIT, 0);
    len += madt_iso(t + len, X86_IRQ_SCI, X86_IRQ_SCI, MPS_INTI_LEVEL_HIGH);
    e = t + len;
    /* LINT1 of every processor is NMI. */
    e[0] = MADT_LAPIC_NMI, e[1] = 6, e[2] = 0xff;
    hv_put_le16(e + 3, 0);
    e[5] = 1;
    len += 6;
    hv_put_le32(t + 4, len);
    checksum(t, len, 9);
    return len;
}

void x86_acpi_set_virtio_slots(uint8_t *area, uint32_t present)
{
    uint32_t all = (1u << X86_VIRTIO_MMIO_SLOTS) - 1;
    hv_put_le32(area + ACPI_OFF_VIRTIO_SLOTS, present & all);
}

size_t x86_acpi_build(uint8_t *area, size_t area_size, uint64_t area_gpa)
{
    size_t dsdt_len;
    const unsigned char *dsdt = x86_acpi_dsdt(&dsdt_len);
    size_t used = ACPI_OFF_DSDT + dsdt_len;
    /* The DSDT names the slot word by its address, which holds only at HV_X86_GUEST_ACPI. */
    if (used > area_size || area_gpa != HV_X86_GUEST_ACPI)
        return 0;
    memset(area, 0, used);
    memcpy(area + ACPI_OFF_DSDT, dsdt, dsdt_len);

    uint8_t *facs = area + ACPI_OFF_FACS;
    memcpy(facs, "FACS", 4);
    hv_put_le32(facs + 4, ACPI_FACS_LEN);
    facs[32] = 2; /* version; no checksum in the FACS */

    build_fadt(area + ACPI_OFF_FADT, area_gpa + ACPI_OFF_FACS, area_gpa + ACPI_OFF_DSDT);
    size_t madt_len = build_madt(area + ACPI_OFF_MADT);
    if (ACPI_OFF_MADT + madt_len > ACPI_OFF_VIRTIO_SLOTS)
        return 0;

    uint8_t *xsdt = area + ACPI_OFF_XSDT;
    header(xsdt, "XSDT", ACPI_HDR_LEN + 2 * 8, 1);
    hv_put_le64(xsdt + ACPI_HDR_LEN, area_gpa + ACPI_OFF_FADT);
    hv_put_le64(xsdt + ACPI_HDR_LEN + 8, area_gpa + ACPI_OFF_MADT);
    checksum(xsdt, ACPI_HDR_LEN + 16, 9);

    /* RSDP 2.0: the first 20 bytes have their checksum, all 36 the extended one. */
    uint8_t *rsdp = area + ACPI_OFF_RSDP;
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, OEM_ID, 6);
    rsdp[15] = 2;
    hv_put_le32(rsdp + 16, 0); /* no RSDT: the XSDT is the table */
    hv_put_le32(rsdp + 20, 36);
    hv_put_le64(rsdp + 24, area_gpa + ACPI_OFF_XSDT);
    checksum(rsdp, 20, 8);
    checksum(rsdp, 36, 32);
    return used;
}
