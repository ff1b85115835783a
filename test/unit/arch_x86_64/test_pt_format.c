/* Unit tests for x86_64_paging_format through the generic builder: which level a mapping
 * lands at, the exact entry bits, and errors that leave the tables unchanged. */
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

#define MAX_TABLES 64
#define PHYSMAP 0xffff800000000000ull
#define KERNEL 0xffffffff80000000ull

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
    ck_assert_int_eq(pt_init(&pt, &x86_64_paging_format, &alloc.ops), HV_OK);
}

static void teardown(void)
{
    for (unsigned i = 0; i < alloc.used; i++)
        free(alloc.tables[i]);
}

/* Looks va up and checks the level and the whole entry. */
static void assert_leaf(uint64_t va, unsigned level, uint64_t entry)
{
    paddr_t pa;
    uint64_t desc;
    unsigned l;
    ck_assert_int_eq(pt_lookup(&pt, va, &pa, &desc, &l), HV_OK);
    ck_assert_uint_eq(l, level);
    ck_assert_uint_eq(desc, entry);
}

static void assert_unmapped(uint64_t va)
{
    paddr_t pa;
    uint64_t desc;
    unsigned l;
    ck_assert_int_eq(pt_lookup(&pt, va, &pa, &desc, &l), HV_ENOENT);
}

static uint64_t *root(void)
{
    return (uint64_t *)(uintptr_t)pa_addr(pt.root);
}

START_TEST(format_shape)
{
    ck_assert_uint_eq(x86_64_paging_format.levels, 4);
    ck_assert_uint_eq(x86_64_paging_format.va_bits, 47); /* canonical: bit 47 is the sign */
    ck_assert_uint_eq(pt_level_size(&x86_64_paging_format, 2), 2u << 20);
    ck_assert_uint_eq(pt_level_size(&x86_64_paging_format, 3), 4096);
}
END_TEST

START_TEST(aligned_2m_is_a_block)
{
    ck_assert_int_eq(pt_map(&pt, PHYSMAP + MIB(2), pa_init(MIB(2)), MIB(2), PT_READ | PT_WRITE),
                     HV_OK);
    assert_leaf(PHYSMAP + MIB(2), 2, MIB(2) | P | RW | PS | G | NX);
    ck_assert_uint_eq(alloc.used, 3); /* PML4, PDPT, PD: no page table */

    /* Tables grant everything; the leaf decides (SDM 5.6.1). */
    uint64_t pml4e = root()[256];
    ck_assert_uint_eq(pml4e & 0xfff, P | RW | US);
    ck_assert_uint_eq(pml4e & ~0xfffull, (uint64_t)(uintptr_t)alloc.tables[1]);
}
END_TEST

START_TEST(aligned_1g_uses_2m_blocks_not_1g_pages)
{
    ck_assert_int_eq(pt_map(&pt, PHYSMAP + GIB(1), pa_init(GIB(1)), GIB(1), PT_READ | PT_WRITE),
                     HV_OK);
    assert_leaf(PHYSMAP + GIB(1), 2, GIB(1) | P | RW | PS | G | NX);
    assert_leaf(PHYSMAP + GIB(2) - MIB(2), 2, (GIB(2) - MIB(2)) | P | RW | PS | G | NX);
    ck_assert_uint_eq(alloc.used, 3);
}
END_TEST

START_TEST(page_has_no_ps_bit)
{
    ck_assert_int_eq(pt_map(&pt, KERNEL + MIB(2), pa_init(MIB(2)), 4096, PT_READ | PT_EXEC), HV_OK);
    /* Read-only, executable, global; bit 7 (PAT at this level) clear. */
    assert_leaf(KERNEL + MIB(2), 3, MIB(2) | P | G);
    ck_assert_uint_eq(alloc.used, 4);
    ck_assert_uint_ne(root()[511], 0); /* -2 GiB is the last PML4 entry */
}
END_TEST

START_TEST(unaligned_range_mixes_pages_and_blocks)
{
    /* [2 MiB - 4 KiB, 6 MiB + 4 KiB): a page, two blocks, a page. */
    uint64_t va = PHYSMAP + MIB(2) - 4096;
    ck_assert_int_eq(pt_map(&pt, va, pa_init(MIB(2) - 4096), MIB(4) + 8192, PT_READ), HV_OK);
    assert_leaf(va, 3, (MIB(2) - 4096) | P | G | NX);
    assert_leaf(va + 4096, 2, MIB(2) | P | PS | G | NX);
    assert_leaf(va + 4096 + MIB(2), 2, MIB(4) | P | PS | G | NX);
    assert_leaf(va + 4096 + MIB(4), 3, MIB(6) | P | G | NX);
    assert_unmapped(va - 4096);
    assert_unmapped(va + 8192 + MIB(4));
}
END_TEST

START_TEST(user_mappings_are_not_global)
{
    ck_assert_int_eq(pt_map(&pt, 0x400000, pa_init(0x800000), 4096, PT_READ | PT_USER | PT_EXEC),
                     HV_OK);
    assert_leaf(0x400000, 3, 0x800000 | P | US);
    ck_assert_int_eq(pt_map(&pt, 0x401000, pa_init(0x801000), 4096, PT_READ | PT_WRITE | PT_USER),
                     HV_OK);
    assert_leaf(0x401000, 3, 0x801000 | P | RW | US | NX);
}
END_TEST

