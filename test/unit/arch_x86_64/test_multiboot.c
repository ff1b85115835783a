/* Unit tests for the Multiboot (v1) reader: what QEMU hands over, and malformed info that must
 * be refused without reading outside the memory the reader allows. */
#include "multiboot.h"
#include "check_run.h"
#include <hv/abi/error.h>
#include <stdlib.h>
#include <string.h>

#define MEM_SIZE 0x10000u
#define INFO_PA 0x1000u
#define MMAP_PA 0x2000u
#define CMDLINE_PA 0x3000u

/* Fake physical memory of exactly MEM_SIZE bytes (heap, so ASan sees any overrun). */
static uint8_t *mem;
static unsigned refused;

static bool fake_read(void *ctx, uint64_t pa, void *dst, size_t len)
{
    if (pa > MEM_SIZE || len > MEM_SIZE - pa) {
        refused++;
        return false;
    }
    memcpy(dst, mem + pa, len);
    return true;
}

static const struct multiboot_reader rd = {fake_read, NULL};
static struct boot_info bi;

static void setup(void)
{
    mem = calloc(1, MEM_SIZE);
    refused = 0;
    memset(&bi, 0, sizeof(bi));
}

static void teardown(void)
{
    free(mem);
}

static void put32(uint64_t pa, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        mem[pa + i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint64_t pa, uint64_t v)
{
    put32(pa, (uint32_t)v);
    put32(pa + 4, (uint32_t)(v >> 32));
}

static void info(uint32_t flags, uint32_t mmap_addr, uint32_t mmap_length)
{
    put32(INFO_PA + 0, flags);
    put32(INFO_PA + 44, mmap_length);
    put32(INFO_PA + 48, mmap_addr);
}

/* Writes a map entry whose size field is `size` at pa; returns where the next one goes. */
static uint32_t entry(uint32_t pa, uint32_t size, uint64_t base, uint64_t len, uint32_t type)
{
    put32(pa, size);
    put64(pa + 4, base);
    put64(pa + 12, len);
    put32(pa + 20, type);
    return pa + 4 + size;
}

static void assert_region(unsigned i, uint64_t base, uint64_t size)
{
    ck_assert_uint_eq(pa_addr(bi.ram[i].base), base);
    ck_assert_uint_eq(bi.ram[i].size, size);
}

/* What QEMU's loader gives for q35 with -m 512: its e820 map as Multiboot entries. */
START_TEST(qemu_q35_map)
{
    static const struct {
        uint64_t base, len;
        uint32_t type;
    } e820[] = {
        {0x0, 0x9fc00, 1},         {0x9fc00, 0x400, 2},      {0xf0000, 0x10000, 2},
        {0x100000, 0x1fee0000, 1}, {0x1ffe0000, 0x20000, 2}, {0xb0000000, 0x10000000, 2},
        {0xfed1c000, 0x4000, 2},   {0xfffc0000, 0x40000, 2},
    };
    uint32_t pa = MMAP_PA;
    for (unsigned i = 0; i < 8; i++)
        pa = entry(pa, 20, e820[i].base, e820[i].len, e820[i].type);
    info(MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA);

    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_OK);
    ck_assert_uint_eq(bi.nram, 2);
    assert_region(0, 0x0, 0x9f000); /* trimmed to whole pages */
    assert_region(1, 0x100000, 0x1fee0000);
    ck_assert_uint_eq(refused, 0);
}
END_TEST

START_TEST(appends_to_existing_regions)
{
    boot_info_add_ram(&bi, pa_init(0x40000000), 0x1000);
    entry(MMAP_PA, 20, 0x100000, 0x100000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, 24);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_OK);
    ck_assert_uint_eq(bi.nram, 2);
    assert_region(0, 0x40000000, 0x1000);
    assert_region(1, 0x100000, 0x100000);
}
END_TEST

START_TEST(longer_entries_are_skipped_by_their_size)
{
    /* Entries may carry fields after `type`: the size field says where the next starts. */
    uint32_t pa = entry(MMAP_PA, 28, 0x100000, 0x200000, 1);
    put64(pa - 8, 0xffffffffffffffffull); /* junk in the extra bytes */
    pa = entry(pa, 28, 0x400000, 0x1000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_OK);
    ck_assert_uint_eq(bi.nram, 2);
    assert_region(0, 0x100000, 0x200000);
    assert_region(1, 0x400000, 0x1000);
}
END_TEST

