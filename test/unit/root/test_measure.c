/* Measured boot in the root task (servers/root/measure.c): a partition record whose loads'
 * SHA-256s were made by OpenSSL from the archive's bytes passes; one flipped byte, a load past
 * its file's end or a missing file is reported as that load, whichever partition it is. */
#include "check_run.h"
#include "measure.h"

#include <hv/abi/error.h>
#include <openssl/evp.h>
#include <string.h>

/* An archive of two files: "kernel" (3 pages + 100 bytes) at 4096, "initrd" (5000 bytes)
 * after it, filled with a pattern. */
#define KERNEL_AT 4096u
#define KERNEL_SIZE (3u * 4096u + 100u)
#define INITRD_AT (KERNEL_AT + 4u * 4096u)
#define INITRD_SIZE 5000u
static uint8_t arc[INITRD_AT + 2u * 4096u];
static struct bootfs fs;
static struct hv_pt_partition rec;
static struct measure_cache cache;

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_entry(unsigned i, const char *name, uint64_t off, uint64_t size)
{
    uint8_t *e = arc + BOOTFS_HEADER_SIZE + BOOTFS_ENTRY_SIZE * i;
    memcpy(e, name, strlen(name) + 1);
    put64(e + BOOTFS_NAME_MAX, off);
    put64(e + BOOTFS_NAME_MAX + 8, size);
}

static void add_load(const char *file, uint32_t kind, uint64_t offset, uint64_t size)
{
    struct hv_pt_load *l = &rec.loads[rec.nloads++];
    struct bootfs_file f;
    unsigned len = 0;
    memset(l, 0, sizeof(*l));
    strcpy(l->file, file);
    l->kind = kind;
    l->offset = offset;
    l->size = size;
    ck_assert_int_eq(bootfs_find(&fs, file, &f), HV_OK);
    ck_assert(EVP_Digest(f.data + offset, size, l->sha256, &len, EVP_sha256(), NULL));
}

/* An x86-like record: setup header and kernel from one file, then the initramfs. */
static void setup(void)
{
    memset(arc, 0, sizeof(arc));
    memcpy(arc, BOOTFS_MAGIC, 8);
    arc[8] = BOOTFS_VERSION;
    arc[12] = 2;
    put64(arc + 16, INITRD_AT + INITRD_SIZE);
    put_entry(0, "kernel", KERNEL_AT, KERNEL_SIZE);
    put_entry(1, "initrd", INITRD_AT, INITRD_SIZE);
    for (unsigned i = 0; i < KERNEL_SIZE; i++)
        arc[KERNEL_AT + i] = (uint8_t)(i * 7 + 1);
    for (unsigned i = 0; i < INITRD_SIZE; i++)
        arc[INITRD_AT + i] = (uint8_t)(i * 13 + 5);
    ck_assert_int_eq(bootfs_open(&fs, arc, INITRD_AT + INITRD_SIZE), HV_OK);
    memset(&rec, 0, sizeof(rec));
    memset(&cache, 0, sizeof(cache));
    strcpy(rec.name, "work");
    add_load("kernel", HV_PT_LOAD_SETUP_HEADER, 0x1f1, 0x7b);
    add_load("kernel", HV_PT_LOAD_KERNEL, 1024, KERNEL_SIZE - 1024);
    add_load("initrd", HV_PT_LOAD_INITRAMFS, 0, INITRD_SIZE);
}

/* The root's archive never changes, so its cache never goes stale; these tests change bytes
 * between calls, so each call but the cache's own test starts with an empty cache. */
static int measure(uint8_t *d)
{
    memset(&cache, 0, sizeof(cache));
    return measure_first_mismatch(&fs, &rec, &cache, d);
}

START_TEST(all_match)
{
    uint8_t d[HV_PT_SHA256_SIZE];
    setup();
    ck_assert_int_eq(measure(d), -1);
}
END_TEST

/* One bit of one byte anywhere in the initramfs: the initramfs load is named, and the digest
 * reported is the changed bytes', not the record's. */
START_TEST(flipped_initramfs_byte)
{
    static const unsigned where[] = {0, 1, 63, 64, 2500, INITRD_SIZE - 1};
    uint8_t d[HV_PT_SHA256_SIZE];
    setup();
    arc[INITRD_AT + where[_i]] ^= 0x01;
    ck_assert_int_eq(measure(d), 2);
    ck_assert_mem_ne(d, rec.loads[2].sha256, HV_PT_SHA256_SIZE);
    ck_assert_str_eq(measure_load_kind(rec.loads[2].kind), "initramfs");
    arc[INITRD_AT + where[_i]] ^= 0x01;
    ck_assert_int_eq(measure(d), -1);
}
END_TEST

