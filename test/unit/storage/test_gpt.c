/* Check tests of the storage server's GPT reader: a good table, then every check it makes,
 * each broken alone (CRCs re-sealed where the check lies behind them), and the slices. */
#include "check_run.h"
#include "gpt.h"
#include <hv/guid.h>
#include "gpt_image.h"
#include "slices.h"

#include <hv/bytes.h>
#include <stdlib.h>
#include <string.h>

#define SECTORS 4096u /* 2 MiB */

static uint8_t *disk;
static struct gpt_scratch scratch;
static struct gpt_table table;
static bool fail_io;
static const struct img_part parts[3] = {
    {"duet-personal", 2048, 2559, 0x10},
    {"duet-work", 2560, 3071, 0x20},
    {"spare", 34, 99, 0x30},
};

static bool ram_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    (void)ctx;
    if (fail_io || lba >= SECTORS || count > SECTORS - lba)
        return false;
    memcpy(buf, disk + 512 * lba, 512u * count);
    return true;
}

static const struct gpt_disk gd = {.read = ram_read, .sectors = SECTORS};

static void setup(void)
{
    free(disk); /* tests that start over call setup again */
    disk = calloc(SECTORS, 512);
    fail_io = false;
    gpt_image_build(disk, SECTORS, parts, 3);
}

static void teardown(void)
{
    free(disk);
    disk = NULL;
}

static uint8_t *hdr(bool backup)
{
    return gpt_image_header(disk, SECTORS, backup);
}
static uint8_t *ent(bool backup, unsigned i)
{
    return gpt_image_entry(disk, SECTORS, backup, i);
}

/* Breaks the same field in both copies (re-sealed), so the primary's failure is the one seen. */
static void both_u64(unsigned off, uint64_t v)
{
    for (int b = 0; b < 2; b++) {
        hv_put_le64(hdr(b) + off, v);
        gpt_image_seal(disk, SECTORS, b);
    }
}

static void expect(enum gpt_check c, enum gpt_where w)
{
    struct gpt_result r = gpt_read(&gd, &scratch, &table);
    ck_assert_msg(r.check == c, "got '%s', want '%s'", gpt_check_name(r.check), gpt_check_name(c));
    ck_assert_int_eq(r.where, w);
}

START_TEST(good_table)
{
    struct gpt_result r = gpt_read(&gd, &scratch, &table);
    ck_assert_int_eq(r.check, GPT_OK);
    ck_assert_uint_eq(table.count, 3);
    ck_assert_str_eq(table.parts[0].name, "duet-personal");
    ck_assert(table.parts[0].name_ascii);
    ck_assert_uint_eq(table.parts[1].first_lba, 2560);
    ck_assert_uint_eq(table.parts[1].last_lba, 3071);
    ck_assert_uint_eq(table.parts[2].index, 2);
    ck_assert_uint_eq(table.first_usable, 34);
    ck_assert_uint_eq(table.last_usable, SECTORS - 34);
    ck_assert_uint_eq(table.parts[1].guid[0], 0x21);
}
END_TEST

START_TEST(io_and_size)
{
    fail_io = true;
    expect(GPT_IO, GPT_AT_MBR);
    struct gpt_disk tiny = gd;
    tiny.sectors = 5;
    fail_io = false;
    struct gpt_result r = gpt_read(&tiny, &scratch, &table);
    ck_assert_int_eq(r.check, GPT_DISK_SIZE);
}
END_TEST

START_TEST(mbr_checks)
{
    disk[511] = 0;
    expect(GPT_MBR_SIGNATURE, GPT_AT_MBR);
    disk[511] = 0xaa;
    disk[446 + 4] = 0x83; /* an ordinary MBR partition, no GPT protection */
    expect(GPT_MBR_PROTECTIVE, GPT_AT_MBR);
    disk[446 + 4] = 0xee;
    disk[446 + 16 + 4] = 0x0c; /* hybrid: a FAT record beside the 0xEE one */
    expect(GPT_MBR_PROTECTIVE, GPT_AT_MBR);
    disk[446 + 16 + 4] = 0;
    hv_put_le32(disk + 446 + 8, 63); /* 0xEE not at LBA 1 */
    expect(GPT_MBR_PROTECTIVE, GPT_AT_MBR);
}
END_TEST