START_TEST(ranges_trimmed_to_pages_or_dropped)
{
    uint32_t pa = entry(MMAP_PA, 20, 0x1800, 0x3000, 1);  /* -> [0x2000, 0x4000) */
    pa = entry(pa, 20, 0x10800, 0x1000, 1);               /* no whole page: dropped */
    pa = entry(pa, 20, 0x20000, 0, 1);                    /* empty: dropped */
    pa = entry(pa, 20, 0xfffffffffffff000ull, 0x1000, 2); /* not RAM: ignored */
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_OK);
    ck_assert_uint_eq(bi.nram, 1);
    assert_region(0, 0x2000, 0x2000);
}
END_TEST

START_TEST(region_that_wraps_is_refused)
{
    uint32_t pa = entry(MMAP_PA, 20, 0x100000, 0x100000, 1);
    pa = entry(pa, 20, 0xfffffffffffff000ull, 0x2000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_EFORMAT);
    ck_assert_uint_eq(bi.nram, 0); /* all or nothing: the good first entry is not kept */
}
END_TEST

START_TEST(region_ending_at_top_of_address_space_is_refused)
{
    entry(MMAP_PA, 20, 0xffffffffffffe000ull, 0x2000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, 24);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_EFORMAT);
    ck_assert_uint_eq(bi.nram, 0);
}
END_TEST

/* Each short entry is followed by a valid one where a parser that trusted the size would
 * go next, so skipping the check would be seen as success. */
START_TEST(entry_size_zero_is_refused)
{
    put32(MMAP_PA, 0);
    uint32_t pa = entry(MMAP_PA + 4, 20, 0x100000, 0x100000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_EFORMAT);
    ck_assert_uint_eq(bi.nram, 0);
}
END_TEST

START_TEST(entry_shorter_than_its_fields_is_refused)
{
    put32(MMAP_PA, 16); /* base and length, no type */
    uint32_t pa = entry(MMAP_PA + 20, 20, 0x100000, 0x100000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_EFORMAT);
    ck_assert_uint_eq(bi.nram, 0);
}
END_TEST

START_TEST(entry_size_beyond_the_map_is_refused)
{
    entry(MMAP_PA, 0xffffffffu, 0x100000, 0x100000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, 24);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_EFORMAT);
    ck_assert_uint_eq(bi.nram, 0);
    ck_assert_uint_eq(refused, 0); /* caught by the length check, nothing beyond was read */
}
END_TEST

START_TEST(map_length_not_ending_on_an_entry_is_refused)
{
    uint32_t pa = entry(MMAP_PA, 20, 0x100000, 0x100000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA + 10);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_EFORMAT);
    ck_assert_uint_eq(bi.nram, 0);
}
END_TEST

START_TEST(map_length_lying_beyond_memory_is_refused)
{
    /* Valid entries fill the rest of memory, and the length claims more. */
    uint32_t pa = MMAP_PA;
    while (pa + 24 <= MEM_SIZE)
        pa = entry(pa, 20, 0, 0, 2);
    entry(MMAP_PA, 20, 0x100000, 0x100000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA + 24 * 4);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_EFORMAT);
    ck_assert_uint_eq(bi.nram, 0);
    ck_assert_uint_eq(refused, 1);
}
END_TEST

START_TEST(map_crossing_4g_is_refused)
{
    info(MULTIBOOT_INFO_MEM_MAP, 0xfffffff0u, 0x40);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_EFORMAT);
    ck_assert_uint_eq(bi.nram, 0);
}
END_TEST

START_TEST(empty_map_means_no_ram)
{
    uint32_t pa = entry(MMAP_PA, 20, 0x100000, 0x100000, 2);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_ENOENT);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, 0);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_ENOENT);
    ck_assert_uint_eq(bi.nram, 0);
}
END_TEST

START_TEST(too_many_regions)
{
    uint32_t pa = MMAP_PA;
    for (unsigned i = 0; i < BOOT_MAX_RAM_REGIONS; i++)
        pa = entry(pa, 20, MIB(2) * (i + 1), 0x1000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_OK);
    ck_assert_uint_eq(bi.nram, BOOT_MAX_RAM_REGIONS);

    memset(&bi, 0, sizeof(bi));
    pa = entry(pa, 20, GIB(1), 0x1000, 1);
    info(MULTIBOOT_INFO_MEM_MAP, MMAP_PA, pa - MMAP_PA);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_ETRUNC);
    ck_assert_uint_eq(bi.nram, 0);
}
END_TEST

