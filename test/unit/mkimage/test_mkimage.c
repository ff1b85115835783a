/* The image builder: accepted manifests give the partition table, guest DTBs and bootfs list
 * docs/manifest.md describes (its refusals: test_mkimage_refusals.c). */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hv/abi/error.h>
#include <hv/guid.h>
#include <kernel/fdt.h>
#include <openssl/evp.h>

#include "check_run.h"
#include "diag.h"
#include "dtb_builder.h"
#include "fake_kernels.h"
#include "mk_build.h"
#include "mkimage.h"
#include <hv/guid.h>

static char files_dir[256];

/* Runs mkimage on a manifest of test/manifests with the fake files; returns its result. */
static int build(const char *manifest, enum mk_arch arch, unsigned ram_mib, char *out_dir)
{
    return mk_build(files_dir, manifest, arch, ram_mib, out_dir);
}

/* Files read by a test, freed at its end (LeakSanitizer watches). */
static void *reads[8];
static unsigned nreads;

static void free_reads(void)
{
    while (nreads)
        free(reads[--nreads]);
}

static void *read_all(const char *dir, const char *name, size_t *size)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s is missing", path);
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc(*size + 1);
    ck_assert_uint_eq(fread(p, 1, *size, f), *size);
    ((char *)p)[*size] = '\0';
    fclose(f);
    ck_assert_uint_lt(nreads, 8);
    reads[nreads++] = p;
    return p;
}

static const struct hv_pt_load *find_load(const struct hv_pt_partition *p, uint32_t kind)
{
    for (uint32_t i = 0; i < p->nloads; i++)
        if (p->loads[i].kind == kind)
            return &p->loads[i];
    return NULL;
}

/* The table is read as the root task will: header first, then fixed-size records. Little-
 * endian host assumed (the file is little-endian by definition). */
static const struct hv_pt_partition *read_table(const char *out, uint32_t arch, uint32_t count)
{
    size_t size;
    const uint8_t *t = read_all(out, HV_PT_FILE, &size);
    const struct hv_pt_header *h = (const void *)t;
    ck_assert_mem_eq(h->magic, HV_PT_MAGIC, 8);
    ck_assert_uint_eq(h->version, HV_PT_VERSION);
    ck_assert_uint_eq(h->arch, arch);
    ck_assert_uint_eq(h->count, count);
    ck_assert_uint_eq(h->record_size, sizeof(struct hv_pt_partition));
    ck_assert_uint_eq(h->total_size, size);
    ck_assert_uint_eq(size, sizeof(*h) + count * sizeof(struct hv_pt_partition));
    return (const void *)(t + sizeof(*h));
}