START_TEST(flipped_kernel_and_header)
{
    uint8_t d[HV_PT_SHA256_SIZE];
    setup();
    arc[KERNEL_AT + KERNEL_SIZE - 1] ^= 0x80;
    ck_assert_int_eq(measure(d), 1);
    ck_assert_str_eq(measure_load_kind(HV_PT_LOAD_KERNEL), "kernel");
    arc[KERNEL_AT + 0x1f1] ^= 0x80; /* the first load that differs is the one named */
    ck_assert_int_eq(measure(d), 0);
}
END_TEST

/* Bytes no load copies (the bzImage's real-mode code here) are not the guest's: not measured. */
START_TEST(bytes_outside_loads)
{
    uint8_t d[HV_PT_SHA256_SIZE];
    setup();
    arc[KERNEL_AT + 0x100] ^= 0xff;
    ck_assert_int_eq(measure(d), -1);
}
END_TEST

/* A record changed instead of the payload: its digest no longer matches either. */
START_TEST(changed_record)
{
    uint8_t d[HV_PT_SHA256_SIZE];
    setup();
    rec.loads[2].sha256[31] ^= 1;
    ck_assert_int_eq(measure(d), 2);
    setup();
    rec.loads[1].size -= 1; /* a shorter load is other bytes */
    ck_assert_int_eq(measure(d), 1);
}
END_TEST

START_TEST(missing_or_short_file)
{
    static const uint8_t zero[HV_PT_SHA256_SIZE];
    uint8_t d[HV_PT_SHA256_SIZE];
    setup();
    rec.loads[2].size = INITRD_SIZE + 1;
    ck_assert_int_eq(measure(d), 2);
    ck_assert_mem_eq(d, zero, HV_PT_SHA256_SIZE);
    setup();
    rec.loads[2].offset = UINT64_MAX;
    ck_assert_int_eq(measure(d), 2);
    setup();
    memset(rec.loads[0].file, 'k', HV_PT_FILE_MAX); /* not even terminated */
    ck_assert_int_eq(measure(d), 0);
}
END_TEST

/* A second partition with the same loads hashes nothing again, and still compares: a record
 * whose digest is wrong for bytes already hashed is refused. */
START_TEST(shared_loads_hashed_once)
{
    uint8_t d[HV_PT_SHA256_SIZE];
    setup();
    ck_assert_int_eq(measure_first_mismatch(&fs, &rec, &cache, d), -1);
    ck_assert_uint_eq(cache.count, 3);
    ck_assert_int_eq(measure_first_mismatch(&fs, &rec, &cache, d), -1);
    ck_assert_uint_eq(cache.count, 3);
    struct hv_pt_partition other = rec;
    other.loads[1].sha256[0] ^= 1;
    ck_assert_int_eq(measure_first_mismatch(&fs, &other, &cache, d), 1);
    ck_assert_mem_eq(d, rec.loads[1].sha256, HV_PT_SHA256_SIZE);
    other = rec;
    other.loads[2].size -= 1; /* other bytes: hashed anew */
    ck_assert_int_eq(measure_first_mismatch(&fs, &other, &cache, d), 2);
    ck_assert_uint_eq(cache.count, 4);
}
END_TEST

START_TEST(kind_names)
{
    ck_assert_str_eq(measure_load_kind(HV_PT_LOAD_DTB), "device tree");
    ck_assert_str_eq(measure_load_kind(HV_PT_LOAD_CMDLINE), "command line");
    ck_assert_str_eq(measure_load_kind(HV_PT_LOAD_SETUP_HEADER), "kernel setup header");
    ck_assert_str_eq(measure_load_kind(0), "payload");
    ck_assert_str_eq(measure_load_kind(99), "payload");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("root_measure");
    TCase *t = tcase_create("measure");
    tcase_add_test(t, all_match);
    tcase_add_loop_test(t, flipped_initramfs_byte, 0, 6);
    tcase_add_test(t, flipped_kernel_and_header);
    tcase_add_test(t, bytes_outside_loads);
    tcase_add_test(t, changed_record);
    tcase_add_test(t, missing_or_short_file);
    tcase_add_test(t, shared_loads_hashed_once);
    tcase_add_test(t, kind_names);
    suite_add_tcase(s, t);
    return check_run(s);
}