START_TEST(mem_lower_upper_without_map)
{
    put32(INFO_PA + 4, 639);    /* KiB below 640 KiB */
    put32(INFO_PA + 8, 523136); /* KiB from 1 MiB */
    info(MULTIBOOT_INFO_MEMORY, 0, 0);
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_OK);
    ck_assert_uint_eq(bi.nram, 2);
    assert_region(0, 0, 0x9f000);
    assert_region(1, 0x100000, 523136ull << 10);
}
END_TEST

START_TEST(no_memory_information)
{
    info(MULTIBOOT_INFO_CMDLINE, MMAP_PA, 24);
    entry(MMAP_PA, 20, 0x100000, 0x100000, 1); /* present but not flagged: not read */
    ck_assert_int_eq(multiboot_read_memory(&rd, INFO_PA, &bi), HV_ENOENT);
    ck_assert_uint_eq(bi.nram, 0);
}
END_TEST

START_TEST(truncated_info_is_refused)
{
    /* The 52 bytes read of the info run past the end of memory. */
    uint32_t at = MEM_SIZE - 40;
    put32(at, MULTIBOOT_INFO_MEM_MAP | MULTIBOOT_INFO_CMDLINE);
    strcpy(bi.cmdline, "stale");
    ck_assert_int_eq(multiboot_read_memory(&rd, at, &bi), HV_EFORMAT);
    ck_assert_int_eq(multiboot_read_cmdline(&rd, at, &bi), HV_EFORMAT);
    ck_assert_str_eq(bi.cmdline, "");
    ck_assert_int_eq(multiboot_read_memory(&rd, 0xffffffffffffffffull, &bi), HV_EFORMAT);
    ck_assert_int_eq(multiboot_read_memory(&rd, 0xffffffffull, &bi), HV_EFORMAT);
    ck_assert_uint_eq(bi.nram, 0);
}
END_TEST

START_TEST(cmdline_copied)
{
    static const char line[] = "duet.test=boot duet.expect_ram_mib=512";
    memcpy(mem + CMDLINE_PA, line, sizeof(line));
    put32(INFO_PA + 16, CMDLINE_PA);
    info(MULTIBOOT_INFO_CMDLINE, 0, 0);
    ck_assert_int_eq(multiboot_read_cmdline(&rd, INFO_PA, &bi), HV_OK);
    ck_assert_str_eq(bi.cmdline, line);
}
END_TEST

START_TEST(cmdline_absent_is_empty)
{
    strcpy(bi.cmdline, "stale");
    put32(INFO_PA + 16, CMDLINE_PA);
    memcpy(mem + CMDLINE_PA, "ignored", 8);
    info(MULTIBOOT_INFO_MEM_MAP, 0, 0);
    ck_assert_int_eq(multiboot_read_cmdline(&rd, INFO_PA, &bi), HV_OK);
    ck_assert_str_eq(bi.cmdline, "");
}
END_TEST

START_TEST(cmdline_longest_that_fits)
{
    memset(mem + CMDLINE_PA, 'a', BOOT_CMDLINE_MAX - 1);
    put32(INFO_PA + 16, CMDLINE_PA);
    info(MULTIBOOT_INFO_CMDLINE, 0, 0);
    ck_assert_int_eq(multiboot_read_cmdline(&rd, INFO_PA, &bi), HV_OK);
    ck_assert_uint_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}
END_TEST

START_TEST(cmdline_too_long_is_empty)
{
    memset(mem + CMDLINE_PA, 'a', BOOT_CMDLINE_MAX);
    put32(INFO_PA + 16, CMDLINE_PA);
    info(MULTIBOOT_INFO_CMDLINE, 0, 0);
    ck_assert_int_eq(multiboot_read_cmdline(&rd, INFO_PA, &bi), HV_ETRUNC);
    ck_assert_str_eq(bi.cmdline, "");
}
END_TEST

