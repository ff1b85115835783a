/* Unit tests for the device-tree reader: what QEMU hands over, and blobs that lie. Every blob
 * is copied into a heap block of exactly the size the reader is told, so ASan flags any read
 * past it. */
#include "dtb_builder.h"
#include "check_run.h"
#include <check.h>
#include <hv/abi/error.h>
#include <kernel/fdt.h>
#include <stdlib.h>
#include <string.h>

static uint8_t blob[8192];

/* A tree shaped like QEMU virt's: root cells, /chosen/bootargs, one memory node. */
static size_t build_virt_like(const char *bootargs, uint32_t ram_hi, uint32_t ram_lo,
                              uint32_t size_hi, uint32_t size_lo)
{
    struct dtb_builder b;
    dtb_init(&b);
    dtb_begin_node(&b, "");
    dtb_prop_u32(&b, "#address-cells", 2);
    dtb_prop_u32(&b, "#size-cells", 2);
    dtb_begin_node(&b, "chosen");
    if (bootargs)
        dtb_prop(&b, "bootargs", bootargs, (uint32_t)strlen(bootargs) + 1);
    dtb_end_node(&b);
    dtb_begin_node(&b, "memory@40000000");
    dtb_prop(&b, "device_type", "memory", 7);
    uint32_t reg[] = {ram_hi, ram_lo, size_hi, size_lo};
    dtb_prop_cells(&b, "reg", 4, reg);
    dtb_end_node(&b);
    dtb_begin_node(&b, "pl011@9000000");
    uint32_t uart[] = {0, 0x09000000, 0, 0x1000};
    dtb_prop_cells(&b, "reg", 4, uart);
    dtb_end_node(&b);
    dtb_end_node(&b);
    return dtb_finish(&b, blob, sizeof(blob));
}

/* Runs open + read_memory + read_bootargs on an exact-size copy; returns the first error. */
static int parse_exact(const uint8_t *data, size_t size, size_t claimed, struct boot_info *bi)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    memset(bi, 0, sizeof(*bi));
    struct fdt fdt;
    int r = fdt_open(&fdt, copy, claimed);
    if (!r)
        r = fdt_read_memory(&fdt, bi);
    if (!r)
        r = fdt_read_bootargs(&fdt, bi);
    free(copy);
    return r;
}

START_TEST(reads_memory_and_bootargs)
{
    size_t n = build_virt_like("duet.test=boot console=x", 0, 0x40000000, 0, 0x20000000);
    struct boot_info bi;
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_OK);
    ck_assert_uint_eq(bi.nram, 1);
    ck_assert_uint_eq(pa_addr(bi.ram[0].base), 0x40000000);
    ck_assert_uint_eq(bi.ram[0].size, 0x20000000);
    ck_assert_str_eq(bi.cmdline, "duet.test=boot console=x");
}
END_TEST

START_TEST(reads_64bit_sizes)
{
    size_t n = build_virt_like(NULL, 0x1, 0x0, 0x2, 0x0);
    struct boot_info bi;
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_OK);
    ck_assert_uint_eq(pa_addr(bi.ram[0].base), 0x100000000ull);
    ck_assert_uint_eq(bi.ram[0].size, 0x200000000ull);
    ck_assert_str_eq(bi.cmdline, "");
}
END_TEST

START_TEST(default_cells_and_several_ranges)
{
    /* No #address-cells/#size-cells: the spec's defaults are 2 and 1. */
    struct dtb_builder b;
    dtb_init(&b);
    dtb_begin_node(&b, "");
    dtb_begin_node(&b, "memory");
    uint32_t reg[] = {0, 0x1000000, 0x100000, 0, 0x4000000, 0x200000};
    dtb_prop_cells(&b, "reg", 6, reg);
    dtb_end_node(&b);
    dtb_end_node(&b);
    size_t n = dtb_finish(&b, blob, sizeof(blob));
    struct boot_info bi;
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_OK);
    ck_assert_uint_eq(bi.nram, 2);
    ck_assert_uint_eq(pa_addr(bi.ram[1].base), 0x4000000);
    ck_assert_uint_eq(boot_info_ram_total(&bi), 0x300000);
}
END_TEST