START_TEST(test_arm64_layout)
{
    char out[64];
    ck_assert_int_eq(build("good-arm64.dts", MK_AARCH64, 512, out), 0);
    const struct hv_pt_partition *p = read_table(out, HV_PT_ARCH_AARCH64, 2);
    const uint64_t base = 0x40000000, size = 128u << 20;

    ck_assert_str_eq(p[0].name, "personal");
    ck_assert_str_eq(p[0].console_name, "personal");
    ck_assert_str_eq(p[1].console_name, "WORK");
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_eq(p[i].ram_gpa, base);
        ck_assert_uint_eq(p[i].ram_size, size);
        ck_assert_uint_eq(p[i].budget, 40);
        ck_assert_uint_eq(p[i].period, 100);
        ck_assert_uint_eq(p[i].priority, 50);
        ck_assert_uint_eq(p[i].boot, HV_PT_BOOT_ARM64_IMAGE);
        const struct hv_pt_load *k = find_load(&p[i], HV_PT_LOAD_KERNEL);
        const struct hv_pt_load *r = find_load(&p[i], HV_PT_LOAD_INITRAMFS);
        const struct hv_pt_load *d = find_load(&p[i], HV_PT_LOAD_DTB);
        ck_assert_ptr_nonnull(k);
        ck_assert_ptr_nonnull(r);
        ck_assert_ptr_nonnull(d);
        /* booting.rst: Image at a 2 MiB-aligned base + text_offset; DTB 8-byte aligned, alone
         * in its 2 MiB block; the initramfs between the image's end and the DTB. */
        ck_assert_str_eq(k->file, "fake-Image");
        ck_assert_uint_eq(k->gpa, base + FAKE_IMAGE_TEXT_OFFSET);
        ck_assert_uint_eq(k->size, FAKE_IMAGE_FILE_SIZE);
        ck_assert_uint_eq(p[i].entry, k->gpa);
        ck_assert_uint_eq(d->gpa, base + size - (2u << 20));
        ck_assert_uint_eq(d->gpa % 8, 0);
        ck_assert_uint_eq(p[i].args[0], d->gpa);
        ck_assert_uint_eq(r->size, FAKE_INITRAMFS_SIZE);
        ck_assert_uint_ge(r->gpa, k->gpa + FAKE_IMAGE_SIZE);
        ck_assert_uint_le(r->gpa + r->size, d->gpa);
        ck_assert_uint_eq(p[i].initrd_gpa, r->gpa);
    }

    /* The DTB describes the partition's RAM and boot arguments, read with the kernel's own
     * FDT reader. */
    size_t n;
    void *blob = read_all(out, "work.dtb", &n);
    ck_assert_uint_eq(find_load(&p[1], HV_PT_LOAD_DTB)->size, n);
    struct fdt fdt;
    struct boot_info bi = {0};
    ck_assert_int_eq(fdt_open(&fdt, blob, n), HV_OK);
    ck_assert_int_eq(fdt_read_memory(&fdt, &bi), HV_OK);
    ck_assert_uint_eq(bi.nram, 1);
    ck_assert_uint_eq(pa_addr(bi.ram[0].base), base);
    ck_assert_uint_eq(bi.ram[0].size, size);
    ck_assert_int_eq(fdt_read_bootargs(&fdt, &bi), HV_OK);
    ck_assert_str_eq(bi.cmdline, "console=ttyAMA0 duet.name=work");

    /* Each file once in the bootfs, however many partitions use it. */
    char *list = read_all(out, "bootfs.list", &n);
    ck_assert_ptr_nonnull(strstr(list, "partitions="));
    ck_assert_ptr_nonnull(strstr(list, "fake-Image="));
    ck_assert_ptr_null(strstr(strstr(list, "fake-Image=") + 1, "fake-Image="));
    ck_assert_ptr_null(strstr(strstr(list, "fake-initramfs=") + 1, "fake-initramfs="));
    ck_assert_ptr_nonnull(strstr(list, "personal.dtb="));
    ck_assert_ptr_nonnull(strstr(list, "work.dtb="));
    free_reads();
}
END_TEST

START_TEST(test_x86_layout)
{
    char out[64];
    ck_assert_int_eq(build("good-x86.dts", MK_X86_64, 512, out), 0);
    const struct hv_pt_partition *p = read_table(out, HV_PT_ARCH_X86_64, 2);

    ck_assert_uint_eq(p[0].ram_gpa, 0);
    ck_assert_uint_eq(p[0].boot, HV_PT_BOOT_X86_BZIMAGE);
    /* boot.rst: the 64-bit entry is 0x200 into the protected-mode code; rsi = zero page. */
    ck_assert_uint_eq(p[0].entry, FAKE_BZIMAGE_PREF_ADDRESS + 0x200);
    ck_assert_uint_eq(p[0].args[1], p[0].zero_page_gpa);
    ck_assert_uint_ne(p[0].zero_page_gpa, 0);
    const struct hv_pt_load *s = find_load(&p[0], HV_PT_LOAD_SETUP_HEADER);
    const struct hv_pt_load *k = find_load(&p[0], HV_PT_LOAD_KERNEL);
    const struct hv_pt_load *r = find_load(&p[0], HV_PT_LOAD_INITRAMFS);
    const struct hv_pt_load *c = find_load(&p[0], HV_PT_LOAD_CMDLINE);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(k);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(s->offset, 0x1f1);
    ck_assert_uint_eq(s->size, 0x26c - 0x1f1);
    ck_assert_uint_eq(s->gpa, p[0].zero_page_gpa + 0x1f1);
    ck_assert_uint_eq(k->offset, 2 * 512);     /* one setup sector + the boot sector */
    ck_assert_uint_eq(k->size, FAKE_BZIMAGE_FILE_SIZE - 2 * 512);
    ck_assert_uint_eq(k->gpa, FAKE_BZIMAGE_PREF_ADDRESS);
    ck_assert_uint_ge(r->gpa, FAKE_BZIMAGE_PREF_ADDRESS + FAKE_BZIMAGE_INIT_SIZE);
    ck_assert_uint_le(r->gpa + r->size, p[0].ram_size);
    ck_assert_uint_eq(p[0].initrd_gpa, r->gpa);
    ck_assert_uint_eq(p[0].cmdline_gpa, c->gpa);
    ck_assert_str_eq(c->file, "personal.cmdline");

    size_t n;
    char *cmdline = read_all(out, "personal.cmdline", &n);
    ck_assert_uint_eq(n, c->size);
    ck_assert_str_eq(cmdline, "console=ttyAMA0 duet.name=personal");
    free_reads();
}
END_TEST