START_TEST(device_mappings_are_uncached)
{
    ck_assert_int_eq(pt_map(&pt, PHYSMAP + 0xfee00000, pa_init(0xfee00000), 4096,
                            PT_READ | PT_WRITE | PT_DEVICE),
                     HV_OK);
    assert_leaf(PHYSMAP + 0xfee00000, 3, 0xfee00000 | P | RW | PCD | PWT | G | NX);
}
END_TEST

START_TEST(misaligned_changes_nothing)
{
    ck_assert_int_eq(pt_map(&pt, PHYSMAP + 0x800, pa_init(0), 4096, PT_READ), HV_EALIGN);
    ck_assert_int_eq(pt_map(&pt, PHYSMAP, pa_init(0x10), 4096, PT_READ), HV_EALIGN);
    ck_assert_int_eq(pt_map(&pt, PHYSMAP, pa_init(0), 100, PT_READ), HV_EALIGN);
    ck_assert_uint_eq(alloc.used, 1);
    assert_unmapped(PHYSMAP);
}
END_TEST

START_TEST(out_of_range_changes_nothing)
{
    /* Non-canonical VAs (either side of the hole), a range crossing into the hole, a PA
     * beyond 52 bits. */
    ck_assert_int_eq(pt_map(&pt, 0x0000800000000000ull, pa_init(0), 4096, PT_READ), HV_ERANGE);
    ck_assert_int_eq(pt_map(&pt, 0xffff7ffffffff000ull, pa_init(0), 4096, PT_READ), HV_ERANGE);
    ck_assert_int_eq(pt_map(&pt, 0x00007ffffffff000ull, pa_init(0), 8192, PT_READ), HV_ERANGE);
    ck_assert_int_eq(pt_map(&pt, PHYSMAP, pa_init(1ull << 52), 4096, PT_READ), HV_ERANGE);
    ck_assert_uint_eq(alloc.used, 1);
    ck_assert_int_eq(root()[256], 0);
}
END_TEST

START_TEST(canonical_extremes_map)
{
    ck_assert_int_eq(pt_map(&pt, 0x00007ffffffff000ull, pa_init(0), 4096, PT_READ), HV_OK);
    ck_assert_int_eq(pt_map(&pt, 0xfffffffffffff000ull, pa_init(0), 4096, PT_READ), HV_OK);
    ck_assert_int_eq(pt_map(&pt, 0xffff800000000000ull, pa_init(0), 4096, PT_READ), HV_OK);
    ck_assert_uint_ne(root()[255], 0);
    ck_assert_uint_ne(root()[511], 0);
    ck_assert_uint_ne(root()[256], 0);
}
END_TEST

START_TEST(overlap_changes_nothing)
{
    ck_assert_int_eq(pt_map(&pt, PHYSMAP + MIB(4), pa_init(MIB(4)), MIB(2), PT_READ), HV_OK);
    unsigned used = alloc.used;

    /* A page inside the block, and a range running from free space into it. */
    ck_assert_int_eq(pt_map(&pt, PHYSMAP + MIB(5), pa_init(0), 4096, PT_READ), HV_EEXIST);
    ck_assert_int_eq(pt_map(&pt, PHYSMAP + MIB(2) - 4096, pa_init(0), MIB(2) + 8192, PT_READ),
                     HV_EEXIST);
    ck_assert_uint_eq(alloc.used, used); /* not even a page table for the free part */
    assert_unmapped(PHYSMAP + MIB(2) - 4096);
    assert_unmapped(PHYSMAP + MIB(2));
    assert_leaf(PHYSMAP + MIB(4), 2, MIB(4) | P | PS | G | NX);
}
END_TEST

START_TEST(out_of_tables_changes_nothing)
{
    /* A 4 KiB page needs PDPT, PD and PT besides the root: give only two. */
    alloc.limit = 3;
    ck_assert_int_eq(pt_map(&pt, PHYSMAP, pa_init(0), 4096, PT_READ), HV_ENOMEM);
    ck_assert_uint_eq(alloc.used, 1);
    for (unsigned i = 0; i < PT_ENTRIES; i++)
        ck_assert_uint_eq(root()[i], 0);
    /* A 2 MiB block needs one table fewer and fits. */
    ck_assert_int_eq(pt_map(&pt, PHYSMAP, pa_init(0), MIB(2), PT_READ), HV_OK);
    ck_assert_uint_eq(alloc.used, 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x86_64 paging format");
    TCase *tc = tcase_create("pt_map");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, format_shape);
    tcase_add_test(tc, aligned_2m_is_a_block);
    tcase_add_test(tc, aligned_1g_uses_2m_blocks_not_1g_pages);
    tcase_add_test(tc, page_has_no_ps_bit);
    tcase_add_test(tc, unaligned_range_mixes_pages_and_blocks);
    tcase_add_test(tc, user_mappings_are_not_global);
    tcase_add_test(tc, device_mappings_are_uncached);
    tcase_add_test(tc, misaligned_changes_nothing);
    tcase_add_test(tc, out_of_range_changes_nothing);
    tcase_add_test(tc, canonical_extremes_map);
    tcase_add_test(tc, overlap_changes_nothing);
    tcase_add_test(tc, out_of_tables_changes_nothing);
    suite_add_tcase(s, tc);

    return check_run(s);
}
