/* Unit tests for the generic page-table builder with the AArch64 stage-1 format: block
 * choice, attribute encoding, and all-or-nothing failure. */
#include "check_run.h"
#include "host_pt_alloc.h"
#include "pt_format.h"
#include <hv/abi/error.h>

#define DESC_TABLE_OR_PAGE (1ull << 1)
#define DESC_ATTR_MASK (7ull << 2)
#define DESC_AP_EL0 (1ull << 6)
#define DESC_AP_RO (1ull << 7)
#define DESC_AF (1ull << 10)
#define DESC_NG (1ull << 11)
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)
#define KVA 0xffff000000000000ull

static struct host_pt_alloc alloc;
static struct pt pt;

static void setup(unsigned tables)
{
    host_pt_alloc_init(&alloc, tables);
    ck_assert_int_eq(pt_init(&pt, &aarch64_stage1_format, &alloc.ops), HV_OK);
}

static void teardown_pt(void)
{
    host_pt_alloc_free(&alloc);
}

/* Looks va up and checks it lands at pa; returns the leaf's level and descriptor. */
static unsigned expect_mapped(uint64_t va, uint64_t pa, uint64_t *desc)
{
    paddr_t out;
    uint64_t d;
    unsigned level;
    ck_assert_int_eq(pt_lookup(&pt, va, &out, &d, &level), HV_OK);
    ck_assert_uint_eq(pa_addr(out), pa);
    if (desc)
        *desc = d;
    return level;
}

static void expect_unmapped(uint64_t va)
{
    paddr_t out;
    uint64_t d;
    unsigned level;
    ck_assert_int_eq(pt_lookup(&pt, va, &out, &d, &level), HV_ENOENT);
}

START_TEST(picks_largest_blocks)
{
    setup(16);
    /* 1 GiB aligned both sides: one level-1 block. */
    ck_assert_int_eq(pt_map(&pt, KVA + GIB(1), pa_init(GIB(1)), GIB(1), PT_READ), HV_OK);
    uint64_t d;
    ck_assert_uint_eq(expect_mapped(KVA + GIB(1) + 0x12345, GIB(1) + 0x12345, &d), 1);
    ck_assert_uint_eq(d & DESC_TABLE_OR_PAGE, 0);
    /* 4 KiB + 2 MiB + 4 KiB straddling a 2 MiB boundary: page, block, page. */
    uint64_t va = KVA + GIB(4) + MIB(2) - KIB(4), pa = GIB(4) + MIB(2) - KIB(4);
    ck_assert_int_eq(pt_map(&pt, va, pa_init(pa), MIB(2) + KIB(8), PT_READ), HV_OK);
    ck_assert_uint_eq(expect_mapped(va, pa, &d), 3);
    ck_assert_uint_eq(d & DESC_TABLE_OR_PAGE, DESC_TABLE_OR_PAGE);
    ck_assert_uint_eq(expect_mapped(va + KIB(4) + 5, pa + KIB(4) + 5, NULL), 2);
    ck_assert_uint_eq(expect_mapped(va + MIB(2) + KIB(4), pa + MIB(2) + KIB(4), NULL), 3);
    expect_unmapped(va - KIB(4));
    expect_unmapped(va + MIB(2) + KIB(8));
    /* Misaligned physical address: no 2 MiB block even though va and size allow one. */
    ck_assert_int_eq(pt_map(&pt, KVA + GIB(8), pa_init(GIB(8) + KIB(4)), MIB(2), PT_READ), HV_OK);
    ck_assert_uint_eq(expect_mapped(KVA + GIB(8), GIB(8) + KIB(4), NULL), 3);
    teardown_pt();
}
END_TEST

START_TEST(encodes_permissions)
{
    setup(16);
    uint64_t d;
    ck_assert_int_eq(pt_map(&pt, 0x400000, pa_init(0x80000000), KIB(4), PT_READ | PT_WRITE | PT_USER), HV_OK);
    expect_mapped(0x400000, 0x80000000, &d);
    ck_assert_uint_eq(d & (DESC_AP_EL0 | DESC_AP_RO | DESC_NG | DESC_PXN | DESC_UXN | DESC_AF),
                      DESC_AP_EL0 | DESC_NG | DESC_PXN | DESC_UXN | DESC_AF);
    ck_assert_uint_eq(d & DESC_ATTR_MASK, 1ull << 2);

    ck_assert_int_eq(pt_map(&pt, 0x401000, pa_init(0x80001000), KIB(4), PT_READ | PT_EXEC | PT_USER), HV_OK);
    expect_mapped(0x401000, 0x80001000, &d);
    ck_assert_uint_eq(d & (DESC_AP_RO | DESC_PXN | DESC_UXN), DESC_AP_RO | DESC_PXN);

    ck_assert_int_eq(pt_map(&pt, KVA, pa_init(0), KIB(4), PT_READ | PT_EXEC), HV_OK);
    expect_mapped(KVA, 0, &d);
    ck_assert_uint_eq(d & (DESC_AP_EL0 | DESC_NG | DESC_PXN | DESC_UXN | DESC_AP_RO),
                      DESC_UXN | DESC_AP_RO);

    ck_assert_int_eq(pt_map(&pt, KVA + MIB(2), pa_init(0x09000000), MIB(2),
                            PT_READ | PT_WRITE | PT_DEVICE), HV_OK);
    ck_assert_uint_eq(expect_mapped(KVA + MIB(2) + 8, 0x09000008, &d), 2);
    ck_assert_uint_eq(d & DESC_ATTR_MASK, 0);
    ck_assert_uint_eq(d & (DESC_PXN | DESC_UXN), DESC_PXN | DESC_UXN);
    teardown_pt();
}
END_TEST