/* The path bootfs.list gives a bootfs file name (the list's NAME=PATH lines). */
static const char *list_path(const char *list, const char *name, char *path, size_t size)
{
    for (const char *line = list; *line; line = strchr(line, '\n') + 1) {
        const char *eq = strchr(line, '='), *end = strchr(line, '\n');
        ck_assert(eq && end && eq < end);
        if ((size_t)(eq - line) == strlen(name) && !strncmp(line, name, (size_t)(eq - line))) {
            snprintf(path, size, "%.*s", (int)(end - eq - 1), eq + 1);
            return path;
        }
    }
    ck_abort_msg("'%s' is not in bootfs.list", name);
    return NULL;
}

/* Measured boot: every load record's SHA-256 is that of the bytes it loads, as OpenSSL
 * computes it (not BearSSL, which mkimage uses), from the files bootfs.list names. */
static void check_digests(const char *manifest, enum mk_arch arch, uint32_t pt_arch,
                          unsigned expect_loads)
{
    char out[64], path[1024];
    size_t n;
    ck_assert_int_eq(build(manifest, arch, 512, out), 0);
    const struct hv_pt_partition *p = read_table(out, pt_arch, 2);
    const char *list = read_all(out, "bootfs.list", &n);
    unsigned checked = 0;
    for (int i = 0; i < 2; i++)
        for (uint32_t k = 0; k < p[i].nloads; k++) {
            const struct hv_pt_load *l = &p[i].loads[k];
            FILE *f = fopen(list_path(list, l->file, path, sizeof(path)), "rb");
            ck_assert_ptr_nonnull(f);
            uint8_t *bytes = malloc(l->size + 1), want[EVP_MAX_MD_SIZE];
            unsigned want_len = 0;
            ck_assert_int_eq(fseek(f, (long)l->offset, SEEK_SET), 0);
            ck_assert_uint_eq(fread(bytes, 1, l->size, f), l->size);
            fclose(f);
            ck_assert(EVP_Digest(bytes, l->size, want, &want_len, EVP_sha256(), NULL));
            free(bytes);
            ck_assert_uint_eq(want_len, HV_PT_SHA256_SIZE);
            ck_assert_msg(!memcmp(l->sha256, want, HV_PT_SHA256_SIZE),
                          "%s: load %u (%s) has the wrong SHA-256", p[i].name, k, l->file);
            checked++;
        }
    ck_assert_uint_eq(checked, expect_loads);
    /* Two partitions, different command lines: their DTBs / command lines differ, and so do
     * their digests; the shared kernel's are the same. */
    uint32_t own = arch == MK_AARCH64 ? HV_PT_LOAD_DTB : HV_PT_LOAD_CMDLINE;
    ck_assert_mem_ne(find_load(&p[0], own)->sha256, find_load(&p[1], own)->sha256,
                     HV_PT_SHA256_SIZE);
    ck_assert_mem_eq(find_load(&p[0], HV_PT_LOAD_KERNEL)->sha256,
                     find_load(&p[1], HV_PT_LOAD_KERNEL)->sha256, HV_PT_SHA256_SIZE);
    free_reads();
}

START_TEST(test_digests_arm64)
{
    check_digests("good-arm64.dts", MK_AARCH64, HV_PT_ARCH_AARCH64, 2 * 3);
}
END_TEST

START_TEST(test_digests_x86)
{
    check_digests("good-x86.dts", MK_X86_64, HV_PT_ARCH_X86_64, 2 * 4);
}
END_TEST

/* What the guest DTB says about virtio-mmio nodes, read with the kernel's FDT reader. */
struct virtio_nodes {
    unsigned count;
    char node[32];
    uint8_t reg[16], interrupts[12];
    bool compatible;
};

static int find_virtio(void *ctx, unsigned depth, const char *node, const char *name,
                       const uint8_t *v, uint32_t len)
{
    struct virtio_nodes *vn = ctx;
    if (depth != 1 || strncmp(node, "virtio_mmio@", 12))
        return 0;
    if (strcmp(vn->node, node)) {
        vn->count++;
        snprintf(vn->node, sizeof(vn->node), "%s", node);
    }
    if (!strcmp(name, "compatible"))
        vn->compatible = len == 12 && !memcmp(v, "virtio,mmio", 12);
    else if (!strcmp(name, "reg") && len == 16)
        memcpy(vn->reg, v, 16);
    else if (!strcmp(name, "interrupts") && len == 12)
        memcpy(vn->interrupts, v, 12);
    return 0;
}

