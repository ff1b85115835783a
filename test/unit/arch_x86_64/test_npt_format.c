/* Unit tests for x86_64_npt_format through the generic builder: U=1 at every level, NX unless
 * executable, device memory uncached, 2 MiB frames as 2 MiB pages, and the 48-bit GPA range. */
#include "pt_format.h"
#include "check_run.h"
#include <hv/abi/error.h>
#include <stdlib.h>
#include <string.h>

/* Entry bits, spelled out here so the test does not trust pt_format.c's own constants. */
#define P 0x1ull
#define RW 0x2ull
#define US 0x4ull
#define PWT 0x8ull
#define PCD 0x10ull
#define PS 0x80ull
#define G 0x100ull
#define NX (1ull << 63)
#define ADDR 0x000ffffffffff000ull

#define MAX_TABLES 64

/* Host tables from aligned malloc; a table's "physical address" is its host address. */
struct host_alloc {
    struct pt_alloc ops;
    unsigned used, limit;
    uint64_t *tables[MAX_TABLES];
};

static bool host_alloc_table(struct pt_alloc *self, paddr_t *table)
{
    struct host_alloc *a = (struct host_alloc *)self;
    if (a->used == a->limit)
        return false;
    uint64_t *t = aligned_alloc(PT_TABLE_SIZE, PT_TABLE_SIZE);
    ck_assert_ptr_nonnull(t);
    memset(t, 0, PT_TABLE_SIZE);
    a->tables[a->used++] = t;
    *table = pa_init((uint64_t)(uintptr_t)t);
    return true;
}

static unsigned host_tables_available(struct pt_alloc *self)
{
    struct host_alloc *a = (struct host_alloc *)self;
    return a->limit - a->used;
}

static uint64_t *host_table_virt(struct pt_alloc *self, paddr_t table)
{
    return (uint64_t *)(uintptr_t)pa_addr(table);
}

static struct host_alloc alloc;
static struct pt pt;

static void setup(void)
{
    alloc = (struct host_alloc){
        {host_alloc_table, host_tables_available, host_table_virt}, 0, MAX_TABLES, {0}};
    ck_assert_int_eq(pt_init(&pt, &x86_64_npt_format, &alloc.ops), HV_OK);
}

static void teardown(void)
{
    for (unsigned i = 0; i < alloc.used; i++)
        free(alloc.tables[i]);
}

static void assert_leaf(uint64_t gpa, unsigned level, uint64_t entry)
{
    paddr_t pa;
    uint64_t desc;
    unsigned l;
    ck_assert_int_eq(pt_lookup(&pt, gpa, &pa, &desc, &l), HV_OK);
    ck_assert_uint_eq(l, level);
    ck_assert_uint_eq(desc, entry);
}

/* Walks to gpa's leaf and checks that every table entry on the way has P, RW and US. */
static void assert_tables_user(uint64_t gpa, unsigned leaf_level)
{
    const uint64_t *t = (const uint64_t *)(uintptr_t)pa_addr(pt.root);
    for (unsigned l = 0; l < leaf_level; l++) {
        uint64_t e = t[(gpa >> (39 - 9 * l)) & 511];
        ck_assert_uint_eq(e & ~ADDR, P | RW | US);
        t = (const uint64_t *)(uintptr_t)(e & ADDR);
    }
}

START_TEST(format_shape)
{
    ck_assert_uint_eq(x86_64_npt_format.levels, 4);
    ck_assert_uint_eq(x86_64_npt_format.va_bits, 48);
    ck_assert_uint_eq(pt_level_size(&x86_64_npt_format, 2), 2u << 20);
    ck_assert_uint_eq(pt_level_size(&x86_64_npt_format, 3), 4096);
}
END_TEST

START_TEST(frame_2m_is_a_2m_page)
{
    ck_assert_int_eq(pt_map(&pt, 0, pa_init(MIB(6)), MIB(2), PT_READ | PT_WRITE | PT_EXEC | PT_USER),
                     HV_OK);
    assert_leaf(0, 2, MIB(6) | P | RW | US | PS);
    assert_tables_user(0, 2);
    ck_assert_uint_eq(alloc.used, 3); /* PML4, PDPT, PD */
}
END_TEST

