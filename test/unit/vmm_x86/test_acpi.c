/* The ACPI tables: every table's signature, length and checksum, the RSDP/XSDT/FADT
 * pointers, the MADT entries, and the DSDT's virtio-mmio devices matching x86_layout.h. */
#include "check_run.h"
#include "x86_64/acpi/acpi_tables.h"
#include "x86_64/devices/acpi_pm.h"
#include "x86_64/devices/ioapic.h"
#include "x86_64/devices/lapic.h"
#include "x86_64/pc_wiring.h"
#include <hv/proto/guest_layout_x86_64.h>

#include <string.h>

static uint8_t area[HV_X86_GUEST_ACPI_SIZE];
static size_t used;

static uint64_t get(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The table at guest-physical gpa, checked: inside the area, signature, length, checksum. */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
    ck_assert_uint_ge(gpa, HV_X86_GUEST_ACPI);
    ck_assert_uint_lt(gpa, HV_X86_GUEST_ACPI + used);
    const uint8_t *t = area + (gpa - HV_X86_GUEST_ACPI);
    ck_assert_mem_eq(t, sig, 4);
    uint32_t len = (uint32_t)get(t + 4, 4);
    ck_assert_uint_ge(len, ACPI_HDR_LEN);
    ck_assert_uint_le(gpa - HV_X86_GUEST_ACPI + len, used);
    ck_assert_uint_eq(acpi_sum(t, len), 0);
    ck_assert_mem_eq(t + 10, "DUET  ", 6);
    return t;
}

static void setup(void)
{
    memset(area, 0xcc, sizeof(area));
    used = x86_acpi_build(area, sizeof(area), HV_X86_GUEST_ACPI);
    ck_assert_uint_gt(used, ACPI_OFF_DSDT);
}

START_TEST(rsdp)
{
    const uint8_t *r = area + ACPI_OFF_RSDP;
    ck_assert_mem_eq(r, "RSD PTR ", 8);
    ck_assert_uint_eq(acpi_sum(r, 20), 0);
    ck_assert_uint_eq(acpi_sum(r, 36), 0);
    ck_assert_uint_eq(r[15], 2);
    ck_assert_uint_eq(get(r + 20, 4), 36);
    /* The BIOS-area scan finds it on a 16-byte boundary in 0xe0000-0xfffff. */
    ck_assert_uint_eq((HV_X86_GUEST_ACPI + ACPI_OFF_RSDP) % 16, 0);
    table(get(r + 24, 8), "XSDT");
}
END_TEST

START_TEST(xsdt_points_to_fadt_and_madt)
{
    const uint8_t *x = table(get(area + ACPI_OFF_RSDP + 24, 8), "XSDT");
    uint32_t len = (uint32_t)get(x + 4, 4);
    ck_assert_uint_eq((len - ACPI_HDR_LEN) % 8, 0);
    ck_assert_uint_eq((len - ACPI_HDR_LEN) / 8, 2);
    table(get(x + 36, 8), "FACP");
    table(get(x + 44, 8), "APIC");
}
END_TEST

START_TEST(fadt_fields)
{
    const uint8_t *f = table(HV_X86_GUEST_ACPI + ACPI_OFF_FADT, "FACP");
    ck_assert_uint_eq(get(f + 4, 4), ACPI_FADT_LEN);
    ck_assert_uint_eq(f[8], 6);
    /* 32-bit pointers 0, the X_ ones set. */
    ck_assert_uint_eq(get(f + 36, 4), 0);
    ck_assert_uint_eq(get(f + 40, 4), 0);
    const uint8_t *facs = area + (get(f + 132, 8) - HV_X86_GUEST_ACPI);
    ck_assert_mem_eq(facs, "FACS", 4);
    ck_assert_uint_eq(get(facs + 4, 4), ACPI_FACS_LEN);
    ck_assert_uint_eq(get(f + 132, 8) % 64, 0);
    table(get(f + 140, 8), "DSDT");
    /* SCI, PM blocks, reset register agree with the models. */
    ck_assert_uint_eq(get(f + 46, 2), X86_IRQ_SCI);
    ck_assert_uint_eq(get(f + 48, 4), 0); /* no SMI_CMD: always in ACPI mode */
    ck_assert_uint_eq(get(f + 56, 4), ACPI_PM1A_EVT);
    ck_assert_uint_eq(get(f + 64, 4), ACPI_PM1A_CNT);
    ck_assert_uint_eq(get(f + 76, 4), ACPI_PM_TMR);
    ck_assert_uint_eq(f[88], 4);
    ck_assert_uint_eq(f[89], 2);
    ck_assert_uint_eq(f[91], 4);
    ck_assert_uint_eq(get(f + 148 + 4, 8), ACPI_PM1A_EVT);
    ck_assert_uint_eq(get(f + 172 + 4, 8), ACPI_PM1A_CNT);
    ck_assert_uint_eq(get(f + 208 + 4, 8), ACPI_PM_TMR);
    ck_assert_uint_eq(f[116], 1); /* system I/O */
    ck_assert_uint_eq(get(f + 120, 8), 0xcf9);
    ck_assert_uint_eq(f[128], 0x06);
    ck_assert_uint_ne(get(f + 112, 4) & (1u << 10), 0); /* RESET_REG_SUP */
    ck_assert_uint_eq(get(f + 109, 2) & 2, 0);          /* no 8042 */
    ck_assert_uint_eq(f[108], 0x32);                    /* century in CMOS 0x32 */
}
END_TEST