static struct virtio_nodes dtb_virtio(const char *out, const char *dtb)
{
    size_t n;
    void *blob = read_all(out, dtb, &n);
    struct fdt fdt;
    struct virtio_nodes vn = {0};
    ck_assert_int_eq(fdt_open(&fdt, blob, n), HV_OK);
    ck_assert_int_eq(fdt_walk(&fdt, find_virtio, &vn), 0);
    return vn;
}

/* The disk properties reach the table, and a partition with a disk (only one with a disk)
 * gets a virtio-mmio node at slot 0 of QEMU virt's transports: 0x0a00_0000, SPI 16, edge. */
START_TEST(test_disk_table_and_dtb)
{
    char out[64];
    ck_assert_int_eq(build("good-disk-arm64.dts", MK_AARCH64, 512, out), 0);
    const struct hv_pt_partition *p = read_table(out, HV_PT_ARCH_AARCH64, 3);

    ck_assert_uint_eq(p[0].disk.select, HV_PT_DISK_BY_NAME);
    ck_assert_uint_eq(p[0].disk.access, HV_PT_DISK_READ_WRITE);
    ck_assert_str_eq(p[0].disk.gpt_name, "duet-personal");
    static const uint8_t zero[16];
    ck_assert_mem_eq(p[0].disk.gpt_guid, zero, 16);

    /* c968dbec-7f3b-6741-9b07-4e5c704a6921 on disk: the first three fields little-endian. */
    static const uint8_t guid[16] = {0xec, 0xdb, 0x68, 0xc9, 0x3b, 0x7f, 0x41, 0x67,
                                     0x9b, 0x07, 0x4e, 0x5c, 0x70, 0x4a, 0x69, 0x21};
    ck_assert_uint_eq(p[1].disk.select, HV_PT_DISK_BY_GUID);
    ck_assert_uint_eq(p[1].disk.access, HV_PT_DISK_READ_ONLY);
    ck_assert_mem_eq(p[1].disk.gpt_guid, guid, 16);
    ck_assert_str_eq(p[1].disk.gpt_name, "");

    ck_assert_uint_eq(p[2].disk.select, HV_PT_DISK_NONE);
    ck_assert_uint_eq(p[2].disk.access, 0);

    static const uint8_t reg[16] = {0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0};
    static const uint8_t irq[12] = {0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 1};
    for (int i = 0; i < 2; i++) {
        struct virtio_nodes vn = dtb_virtio(out, i ? "work.dtb" : "personal.dtb");
        ck_assert_uint_eq(vn.count, 1);
        ck_assert_str_eq(vn.node, "virtio_mmio@a000000");
        ck_assert(vn.compatible);
        ck_assert_mem_eq(vn.reg, reg, 16);
        ck_assert_mem_eq(vn.interrupts, irq, 12);
    }
    ck_assert_uint_eq(dtb_virtio(out, "nodisk.dtb").count, 0);
    free_reads();
}
END_TEST

/* A partition with `keyboard;` gets a virtio-mmio node at slot 2 (0x0a00_0400, SPI 18, edge),
 * where its VMM puts the virtio-input keyboard; one without gets none. */
START_TEST(test_keyboard_dtb)
{
    char out[64];
    ck_assert_int_eq(build("good-ui.dts", MK_AARCH64, 512, out), 0);
    static const uint8_t reg[16] = {0, 0, 0, 0, 0x0a, 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0x02, 0};
    static const uint8_t irq[12] = {0, 0, 0, 0, 0, 0, 0, 18, 0, 0, 0, 1};
    struct virtio_nodes vn = dtb_virtio(out, "personal.dtb");
    ck_assert_uint_eq(vn.count, 1);
    ck_assert_str_eq(vn.node, "virtio_mmio@a000400");
    ck_assert(vn.compatible);
    ck_assert_mem_eq(vn.reg, reg, 16);
    ck_assert_mem_eq(vn.interrupts, irq, 12);
    ck_assert_uint_eq(dtb_virtio(out, "work.dtb").count, 0);  /* a screen, no keyboard */
    ck_assert_uint_eq(dtb_virtio(out, "spare.dtb").count, 0); /* neither */
    free_reads();
}
END_TEST

/* The network properties reach every partition's record: its MAC and address, and the whole
 * network list in manifest order with its own reach marked; a partition without them has none. */