START_TEST(refuses_bad_arguments_without_change)
{
    setup(16);
    unsigned used = alloc.used;
    ck_assert_int_eq(pt_map(&pt, 0x1001, pa_init(0x2000), KIB(4), PT_READ), HV_EALIGN);
    ck_assert_int_eq(pt_map(&pt, 0x1000, pa_init(0x2800), KIB(4), PT_READ), HV_EALIGN);
    ck_assert_int_eq(pt_map(&pt, 0x1000, pa_init(0x2000), 100, PT_READ), HV_EALIGN);
    ck_assert_int_eq(pt_map(&pt, 0x1000, pa_init(0x2000), 0, PT_READ), HV_ERANGE);
    /* Outside the 48-bit halves, or crossing from one half's end past the top. */
    ck_assert_int_eq(pt_map(&pt, 0x0001000000000000ull, pa_init(0), KIB(4), PT_READ), HV_ERANGE);
    ck_assert_int_eq(pt_map(&pt, 0x0000fffffffff000ull, pa_init(0), KIB(8), PT_READ), HV_ERANGE);
    ck_assert_int_eq(pt_map(&pt, 0xfffffffffffff000ull, pa_init(0), KIB(8), PT_READ), HV_ERANGE);
    /* Output addresses beyond 48 bits cannot be encoded. */
    ck_assert_int_eq(pt_map(&pt, 0x1000, pa_init(1ull << 48), KIB(4), PT_READ), HV_ERANGE);
    ck_assert_uint_eq(alloc.used, used);
    expect_unmapped(0x1000);
    teardown_pt();
}
END_TEST

START_TEST(overlap_is_all_or_nothing)
{
    setup(16);
    ck_assert_int_eq(pt_map(&pt, 0x200000 + KIB(8), pa_init(0x10000000), KIB(8), PT_READ), HV_OK);
    /* [0x200000, 0x20c000) overlaps the second and third pages: nothing of it is mapped. */
    ck_assert_int_eq(pt_map(&pt, 0x200000, pa_init(0x20000000), KIB(48), PT_READ), HV_EEXIST);
    expect_unmapped(0x200000);
    expect_unmapped(0x200000 + KIB(4));
    expect_mapped(0x200000 + KIB(8), 0x10000000, NULL);
    /* A block over a range that already has a page table below it is a conflict too. */
    ck_assert_int_eq(pt_map(&pt, 0, pa_init(0), MIB(4), PT_READ), HV_EEXIST);
    expect_unmapped(0);
    teardown_pt();
}
END_TEST

START_TEST(out_of_tables_is_all_or_nothing)
{
    /* Root + 3 tables reach one 4 KiB page; two pages 512 GiB apart need 3 more. */
    setup(5);
    ck_assert_int_eq(pt_map(&pt, 0x1000, pa_init(0x1000), KIB(4), PT_READ), HV_OK);
    ck_assert_uint_eq(alloc.used, 4);
    ck_assert_int_eq(pt_map(&pt, GIB(512) - KIB(4), pa_init(0x2000), KIB(8), PT_READ), HV_ENOMEM);
    ck_assert_uint_eq(alloc.used, 4);
    expect_unmapped(GIB(512) - KIB(4));
    expect_unmapped(GIB(512));
    /* One more table is enough for a page next to the first. */
    ck_assert_int_eq(pt_map(&pt, 0x2000, pa_init(0x3000), KIB(4), PT_READ), HV_OK);
    ck_assert_uint_eq(alloc.used, 4);
    teardown_pt();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pagetable");
    TCase *tc = tcase_create("aarch64-stage1");
    tcase_add_test(tc, picks_largest_blocks);
    tcase_add_test(tc, encodes_permissions);
    tcase_add_test(tc, refuses_bad_arguments_without_change);
    tcase_add_test(tc, overlap_is_all_or_nothing);
    tcase_add_test(tc, out_of_tables_is_all_or_nothing);
    suite_add_tcase(s, tc);
    return check_run(s);
}