START_TEST(header_byte_flip_is_a_crc_mismatch)
{
    hdr(false)[40] ^= 1; /* FirstUsableLBA, not re-sealed */
    struct gpt_result r = gpt_read(&gd, &scratch, &table);
    ck_assert_int_eq(r.check, GPT_HDR_CRC);
    ck_assert_int_eq(r.where, GPT_AT_PRIMARY);
    ck_assert(r.backup_intact);
    char line[128];
    gpt_describe(&r, line, sizeof(line));
    ck_assert_str_eq(line, "primary GPT: header CRC32 mismatch (backup intact)");
}
END_TEST

START_TEST(entry_byte_flip_is_an_entries_crc_mismatch)
{
    ent(false, 1)[33] ^= 0x80; /* the first LBA of duet-work */
    struct gpt_result r = gpt_read(&gd, &scratch, &table);
    ck_assert_int_eq(r.check, GPT_ENTRIES_CRC);
    ck_assert_int_eq(r.where, GPT_AT_PRIMARY);
    char line[128];
    gpt_describe(&r, line, sizeof(line));
    ck_assert_str_eq(line, "primary GPT: partition entry array CRC32 mismatch (backup intact)");
}
END_TEST

START_TEST(header_frame_checks)
{
    hdr(false)[0] = 'X';
    expect(GPT_HDR_SIGNATURE, GPT_AT_PRIMARY);
    setup();
    hv_put_le32(hdr(false) + 8, 0x00020000);
    gpt_image_seal(disk, SECTORS, false);
    expect(GPT_HDR_REVISION, GPT_AT_PRIMARY);
    setup();
    hv_put_le32(hdr(false) + 12, 91);
    expect(GPT_HDR_SIZE, GPT_AT_PRIMARY);
    hv_put_le32(hdr(false) + 12, 513);
    expect(GPT_HDR_SIZE, GPT_AT_PRIMARY);
    setup();
    hv_put_le32(hdr(false) + 20, 1);
    gpt_image_seal(disk, SECTORS, false);
    expect(GPT_HDR_RESERVED, GPT_AT_PRIMARY);
}
END_TEST

START_TEST(header_lba_checks)
{
    both_u64(24, 7);
    expect(GPT_HDR_MY_LBA, GPT_AT_PRIMARY);
    setup();
    hv_put_le64(hdr(false) + 32, SECTORS - 2); /* a disk that grew: backup not at the end */
    gpt_image_seal(disk, SECTORS, false);
    expect(GPT_HDR_ALTERNATE_LBA, GPT_AT_PRIMARY);
}
END_TEST

START_TEST(entry_geometry_checks)
{
    hv_put_le32(hdr(false) + 84, 192);
    gpt_image_seal(disk, SECTORS, false);
    expect(GPT_HDR_ENTRY_SIZE, GPT_AT_PRIMARY);
    hv_put_le32(hdr(false) + 84, 64);
    gpt_image_seal(disk, SECTORS, false);
    expect(GPT_HDR_ENTRY_SIZE, GPT_AT_PRIMARY);
    setup();
    hv_put_le32(hdr(false) + 80, 0);
    gpt_image_seal(disk, SECTORS, false);
    expect(GPT_HDR_ENTRY_COUNT, GPT_AT_PRIMARY);
    hv_put_le32(hdr(false) + 80, 0x80000000u); /* count * size wraps 32 bits */
    gpt_image_seal(disk, SECTORS, false);
    expect(GPT_HDR_ENTRY_COUNT, GPT_AT_PRIMARY);
}
END_TEST