START_TEST(cmdline_running_off_memory_is_refused)
{
    /* No NUL before the end of memory, and fewer than BOOT_CMDLINE_MAX bytes left. */
    memset(mem + MEM_SIZE - 10, 'a', 10);
    put32(INFO_PA + 16, MEM_SIZE - 10);
    info(MULTIBOOT_INFO_CMDLINE, 0, 0);
    ck_assert_int_eq(multiboot_read_cmdline(&rd, INFO_PA, &bi), HV_EFORMAT);
    ck_assert_str_eq(bi.cmdline, "");
    put32(INFO_PA + 16, 0xfffffff0u);
    ck_assert_int_eq(multiboot_read_cmdline(&rd, INFO_PA, &bi), HV_EFORMAT);
    ck_assert_str_eq(bi.cmdline, "");
}
END_TEST

/* Random memory and random info fields: whatever the result, the regions kept are sane and
 * the reader was never asked to do anything ASan would object to. */
START_TEST(random_input_gives_sane_regions)
{
    uint64_t state = 0x9e3779b97f4a7c15ull;
    for (unsigned round = 0; round < 2000; round++) {
        for (unsigned i = 0; i < 256; i++) {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            mem[MMAP_PA + i] = (uint8_t)state;
        }
        /* Plausible entry sizes now and then, so the walk gets past the first entry. */
        for (unsigned i = 0; i < 256 && round % 2; i += 24)
            put32(MMAP_PA + i, 20);
        info((uint32_t)state | MULTIBOOT_INFO_MEM_MAP, MMAP_PA, (uint32_t)(state >> 40) % 300);
        memset(&bi, 0, sizeof(bi));
        int r = multiboot_read_memory(&rd, INFO_PA, &bi);
        ck_assert(r == HV_OK || r == HV_EFORMAT || r == HV_ETRUNC || r == HV_ENOENT);
        ck_assert(r == HV_OK ? bi.nram > 0 : bi.nram == 0);
        for (unsigned i = 0; i < bi.nram; i++) {
            uint64_t base = pa_addr(bi.ram[i].base), size = bi.ram[i].size;
            ck_assert(IS_ALIGNED(base | size, 4096) && size > 0 && base + size > base);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x86_64 multiboot");
    TCase *mem_tc = tcase_create("memory");
    TCase *cmd_tc = tcase_create("cmdline");

    tcase_add_checked_fixture(mem_tc, setup, teardown);
    tcase_add_checked_fixture(cmd_tc, setup, teardown);
    tcase_add_test(mem_tc, qemu_q35_map);
    tcase_add_test(mem_tc, appends_to_existing_regions);
    tcase_add_test(mem_tc, longer_entries_are_skipped_by_their_size);
    tcase_add_test(mem_tc, ranges_trimmed_to_pages_or_dropped);
    tcase_add_test(mem_tc, region_that_wraps_is_refused);
    tcase_add_test(mem_tc, region_ending_at_top_of_address_space_is_refused);
    tcase_add_test(mem_tc, entry_size_zero_is_refused);
    tcase_add_test(mem_tc, entry_shorter_than_its_fields_is_refused);
    tcase_add_test(mem_tc, entry_size_beyond_the_map_is_refused);
    tcase_add_test(mem_tc, map_length_not_ending_on_an_entry_is_refused);
    tcase_add_test(mem_tc, map_length_lying_beyond_memory_is_refused);
    tcase_add_test(mem_tc, map_crossing_4g_is_refused);
    tcase_add_test(mem_tc, empty_map_means_no_ram);
    tcase_add_test(mem_tc, too_many_regions);
    tcase_add_test(mem_tc, mem_lower_upper_without_map);
    tcase_add_test(mem_tc, no_memory_information);
    tcase_add_test(mem_tc, truncated_info_is_refused);
    tcase_add_test(mem_tc, random_input_gives_sane_regions);
    tcase_add_test(cmd_tc, cmdline_copied);
    tcase_add_test(cmd_tc, cmdline_absent_is_empty);
    tcase_add_test(cmd_tc, cmdline_longest_that_fits);
    tcase_add_test(cmd_tc, cmdline_too_long_is_empty);
    tcase_add_test(cmd_tc, cmdline_running_off_memory_is_refused);
    suite_add_tcase(s, mem_tc);
    suite_add_tcase(s, cmd_tc);

    return check_run(s);
}
