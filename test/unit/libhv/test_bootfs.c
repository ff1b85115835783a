/* Unit tests for the boot-image archive reader. With a file argument it instead checks an
 * archive written by scripts/mkbootfs (root = "abc", vmm = 5000 zero bytes). */
#include "check_run.h"
#include <hv/bootfs.h>
#include <hv/abi/error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t arc[4 * 4096];

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t *entry(unsigned i) { return arc + BOOTFS_HEADER_SIZE + BOOTFS_ENTRY_SIZE * i; }

static void set_entry(unsigned i, const char *name, uint64_t off, uint64_t size)
{
    memset(entry(i), 0, BOOTFS_ENTRY_SIZE);
    memcpy(entry(i), name, strlen(name));
    put64(entry(i) + BOOTFS_NAME_MAX, off);
    put64(entry(i) + BOOTFS_NAME_MAX + 8, size);
}

/* Two files: "root" (5000 bytes at 4096) and "vmm" (10 bytes at 12288). */
static size_t build_good(void)
{
    memset(arc, 0, sizeof(arc));
    memcpy(arc, BOOTFS_MAGIC, 8);
    put32(arc + 8, BOOTFS_VERSION);
    put32(arc + 12, 2);
    put64(arc + 16, 12288 + 10);
    set_entry(0, "root", 4096, 5000);
    set_entry(1, "vmm", 12288, 10);
    arc[4096] = 0x11;
    arc[12288 + 9] = 0x22;
    return 12288 + 10;
}

static int open_exact(size_t size, struct bootfs *fs, uint8_t **copy)
{
    *copy = malloc(size ? size : 1);
    memcpy(*copy, arc, size);
    return bootfs_open(fs, *copy, size);
}

START_TEST(reads_files)
{
    struct bootfs fs;
    struct bootfs_file f;
    uint8_t *copy;
    size_t n = build_good();
    ck_assert_int_eq(open_exact(n, &fs, &copy), HV_OK);
    ck_assert_uint_eq(fs.count, 2);
    ck_assert_int_eq(bootfs_find(&fs, "vmm", &f), HV_OK);
    ck_assert_uint_eq(f.size, 10);
    ck_assert_uint_eq(f.data[9], 0x22);
    ck_assert_int_eq(bootfs_find(&fs, "root", &f), HV_OK);
    ck_assert_uint_eq(f.data[0], 0x11);
    ck_assert_int_eq(bootfs_find(&fs, "roo", &f), HV_ENOENT);
    ck_assert_int_eq(bootfs_find(&fs, "rootx", &f), HV_ENOENT);
    ck_assert_int_eq(bootfs_file_at(&fs, 2, &f), HV_ERANGE);
    free(copy);
}
END_TEST

START_TEST(refuses_bad_headers)
{
    struct bootfs fs;
    uint8_t *copy;
    size_t n = build_good();
    for (size_t cut = 0; cut < n; cut += (cut < 200 ? 1 : 97)) {
        ck_assert_int_eq(open_exact(cut, &fs, &copy), HV_EFORMAT);
        free(copy);
    }
    build_good();
    arc[3] ^= 1;
    ck_assert_int_eq(open_exact(n, &fs, &copy), HV_EFORMAT);
    free(copy);
    build_good();
    put32(arc + 8, 2); /* version */
    ck_assert_int_eq(open_exact(n, &fs, &copy), HV_EFORMAT);
    free(copy);
    build_good();
    put32(arc + 12, 0x7fffffff); /* count larger than the archive */
    ck_assert_int_eq(open_exact(n, &fs, &copy), HV_EFORMAT);
    free(copy);
}
END_TEST

START_TEST(refuses_bad_entries)
{
    struct bootfs fs;
    uint8_t *copy;
    struct { const char *name; uint64_t off, size; } lies[] = {
        {"vmm", 12288 + 8, 10},      /* misaligned */
        {"vmm", 12288, 11},          /* past the end */
        {"vmm", (uint64_t)-4096, 8192}, /* wraps */
        {"vmm", 0, 10},              /* inside the header and table */
        {"vmm", 8192, 10},           /* inside "root" */
        {"", 12288, 10},             /* no name */
    };
    for (unsigned i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        size_t n = build_good();
        set_entry(1, lies[i].name, lies[i].off, lies[i].size);
        ck_assert_int_eq(open_exact(n, &fs, &copy), HV_EFORMAT);
        free(copy);
    }
    size_t n = build_good();
    memset(entry(1), 'x', BOOTFS_NAME_MAX); /* unterminated name */
    ck_assert_int_eq(open_exact(n, &fs, &copy), HV_EFORMAT);
    free(copy);
}
END_TEST

static int check_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 2;
    static uint8_t buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    struct bootfs fs;
    struct bootfs_file a, b;
    if (bootfs_open(&fs, buf, n) || fs.count != 2 || bootfs_find(&fs, "root", &a) ||
        bootfs_find(&fs, "vmm", &b) || a.size != 3 || memcmp(a.data, "abc", 3) || b.size != 5000 ||
        (uintptr_t)(b.data - buf) % BOOTFS_ALIGN) {
        printf("FAIL: %s is not the archive expected\n", path);
        return 1;
    }
    printf("PASS: %s read back\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return check_file(argv[1]);
    Suite *s = suite_create("bootfs");
    TCase *tc = tcase_create("bootfs");
    tcase_add_test(tc, reads_files);
    tcase_add_test(tc, refuses_bad_headers);
    tcase_add_test(tc, refuses_bad_entries);
    suite_add_tcase(s, tc);
    return check_run(s);
}