START_TEST(madt_entries)
{
    const uint8_t *m = table(HV_X86_GUEST_ACPI + ACPI_OFF_MADT, "APIC");
    uint32_t len = (uint32_t)get(m + 4, 4);
    ck_assert_uint_eq(get(m + 36, 4), LAPIC_BASE);
    ck_assert_uint_eq(get(m + 40, 4) & 1, 1);
    unsigned lapics = 0, ioapics = 0, isos = 0, nmis = 0;
    bool irq0_to_2 = false;
    for (uint32_t off = 44; off < len;) {
        const uint8_t *e = m + off;
        ck_assert_uint_ge(e[1], 2);
        ck_assert_uint_le(off + e[1], len);
        switch (e[0]) {
        case 0:
            ck_assert_uint_eq(e[1], 8);
            ck_assert_uint_eq(get(e + 4, 4) & 1, 1);
            lapics++;
            break;
        case 1:
            ck_assert_uint_eq(e[1], 12);
            ck_assert_uint_eq(get(e + 4, 4), IOAPIC_BASE);
            ck_assert_uint_eq(get(e + 8, 4), 0);
            ioapics++;
            break;
        case 2:
            ck_assert_uint_eq(e[1], 10);
            if (e[3] == 0 && get(e + 4, 4) == X86_GSI_PIT)
                irq0_to_2 = true;
            isos++;
            break;
        case 4:
            ck_assert_uint_eq(e[1], 6);
            nmis++;
            break;
        default:
            ck_abort_msg("unexpected MADT entry type %u", e[0]);
        }
        off += e[1];
    }
    ck_assert_uint_eq(lapics, 1);
    ck_assert_uint_eq(ioapics, 1);
    ck_assert_uint_eq(isos, 2);
    ck_assert_uint_eq(nmis, 1);
    ck_assert(irq0_to_2);
}
END_TEST

/* A Memory32Fixed descriptor (0x86) for base in the AML, followed by an extended interrupt
 * descriptor (0x89) for gsi. */
static bool dsdt_has_slot(const uint8_t *d, size_t len, uint32_t base, uint32_t gsi)
{
    for (size_t i = 0; i + 21 < len; i++) {
        if (d[i] != 0x86 || d[i + 1] != 9 || get(d + i + 4, 4) != base ||
            get(d + i + 8, 4) != X86_VIRTIO_MMIO_SIZE)
            continue;
        const uint8_t *irq = d + i + 12;
        /* 0x89, length 6, flags 0x01 (consumer; bit 1 clear: level; bit 2 clear: active
         * high), count 1, the GSI. */
        return irq[0] == 0x89 && irq[3] == 0x01 && irq[4] == 1 && get(irq + 5, 4) == gsi;
    }
    return false;
}