START_TEST(nested_memory_nodes_are_not_ram)
{
    struct dtb_builder b;
    dtb_init(&b);
    dtb_begin_node(&b, "");
    dtb_begin_node(&b, "soc");
    dtb_begin_node(&b, "memory@0");
    uint32_t reg[] = {0, 0, 0x1000};
    dtb_prop_cells(&b, "reg", 3, reg);
    dtb_end_node(&b);
    dtb_end_node(&b);
    dtb_end_node(&b);
    size_t n = dtb_finish(&b, blob, sizeof(blob));
    struct boot_info bi;
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_ENOENT);
    ck_assert_uint_eq(bi.nram, 0);
}
END_TEST

START_TEST(bad_magic)
{
    size_t n = build_virt_like(NULL, 0, 0x40000000, 0, 0x1000);
    blob[0] ^= 0xff;
    struct boot_info bi;
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);
}
END_TEST

START_TEST(truncated_blob)
{
    /* The loader gives fewer bytes than the header's totalsize claims: refuse, read nothing
     * past the end. Every length from 0 up is tried. */
    size_t n = build_virt_like("a=b", 0, 0x40000000, 0, 0x1000);
    struct boot_info bi;
    for (size_t cut = 0; cut < n; cut++)
        ck_assert_int_eq(parse_exact(blob, cut, cut, &bi), HV_EFORMAT);
}
END_TEST

START_TEST(lying_header_offsets)
{
    size_t n = build_virt_like("a=b", 0, 0x40000000, 0, 0x1000);
    static const unsigned fields[] = {8, 12, 32, 36}; /* struct/strings offsets and sizes */
    static const uint32_t lies[] = {0xffffffff, 0xfffffff0, 0x80000000, 0x10000};
    struct boot_info bi;
    for (unsigned f = 0; f < 4; f++) {
        for (unsigned l = 0; l < 4; l++) {
            uint8_t copy[8192];
            memcpy(copy, blob, n);
            put_be32(copy + fields[f], lies[l]);
            ck_assert_int_eq(parse_exact(copy, n, n, &bi), HV_EFORMAT);
        }
    }
}
END_TEST

START_TEST(structure_block_corruption_never_reads_outside)
{
    /* Flip every byte of the structure and strings blocks in turn: the reader may accept or
     * refuse, but ASan sees every read, and an accepted tree must still be consistent. */
    size_t n = build_virt_like("duet.test=boot", 0, 0x40000000, 0, 0x1000);
    struct boot_info bi;
    unsigned refused = 0;
    for (size_t i = 40; i < n; i++) {
        uint8_t copy[8192];
        memcpy(copy, blob, n);
        copy[i] ^= 0xa5;
        int r = parse_exact(copy, n, n, &bi);
        if (r)
            refused++;
        else
            ck_assert_uint_le(bi.nram, BOOT_MAX_RAM_REGIONS);
    }
    ck_assert_uint_gt(refused, 0);
}
END_TEST

START_TEST(unterminated_node_name)
{
    struct dtb_builder b;
    dtb_init(&b);
    dtb_token(&b, 1);
    uint8_t name[8];
    memset(name, 'x', sizeof(name));
    memcpy(b.structs + b.struct_len, name, sizeof(name));
    b.struct_len += sizeof(name);
    /* dtb_finish appends FDT_END; make the blob end right after the name instead. */
    size_t n = dtb_finish(&b, blob, sizeof(blob));
    put_be32(blob + 36, b.struct_len);
    struct boot_info bi;
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);
}
END_TEST

START_TEST(property_longer_than_block)
{
    struct dtb_builder b;
    dtb_init(&b);
    dtb_begin_node(&b, "");
    dtb_prop_u32(&b, "x", 1);
    dtb_end_node(&b);
    size_t n = dtb_finish(&b, blob, sizeof(blob));
    /* The property's length word sits after FDT_BEGIN_NODE, the empty name and FDT_PROP. */
    put_be32(blob + 56 + 8 + 4, 0x7fffffff);
    struct boot_info bi;
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);
}
END_TEST

START_TEST(unbalanced_and_too_deep)
{
    struct dtb_builder b;
    struct boot_info bi;
    dtb_init(&b);
    dtb_begin_node(&b, "");
    size_t n = dtb_finish(&b, blob, sizeof(blob)); /* FDT_END inside an open node */
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);

    dtb_init(&b);
    dtb_end_node(&b);
    n = dtb_finish(&b, blob, sizeof(blob)); /* END_NODE with nothing open */
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);

    dtb_init(&b);
    for (int i = 0; i < FDT_MAX_DEPTH + 1; i++)
        dtb_begin_node(&b, "n");
    for (int i = 0; i < FDT_MAX_DEPTH + 1; i++)
        dtb_end_node(&b);
    n = dtb_finish(&b, blob, sizeof(blob));
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);

    dtb_init(&b);
    dtb_token(&b, 0x77); /* unknown token */
    n = dtb_finish(&b, blob, sizeof(blob));
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);
}
END_TEST