START_TEST(usable_range_checks)
{
    both_u64(40, 3000);
    both_u64(48, 2000); /* first > last */
    expect(GPT_HDR_USABLE_RANGE, GPT_AT_PRIMARY);
    setup();
    both_u64(48, SECTORS - 1); /* reaches the backup header */
    expect(GPT_HDR_USABLE_RANGE, GPT_AT_PRIMARY);
}
END_TEST

START_TEST(entry_array_place_checks)
{
    both_u64(40, 20); /* usable range starts inside the primary entry array */
    expect(GPT_HDR_ENTRIES_LBA, GPT_AT_PRIMARY);
    setup();
    hv_put_le64(hdr(false) + 72, 1); /* on top of the header */
    gpt_image_seal(disk, SECTORS, false);
    expect(GPT_HDR_ENTRIES_LBA, GPT_AT_PRIMARY);
    setup();
    hv_put_le64(hdr(true) + 72, SECTORS - 20); /* backup array runs into the backup header */
    gpt_image_seal(disk, SECTORS, true);
    expect(GPT_HDR_ENTRIES_LBA, GPT_AT_BACKUP);
}
END_TEST

START_TEST(entry_outside_usable_range)
{
    for (int b = 0; b < 2; b++) {
        hv_put_le64(ent(b, 2) + 32, 33); /* "spare" starts in the entry array */
        gpt_image_seal(disk, SECTORS, b);
    }
    struct gpt_result r = gpt_read(&gd, &scratch, &table);
    ck_assert_int_eq(r.check, GPT_ENTRY_RANGE);
    ck_assert_int_eq(r.entry, 2);
    setup();
    for (int b = 0; b < 2; b++) {
        hv_put_le64(ent(b, 0) + 40, 2047); /* last < first */
        gpt_image_seal(disk, SECTORS, b);
    }
    r = gpt_read(&gd, &scratch, &table);
    ck_assert_int_eq(r.check, GPT_ENTRY_RANGE);
    ck_assert_int_eq(r.entry, 0);
    setup();
    for (int b = 0; b < 2; b++) {
        hv_put_le64(ent(b, 1) + 40, SECTORS - 33); /* past last usable */
        gpt_image_seal(disk, SECTORS, b);
    }
    expect(GPT_ENTRY_RANGE, GPT_AT_PRIMARY);
}
END_TEST

START_TEST(overlapping_entries)
{
    for (int b = 0; b < 2; b++) {
        hv_put_le64(ent(b, 1) + 32, 2559); /* work's first sector is personal's last */
        gpt_image_seal(disk, SECTORS, b);
    }
    struct gpt_result r = gpt_read(&gd, &scratch, &table);
    ck_assert_int_eq(r.check, GPT_ENTRY_OVERLAP);
    ck_assert_int_eq(r.entry, 1);
    ck_assert_int_eq(r.other, 0);
    char line[128];
    gpt_describe(&r, line, sizeof(line));
    ck_assert_str_eq(line, "primary GPT: partitions overlap (entries 1 and 0)");
}
END_TEST

START_TEST(too_many_entries)
{
    struct img_part many[IMG_ENTRIES];
    for (unsigned i = 0; i < IMG_ENTRIES; i++)
        many[i] = (struct img_part){"p", 100 + 10 * i, 100 + 10 * i + 9, 0};
    gpt_image_build(disk, SECTORS, many, IMG_ENTRIES);
    ck_assert_int_eq(gpt_read(&gd, &scratch, &table).check, GPT_OK);
    ck_assert_uint_eq(table.count, GPT_MAX_PARTS);
    /* 256 entries, all used: more than the server keeps. */
    for (int b = 0; b < 2; b++) {
        hv_put_le32(hdr(b) + 80, 256);
        hv_put_le32(hdr(b) + 84, 128);
    }
    both_u64(40, 2 + 64);
    both_u64(48, SECTORS - 2 - 64);
    hv_put_le64(hdr(true) + 72, SECTORS - 1 - 64);
    for (unsigned i = 128; i < 256; i++) {
        for (int b = 0; b < 2; b++) {
            uint8_t *e = disk + 512 * (b ? SECTORS - 1 - 64 : 2) + 128 * i;
            memset(e, 0xaf, 16);
            hv_put_le64(e + 32, 1500 + i);
            hv_put_le64(e + 40, 1500 + i);
        }
    }
    /* The first 128 entries of the backup array moved with it. */
    memcpy(disk + 512 * (SECTORS - 1 - 64), disk + 512 * 2, 128 * 128);
    for (unsigned i = 0; i < 128; i++)
        hv_put_le64(disk + 512 * 2 + 128 * i + 32, 100 + 10 * i);
    gpt_image_seal(disk, SECTORS, false);
    gpt_image_seal(disk, SECTORS, true);
    struct gpt_result r = gpt_read(&gd, &scratch, &table);
    ck_assert_int_eq(r.check, GPT_ENTRY_TOO_MANY);
    ck_assert_int_eq(r.entry, 128);
}
END_TEST