START_TEST(dsdt_virtio_slots)
{
    const uint8_t *d = table(HV_X86_GUEST_ACPI + ACPI_OFF_DSDT, "DSDT");
    size_t len = get(d + 4, 4);
    unsigned hids = 0;
    for (size_t i = 0; i + 8 <= len; i++)
        hids += memcmp(d + i, "LNRO0005", 8) == 0;
    ck_assert_uint_eq(hids, X86_VIRTIO_MMIO_SLOTS);
    /* fw_cfg as QEMU names it, with its two ports: IO descriptor 47 01 <min 0x510> <max 0x510>
     * <align 1> <length 2>. */
    unsigned fw_cfg = 0, fw_cfg_io = 0;
    for (size_t i = 0; i + 8 <= len; i++) {
        fw_cfg += memcmp(d + i, "QEMU0002", 8) == 0;
        fw_cfg_io += d[i] == 0x47 && d[i + 1] == 0x01 && get(d + i + 2, 2) == 0x510 &&
                     get(d + i + 4, 2) == 0x510 && d[i + 6] == 1 && d[i + 7] == 2;
    }
    ck_assert_uint_eq(fw_cfg, 1);
    ck_assert_uint_eq(fw_cfg_io, 1);
    for (unsigned n = 0; n < X86_VIRTIO_MMIO_SLOTS; n++)
        ck_assert_msg(dsdt_has_slot(d, len,
                                    (uint32_t)(X86_VIRTIO_MMIO_BASE + n * X86_VIRTIO_MMIO_SIZE),
                                    X86_VIRTIO_GSI_BASE + n),
                      "slot %u", n);
    ck_assert_uint_lt(X86_VIRTIO_GSI_BASE + X86_VIRTIO_MMIO_SLOTS - 1, IOAPIC_PINS);
    /* Each slot has a _STA method (its presence bit); the word they read is the one
     * x86_acpi_set_virtio_slots writes: OperationRegion (VPRS, SystemMemory, DWordConst
     * address, ByteConst 4) as AML: 5B 80 "VPRS" 00 0C <address> 0A 04. */
    unsigned stas = 0;
    for (size_t i = 0; i + 4 <= len; i++)
        stas += memcmp(d + i, "_STA", 4) == 0;
    ck_assert_uint_eq(stas, X86_VIRTIO_MMIO_SLOTS);
    bool region = false;
    for (size_t i = 0; i + 14 <= len; i++)
        if (d[i] == 0x5b && d[i + 1] == 0x80 && memcmp(d + i + 2, "VPRS", 4) == 0 &&
            d[i + 6] == 0 && d[i + 7] == 0x0c &&
            get(d + i + 8, 4) == HV_X86_GUEST_ACPI + ACPI_OFF_VIRTIO_SLOTS && d[i + 12] == 0x0a &&
            d[i + 13] == 4)
            region = true;
    ck_assert(region);
    ck_assert_uint_eq(get(area + ACPI_OFF_VIRTIO_SLOTS, 4), 0); /* none until a device is */
    x86_acpi_set_virtio_slots(area, 0xffffff05u);
    ck_assert_uint_eq(get(area + ACPI_OFF_VIRTIO_SLOTS, 4), 0x05); /* only real slots */
    /* \_S5 with SLP_TYP 5: Package (4) {5, 5, 0, 0} as AML: 12 len 04 0A 05 0A 05 00 00. */
    bool s5 = false;
    for (size_t i = 0; i + 9 <= len; i++)
        if (memcmp(d + i, "_S5_", 4) == 0 && d[i + 4] == 0x12 && d[i + 6] == 4 &&
            d[i + 7] == 0x0a && d[i + 8] == ACPI_SLP_TYP_S5)
            s5 = true;
    ck_assert(s5);
}
END_TEST

START_TEST(too_small_area_refused)
{
    uint8_t small[ACPI_OFF_DSDT + 16];
    ck_assert_uint_eq(x86_acpi_build(small, sizeof(small), HV_X86_GUEST_ACPI), 0);
    /* Only at HV_X86_GUEST_ACPI, where the DSDT's slot word is. */
    ck_assert_uint_eq(x86_acpi_build(area, sizeof(area), 0xffffff00ull), 0);
    ck_assert_uint_eq(x86_acpi_build(area, sizeof(area), HV_X86_GUEST_ACPI + 0x1000), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("acpi");
    TCase *tc = tcase_create("acpi");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, rsdp);
    tcase_add_test(tc, xsdt_points_to_fadt_and_madt);
    tcase_add_test(tc, fadt_fields);
    tcase_add_test(tc, madt_entries);
    tcase_add_test(tc, dsdt_virtio_slots);
    tcase_add_test(tc, too_small_area_refused);
    suite_add_tcase(s, tc);
    return check_run(s);
}