START_TEST(page_is_user_and_nx_unless_exec)
{
    ck_assert_int_eq(pt_map(&pt, 0x7f000, pa_init(0x123000), 4096, PT_READ | PT_USER), HV_OK);
    assert_leaf(0x7f000, 3, 0x123000 | P | US | NX);
    assert_tables_user(0x7f000, 3);
    /* PT_USER or not, a nested entry is always a user entry and never global. */
    ck_assert_int_eq(pt_map(&pt, 0x80000, pa_init(0x124000), 4096, PT_READ | PT_WRITE), HV_OK);
    assert_leaf(0x80000, 3, 0x124000 | P | RW | US | NX);
}
END_TEST

START_TEST(device_is_uncached_and_not_pat)
{
    ck_assert_int_eq(pt_map(&pt, 0xfebff000, pa_init(0xfe000000), 4096,
                            PT_READ | PT_WRITE | PT_DEVICE | PT_USER),
                     HV_OK);
    /* PCD|PWT select host PAT entry 3 (UC); bit 7 (the 4 KiB PAT bit) stays clear. */
    assert_leaf(0xfebff000, 3, 0xfe000000 | P | RW | US | PCD | PWT | NX);
    ck_assert_int_eq(pt_map(&pt, MIB(4), pa_init(MIB(8)), MIB(2), PT_READ | PT_DEVICE), HV_OK);
    assert_leaf(MIB(4), 2, MIB(8) | P | US | PCD | PWT | PS | NX);
}
END_TEST

START_TEST(top_of_48_bits_maps)
{
    uint64_t last = (1ull << 48) - 4096;
    ck_assert_int_eq(pt_map(&pt, last, pa_init(0x5000), 4096, PT_READ), HV_OK);
    assert_leaf(last, 3, 0x5000 | P | US | NX);
    ck_assert_uint_ne(((uint64_t *)(uintptr_t)pa_addr(pt.root))[511], 0);
    ck_assert_int_eq(pt_map(&pt, last - 4096, pa_init(0x5000), 8192, PT_READ), HV_EEXIST);
}
END_TEST

START_TEST(above_48_bits_is_refused)
{
    /* Guest-physical space is not canonical: above 2^48 - 1 the builder refuses (a range
     * crossing the top too), and nothing is allocated. */
    ck_assert_int_eq(pt_map(&pt, 1ull << 48, pa_init(0), 4096, PT_READ), HV_ERANGE);
    ck_assert_int_eq(pt_map(&pt, (1ull << 48) - 4096, pa_init(0), 8192, PT_READ), HV_ERANGE);
    ck_assert_int_eq(pt_map(&pt, 0, pa_init(1ull << 52), 4096, PT_READ), HV_ERANGE);
    ck_assert_uint_eq(alloc.used, 1);
}
END_TEST

START_TEST(overlap_changes_nothing)
{
    ck_assert_int_eq(pt_map(&pt, MIB(2), pa_init(MIB(2)), MIB(2), PT_READ), HV_OK);
    unsigned used = alloc.used;
    ck_assert_int_eq(pt_map(&pt, MIB(3), pa_init(0), 4096, PT_READ), HV_EEXIST);
    ck_assert_uint_eq(alloc.used, used);
    assert_leaf(MIB(2), 2, MIB(2) | P | US | PS | NX);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x86_64 nested paging format");
    TCase *tc = tcase_create("pt_map");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, format_shape);
    tcase_add_test(tc, frame_2m_is_a_2m_page);
    tcase_add_test(tc, page_is_user_and_nx_unless_exec);
    tcase_add_test(tc, device_is_uncached_and_not_pat);
    tcase_add_test(tc, top_of_48_bits_maps);
    tcase_add_test(tc, above_48_bits_is_refused);
    tcase_add_test(tc, overlap_changes_nothing);
    suite_add_tcase(s, tc);

    return check_run(s);
}
