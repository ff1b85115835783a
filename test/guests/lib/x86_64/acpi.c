/* Finding the PM timer, the PM1a control block and the S5 sleep type in the ACPI tables (ACPI
 * 6.4: RSDP 5.2.5, XSDT/RSDT 5.2.7-8, FADT 5.2.9, \_S5 7.4.2): what the guest needs to time its
 * waits and to power off on both a QEMU q35 and a partition, whose values differ. */
#include <guest/acpi.h>
#include <hv/string.h>

struct acpi_info acpi;

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool checksum_ok(const uint8_t *p, uint32_t len)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++)
        sum += p[i];
    return sum == 0;
}

/* Tables lie in the first 4 GiB here (the guest maps nothing above). */
static const uint8_t *table_at(uint64_t addr, const char *sig)
{
    if (!addr || addr >= (1ull << 32) - 36)
        return 0;
    const uint8_t *t = (const uint8_t *)addr;
    uint32_t len = le32(t + 4);
    if (memcmp(t, sig, 4) != 0 || len < 36 || len > (1u << 20) || !checksum_ok(t, len))
        return 0;
    return t;
}

static const uint8_t *rsdp_scan(uint64_t from, uint64_t to)
{
    for (uint64_t a = from; a + 20 <= to; a += 16) {
        const uint8_t *p = (const uint8_t *)a;
        if (memcmp(p, "RSD PTR ", 8) == 0 && checksum_ok(p, 20))
            return p;
    }
    return 0;
}

static const uint8_t *find_rsdp(uint64_t hint)
{
    const uint8_t *p = hint && hint < (1ull << 32) ? (const uint8_t *)hint : 0;
    if (p && memcmp(p, "RSD PTR ", 8) == 0 && checksum_ok(p, 20))
        return p;
    /* The first KiB of the EBDA (segment at 0x40e), then the BIOS area 0xe0000-0xfffff. */
    uint64_t ebda = (uint64_t) * (const volatile uint16_t *)0x40e << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000 && (p = rsdp_scan(ebda, ebda + 1024)))
        return p;
    return rsdp_scan(0xe0000, 0x100000);
}

static const uint8_t *find_fadt(const uint8_t *rsdp)
{
    const uint8_t *sdt = rsdp[15] >= 2 ? table_at(le64(rsdp + 24), "XSDT") : 0;
    unsigned entry = 8;
    if (!sdt) {
        sdt = table_at(le32(rsdp + 16), "RSDT");
        entry = 4;
    }
    if (!sdt)
        return 0;
    for (uint32_t off = 36; off + entry <= le32(sdt + 4); off += entry) {
        uint64_t a = entry == 8 ? le64(sdt + off) : le32(sdt + off);
        const uint8_t *t = table_at(a, "FACP");
        if (t)
            return t;
    }
    return 0;
}

/* \_S5's package: NameOp "_S5_" PackageOp PkgLength NumElements, then SLP_TYPa as ZeroOp,
 * OneOp or BytePrefix n (ACPI 20.2). */
static void find_s5(const uint8_t *dsdt)
{
    uint32_t len = le32(dsdt + 4);
    for (uint32_t i = 36; i + 8 < len; i++) {
        if (memcmp(dsdt + i, "_S5_", 4) != 0 || dsdt[i + 4] != 0x12)
            continue;
        uint32_t j = i + 5;
        j += 1 + (dsdt[j] >> 6); /* PkgLength: the lead byte says how many bytes follow */
        j += 1;                  /* NumElements */
        if (j + 1 >= len)
            return;
        uint8_t op = dsdt[j];
        acpi.s5_typ = op == 0x0a ? dsdt[j + 1] : op == 0x01 ? 1 : 0;
        acpi.s5_found = op == 0x0a || op == 0x00 || op == 0x01;
        return;
    }
}

void acpi_init(uint64_t rsdp_hint)
{
    const uint8_t *rsdp = find_rsdp(rsdp_hint);
    if (!rsdp)
        return;
    acpi.rsdp = (uint64_t)rsdp;
    const uint8_t *fadt = find_fadt(rsdp);
    if (!fadt)
        return;
    acpi.pm1a_cnt = (uint16_t)le32(fadt + 64);
    acpi.pm_timer = (uint16_t)le32(fadt + 76);
    uint64_t dsdt_addr =
        le32(fadt + 4) >= 148 && le64(fadt + 140) ? le64(fadt + 140) : le32(fadt + 40);
    const uint8_t *dsdt = table_at(dsdt_addr, "DSDT");
    if (dsdt)
        find_s5(dsdt);
}