START_TEST(bad_backup_refuses_a_good_primary)
{
    hdr(true)[41] ^= 1; /* backup FirstUsableLBA, not re-sealed */
    expect(GPT_HDR_CRC, GPT_AT_BACKUP);
    setup();
    ent(true, 0)[60] ^= 1;
    expect(GPT_ENTRIES_CRC, GPT_AT_BACKUP);
}
END_TEST

START_TEST(backup_must_agree)
{
    memset(hdr(true) + 56, 0xd2, 16); /* another disk GUID, correctly sealed */
    gpt_image_seal(disk, SECTORS, true);
    expect(GPT_BACKUP_MISMATCH, GPT_AT_BOTH);
    setup();
    hv_put_le64(ent(true, 0) + 40, 2500); /* another table, correctly sealed */
    gpt_image_seal(disk, SECTORS, true);
    expect(GPT_BACKUP_MISMATCH, GPT_AT_BOTH);
}
END_TEST

START_TEST(both_copies_bad)
{
    hdr(false)[0] = 'X';
    hdr(true)[0] = 'X';
    struct gpt_result r = gpt_read(&gd, &scratch, &table);
    ck_assert_int_eq(r.check, GPT_HDR_SIGNATURE);
    ck_assert(!r.backup_intact);
    char line[128];
    gpt_describe(&r, line, sizeof(line));
    ck_assert_str_eq(line, "primary GPT: no \"EFI PART\" signature (backup bad too)");
}
END_TEST

START_TEST(non_ascii_name)
{
    for (int b = 0; b < 2; b++) {
        hv_put_le16(ent(b, 0) + 56 + 2, 0x00e9); /* "d\u00e9et-personal" */
        gpt_image_seal(disk, SECTORS, b);
    }
    ck_assert_int_eq(gpt_read(&gd, &scratch, &table).check, GPT_OK);
    ck_assert(!table.parts[0].name_ascii);
    ck_assert_str_eq(table.parts[0].name, "d?et-personal");
}
END_TEST

START_TEST(guid_text)
{
    uint8_t g[16];
    ck_assert(hv_guid_parse("0FC63DAF-8483-4772-8E79-3D69D8477DE4", g)); /* Linux data */
    const uint8_t disk_order[16] = {0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
                                    0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4};
    ck_assert_mem_eq(g, disk_order, 16);
    char text[37];
    hv_guid_format(g, text);
    ck_assert_str_eq(text, "0fc63daf-8483-4772-8e79-3d69d8477de4");
    ck_assert(!hv_guid_parse("0FC63DAF-8483-4772-8E79-3D69D8477DE", g));
    ck_assert(!hv_guid_parse("0FC63DAF-8483-4772-8E79-3D69D8477DE4x", g));
    ck_assert(!hv_guid_parse("0FC63DAF+8483-4772-8E79-3D69D8477DE4", g));
    ck_assert(!hv_guid_parse("0FC63DAG-8483-4772-8E79-3D69D8477DE4", g));
    ck_assert(!hv_guid_parse("", g));
}
END_TEST