START_TEST(test_net_table)
{
    char out[64];
    ck_assert_int_eq(build("good-net.dts", MK_AARCH64, 512, out), 0);
    const struct hv_pt_partition *p = read_table(out, HV_PT_ARCH_AARCH64, 2);
    static const uint8_t mac_personal[6] = {0x52, 0x54, 0, 0, 2, 0x0a};
    static const uint8_t mac_work[6] = {0x52, 0x54, 0, 0, 2, 0x14};
    static const uint8_t ip_personal[4] = {192, 0, 2, 10}, ip_work[4] = {192, 0, 2, 20};
    static const uint8_t corporate[4] = {198, 51, 100, 0}, any[4] = {0, 0, 0, 0};
    for (int i = 0; i < 2; i++) {
        const struct hv_pt_net *n = &p[i].net;
        ck_assert_uint_eq(n->kind, HV_PT_NET_IPV4);
        ck_assert_mem_eq(n->mac, i ? mac_work : mac_personal, 6);
        ck_assert_mem_eq(n->ipv4, i ? ip_work : ip_personal, 4);
        ck_assert_uint_eq(n->ipv4_prefix_len, 24);
        ck_assert_uint_eq(n->flags, 0);
        ck_assert_uint_eq(n->nnetworks, 2);
        ck_assert_str_eq(n->networks[0].name, "corporate");
        ck_assert_mem_eq(n->networks[0].prefix, corporate, 4);
        ck_assert_uint_eq(n->networks[0].prefix_len, 24);
        ck_assert_str_eq(n->networks[1].name, "internet");
        ck_assert_mem_eq(n->networks[1].prefix, any, 4);
        ck_assert_uint_eq(n->networks[1].prefix_len, 0);
        ck_assert_uint_eq(n->networks[1].reach, HV_PT_NET_ALLOW);
        ck_assert_str_eq(n->networks[2].name, "");
    }
    ck_assert_uint_eq(p[0].net.networks[0].reach, HV_PT_NET_DENY);  /* personal: no corporate */
    ck_assert_uint_eq(p[1].net.networks[0].reach, HV_PT_NET_ALLOW); /* work: corporate */
    free_reads();

    /* A manifest without network properties (every one before version 4) still builds, and
     * its partitions have no port. */
    ck_assert_int_eq(build("good-disk-arm64.dts", MK_AARCH64, 512, out), 0);
    p = read_table(out, HV_PT_ARCH_AARCH64, 3);
    static const struct hv_pt_net none;
    for (int i = 0; i < 3; i++)
        ck_assert_mem_eq(&p[i].net, &none, sizeof(none));
    free_reads();
}
END_TEST

/* Read-only sharing is the manifest's to allow; and the GUID text reader on its own. */
START_TEST(test_disk_shared_read_only)
{
    char out[64];
    ck_assert_int_eq(build("good-disk-shared-ro.dts", MK_AARCH64, 512, out), 0);
    const struct hv_pt_partition *p = read_table(out, HV_PT_ARCH_AARCH64, 2);
    ck_assert_str_eq(p[0].disk.gpt_name, "duet-shared");
    ck_assert_str_eq(p[1].disk.gpt_name, "duet-shared");
    free_reads();

    uint8_t g[16];
    ck_assert(hv_guid_parse("0FC63DAF-8483-4772-8E79-3D69D8477DE4", g));
    static const uint8_t linux_data[16] = {0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
                                           0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4};
    ck_assert_mem_eq(g, linux_data, 16);
    ck_assert(!hv_guid_parse("0FC63DAF-8483-4772-8E79-3D69D8477DE4 ", g));
    ck_assert(!hv_guid_parse("0FC63DAF_8483-4772-8E79-3D69D8477DE4", g));
    ck_assert(!hv_guid_parse("0FC63DAF-8483-4772-8E793-D69D8477DE4", g));
    ck_assert(!hv_guid_parse("", g));
}
END_TEST

int main(void)
{
    strcpy(files_dir, "/tmp/mkimage-files-XXXXXX");
    if (!mkdtemp(files_dir))
        return 2;
    fake_kernels_write(files_dir);

    Suite *s = suite_create("mkimage");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, test_arm64_layout);
    tcase_add_test(tc, test_x86_layout);
    tcase_add_test(tc, test_disk_table_and_dtb);
    tcase_add_test(tc, test_disk_shared_read_only);
    tcase_add_test(tc, test_net_table);
    tcase_add_test(tc, test_keyboard_dtb);
    suite_add_tcase(s, tc);
    tc = tcase_create("digests");
    tcase_add_test(tc, test_digests_arm64);
    tcase_add_test(tc, test_digests_x86);
    suite_add_tcase(s, tc);
    int r = check_run(s);
    fake_kernels_remove(files_dir);
    return r;
}