START_TEST(bad_memory_reg)
{
    struct dtb_builder b;
    struct boot_info bi;
    /* reg length not a multiple of (address + size) cells */
    dtb_init(&b);
    dtb_begin_node(&b, "");
    dtb_begin_node(&b, "memory");
    uint32_t reg[] = {0, 0x1000, 0x1000, 7};
    dtb_prop_cells(&b, "reg", 4, reg);
    dtb_end_node(&b);
    dtb_end_node(&b);
    size_t n = dtb_finish(&b, blob, sizeof(blob));
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);

    /* unsupported cell count */
    dtb_init(&b);
    dtb_begin_node(&b, "");
    dtb_prop_u32(&b, "#address-cells", 3);
    dtb_begin_node(&b, "memory");
    dtb_prop_cells(&b, "reg", 4, reg);
    dtb_end_node(&b);
    dtb_end_node(&b);
    n = dtb_finish(&b, blob, sizeof(blob));
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);

    /* a range that wraps around the address space */
    n = build_virt_like(NULL, 0xffffffff, 0xfffff000, 0, 0x2000);
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);
}
END_TEST

START_TEST(too_many_ranges)
{
    struct dtb_builder b;
    struct boot_info bi;
    uint32_t reg[3 * (BOOT_MAX_RAM_REGIONS + 1)];
    for (unsigned i = 0; i <= BOOT_MAX_RAM_REGIONS; i++) {
        reg[3 * i] = 0;
        reg[3 * i + 1] = (i + 1) * 0x100000;
        reg[3 * i + 2] = 0x1000;
    }
    dtb_init(&b);
    dtb_begin_node(&b, "");
    dtb_begin_node(&b, "memory");
    dtb_prop_cells(&b, "reg", 3 * (BOOT_MAX_RAM_REGIONS + 1), reg);
    dtb_end_node(&b);
    dtb_end_node(&b);
    size_t n = dtb_finish(&b, blob, sizeof(blob));
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_ETRUNC);
    ck_assert_uint_eq(bi.nram, BOOT_MAX_RAM_REGIONS);
}
END_TEST

START_TEST(bootargs_unterminated_or_too_long)
{
    struct dtb_builder b;
    struct boot_info bi;
    dtb_init(&b);
    dtb_begin_node(&b, "");
    dtb_begin_node(&b, "memory");
    uint32_t reg[] = {0, 0, 0x1000};
    dtb_prop_cells(&b, "reg", 3, reg);
    dtb_end_node(&b);
    dtb_begin_node(&b, "chosen");
    dtb_prop(&b, "bootargs", "abc", 3); /* no NUL */
    dtb_end_node(&b);
    dtb_end_node(&b);
    size_t n = dtb_finish(&b, blob, sizeof(blob));
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_EFORMAT);

    char longargs[BOOT_CMDLINE_MAX + 10];
    memset(longargs, 'a', sizeof(longargs) - 1);
    longargs[sizeof(longargs) - 1] = '\0';
    n = build_virt_like(longargs, 0, 0x40000000, 0, 0x1000);
    ck_assert_int_eq(parse_exact(blob, n, n, &bi), HV_ETRUNC);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fdt");
    TCase *tc = tcase_create("fdt");
    tcase_add_test(tc, reads_memory_and_bootargs);
    tcase_add_test(tc, reads_64bit_sizes);
    tcase_add_test(tc, default_cells_and_several_ranges);
    tcase_add_test(tc, nested_memory_nodes_are_not_ram);
    tcase_add_test(tc, bad_magic);
    tcase_add_test(tc, truncated_blob);
    tcase_add_test(tc, lying_header_offsets);
    tcase_add_test(tc, structure_block_corruption_never_reads_outside);
    tcase_add_test(tc, unterminated_node_name);
    tcase_add_test(tc, property_longer_than_block);
    tcase_add_test(tc, unbalanced_and_too_deep);
    tcase_add_test(tc, bad_memory_reg);
    tcase_add_test(tc, too_many_ranges);
    tcase_add_test(tc, bootargs_unterminated_or_too_long);
    suite_add_tcase(s, tc);
    return check_run(s);
}