static struct slice_spec by_name(const char *part, const char *gpt, bool rw)
{
    struct slice_spec s = {.by = SLICE_BY_NAME, .writable = rw};
    strcpy(s.partition, part);
    strcpy(s.gpt_name, gpt);
    return s;
}

START_TEST(slices_by_name_and_guid)
{
    ck_assert_int_eq(gpt_read(&gd, &scratch, &table).check, GPT_OK);
    struct slice_spec specs[2] = {by_name("personal", "duet-personal", true),
                                  {.by = SLICE_BY_GUID, .writable = false}};
    strcpy(specs[1].partition, "work");
    gpt_image_guid(&parts[1], 1, specs[1].gpt_guid);
    struct slice s[2];
    struct slice_result r = slices_resolve(&table, specs, 2, s);
    ck_assert_int_eq(r.error, SLICE_OK);
    ck_assert_str_eq(s[0].partition, "personal");
    ck_assert_uint_eq(s[0].first_lba, 2048);
    ck_assert_uint_eq(s[0].sectors, 512);
    ck_assert(s[0].writable);
    ck_assert_uint_eq(s[1].first_lba, 2560);
    ck_assert(!s[1].writable);
    ck_assert_uint_eq(s[1].gpt_index, 1);
}
END_TEST

START_TEST(slices_refusals)
{
    ck_assert_int_eq(gpt_read(&gd, &scratch, &table).check, GPT_OK);
    struct slice s[3];
    struct slice_spec a[2] = {by_name("personal", "duet-personal", true),
                              by_name("work", "duet-wrok", true)};
    struct slice_result r = slices_resolve(&table, a, 2, s);
    ck_assert_int_eq(r.error, SLICE_NOT_FOUND);
    ck_assert_uint_eq(r.spec, 1);
    struct slice_spec b[2] = {by_name("personal", "spare", false), by_name("work", "spare", true)};
    ck_assert_int_eq(slices_resolve(&table, b, 2, s).error, SLICE_SHARED_WRITABLE);
    b[1].writable = false; /* two readers may share */
    ck_assert_int_eq(slices_resolve(&table, b, 2, s).error, SLICE_OK);
    struct slice_spec c[2] = {by_name("work", "spare", false), by_name("work", "duet-work", true)};
    ck_assert_int_eq(slices_resolve(&table, c, 2, s).error, SLICE_DUPLICATE);
    strcpy(table.parts[2].name, "duet-work"); /* two GPT partitions of one name */
    struct slice_spec d[1] = {by_name("work", "duet-work", true)};
    ck_assert_int_eq(slices_resolve(&table, d, 1, s).error, SLICE_AMBIGUOUS);
    ck_assert_int_eq(slices_resolve(&table, d, SLICES_MAX + 1, s).error, SLICE_TOO_MANY);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gpt");
    TCase *t = tcase_create("gpt");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, good_table);
    tcase_add_test(t, io_and_size);
    tcase_add_test(t, mbr_checks);
    tcase_add_test(t, header_byte_flip_is_a_crc_mismatch);
    tcase_add_test(t, entry_byte_flip_is_an_entries_crc_mismatch);
    tcase_add_test(t, header_frame_checks);
    tcase_add_test(t, header_lba_checks);
    tcase_add_test(t, entry_geometry_checks);
    tcase_add_test(t, usable_range_checks);
    tcase_add_test(t, entry_array_place_checks);
    tcase_add_test(t, entry_outside_usable_range);
    tcase_add_test(t, overlapping_entries);
    tcase_add_test(t, too_many_entries);
    tcase_add_test(t, bad_backup_refuses_a_good_primary);
    tcase_add_test(t, backup_must_agree);
    tcase_add_test(t, both_copies_bad);
    tcase_add_test(t, non_ascii_name);
    tcase_add_test(t, guid_text);
    tcase_add_test(t, slices_by_name_and_guid);
    tcase_add_test(t, slices_refusals);
    suite_add_tcase(s, t);
    return check_run(s);
}
