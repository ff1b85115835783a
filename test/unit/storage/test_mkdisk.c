/* Check test on a disk image made by scripts/mkdisk (sfdisk's GPT, mke2fs's ext4): the
 * storage server's GPT reader accepts it and finds the manifest's partitions as slices with a
 * filesystem at their start; one byte changed in the header, or in an entry, is refused with
 * the check that failed named. The image's path is the first argument. */
#include "check_run.h"
#include "gpt.h"
#include "slices.h"

#include <fcntl.h>
#include <hv/bytes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *image;
static int fd = -1;
static uint64_t flip_at = UINT64_MAX; /* a byte the reads see inverted */
static struct gpt_scratch scratch;
static struct gpt_table table;

static bool file_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    (void)ctx;
    size_t n = (size_t)count * 512;
    if (pread(fd, buf, n, (off_t)(lba * 512)) != (ssize_t)n)
        return false;
    if (flip_at >= lba * 512 && flip_at < lba * 512 + n)
        ((uint8_t *)buf)[flip_at - lba * 512] ^= 0xff;
    return true;
}

static struct gpt_result parse(void)
{
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    struct gpt_disk d = {.read = file_read, .sectors = (uint64_t)st.st_size / 512};
    return gpt_read(&d, &scratch, &table);
}

static void setup(void)
{
    fd = open(image, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    flip_at = UINT64_MAX;
}

static void teardown(void)
{
    close(fd);
}

START_TEST(mkdisk_image_is_accepted)
{
    struct gpt_result r = parse();
    ck_assert_str_eq(gpt_check_name(r.check), "ok");
    ck_assert_uint_eq(table.count, 2);
    ck_assert_str_eq(table.parts[0].name, "duet-personal");
    ck_assert_str_eq(table.parts[1].name, "duet-work");
    ck_assert_uint_eq(table.parts[0].first_lba, 2048);
    struct slice_spec specs[2] = {{"personal", SLICE_BY_NAME, "duet-personal", {0}, true},
                                  {"work", SLICE_BY_NAME, "duet-work", {0}, false}};
    struct slice s[2];
    ck_assert_int_eq(slices_resolve(&table, specs, 2, s).error, SLICE_OK);
    ck_assert_uint_eq(s[1].first_lba, s[0].first_lba + s[0].sectors);
    for (unsigned i = 0; i < 2; i++) {
        /* ext4's superblock at 1024 bytes into the slice: magic 0xEF53 at offset 56. */
        uint8_t sb[512];
        ck_assert_int_eq(pread(fd, sb, 512, (off_t)(s[i].first_lba * 512 + 1024)), 512);
        ck_assert_uint_eq(hv_le16(sb + 56), 0xef53);
    }
}
END_TEST

START_TEST(one_header_byte_refused)
{
    flip_at = 512 + 40; /* primary FirstUsableLBA */
    struct gpt_result r = parse();
    char line[128];
    gpt_describe(&r, line, sizeof(line));
    ck_assert_str_eq(line, "primary GPT: header CRC32 mismatch (backup intact)");
}
END_TEST

START_TEST(one_entry_byte_refused)
{
    flip_at = 1024 + 128 + 33; /* the second entry's first LBA */
    struct gpt_result r = parse();
    char line[128];
    gpt_describe(&r, line, sizeof(line));
    ck_assert_str_eq(line, "primary GPT: partition entry array CRC32 mismatch (backup intact)");
}
END_TEST

START_TEST(one_backup_byte_refused)
{
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    flip_at = (uint64_t)st.st_size - 512 + 8; /* backup header's revision */
    struct gpt_result r = parse();
    char line[128];
    gpt_describe(&r, line, sizeof(line));
    ck_assert_str_eq(line, "backup GPT: header CRC32 mismatch");
}
END_TEST

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    image = argv[1];
    Suite *s = suite_create("mkdisk");
    TCase *t = tcase_create("mkdisk");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, mkdisk_image_is_accepted);
    tcase_add_test(t, one_header_byte_refused);
    tcase_add_test(t, one_entry_byte_refused);
    tcase_add_test(t, one_backup_byte_refused);
    suite_add_tcase(s, t);
    return check_run(s);
}
