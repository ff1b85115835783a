/* The image builder: every refusal names its problem and partition; accepted manifests give
 * the partition table, guest DTBs and bootfs list docs/manifest.md describes. */
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
#include "mkimage.h"
#include <hv/guid.h>

static char files_dir[256];

/* Runs mkimage on a manifest of test/manifests with the fake files; returns its result. */
static int build(const char *manifest, enum mk_arch arch, unsigned ram_mib, char *out_dir)
{
    static char path[512];
    struct mk_options opt = {0};

    snprintf(path, sizeof(path), "%s/%s", MANIFEST_DIR, manifest);
    snprintf(out_dir, 64, "%s/out-XXXXXX", files_dir);
    ck_assert_ptr_nonnull(mkdtemp(out_dir));
    opt.arch = arch;
    opt.manifest = path;
    opt.out_dir = out_dir;
    opt.search[opt.nsearch++] = files_dir;
    opt.platform_ram = (uint64_t)ram_mib << 20;
    opt.reserve = 64ull << 20;
    mk_set_quiet(true);
    return mkimage_run(&opt);
}

static const struct refusal {
    const char *manifest;
    enum mk_arch arch;
    const char *message;
} refusals[] = {
    {"bad-overlap-host.dts", MK_AARCH64,
     "partition 'work': host RAM [0x4c000000, 0x54000000) overlaps partition 'personal''s "
     "[0x48000000, 0x50000000)"},
    {"bad-device-window.dts", MK_AARCH64,
     "partition 'personal': RAM [0x3c000000, 0x44000000) overlaps the device window "
     "[0x0, 0x40000000)"},
    {"bad-too-much-ram.dts", MK_AARCH64, "partition 'c': RAM does not fit: partitions up to "
                                         "this one need 641 MiB"},
    {"bad-missing-file.dts", MK_AARCH64,
     "partition 'personal': kernel 'no-such-kernel' not found in the search path"},
    {"bad-unreadable.dts", MK_AARCH64, "partition 'personal': kernel '"},
    /* AArch64 takes any file as a raw binary, as QEMU does; x86 does not. */
    {"bad-not-a-kernel.dts", MK_X86_64, "is not an x86 bzImage (no 'HdrS' at 0x202), a "
                                        "multiboot kernel nor an ELF with a PVH note"},
    {"bad-old-bzimage.dts", MK_X86_64,
     "partition 'personal': bzImage boot protocol 2.10 is older than 2.12"},
    {"bad-32bit-bzimage.dts", MK_X86_64,
     "partition 'personal': bzImage has no 64-bit entry (XLF_KERNEL_64)"},
    {"bad-elf-arch.dts", MK_AARCH64,
     "partition 'personal': kernel ELF is for machine 62, not aarch64"},
    {"bad-missing-property.dts", MK_AARCH64,
     "partition 'personal': missing required property 'cpu-budget'"},
    {"bad-budget-over.dts", MK_AARCH64,
     "partition 'personal': cpu-budget <150 100> gives more than the period"},
    {"bad-priority-too-high.dts", MK_AARCH64,
     "partition 'personal': priority 250 is above 245 (its VMM runs 10 higher, at most 255)"},
    {"bad-budget-zero.dts", MK_AARCH64,
     "partition 'personal': cpu-budget <0 100> has a zero budget or period"},
    {"bad-root-compatible.dts", MK_AARCH64,
     "manifest: the root node is not compatible \"duet,system-v1\""},
    {"bad-unknown-property.dts", MK_AARCH64, "partition 'personal': unknown property 'memroy'"},
    {"bad-syntax.dts", MK_AARCH64, "manifest: dtc refused it:"},
    {"bad-kernel-too-big.dts", MK_AARCH64,
     "partition 'personal': the kernel, initramfs and device tree needs RAM up to"},
    {"bad-memory-unaligned.dts", MK_AARCH64,
     "partition 'personal': memory 0x8100000 is not a multiple of 2 MiB"},
    {"bad-x86-ram-hole.dts", MK_X86_64, "overlaps the device window [0xc0000000, 0x100000000)"},
    {"bad-no-partitions.dts", MK_AARCH64, "manifest: /partitions holds no partition"},
    {"no-such-manifest.dts", MK_AARCH64, "manifest: cannot read"},
    {"bad-disk-both.dts", MK_AARCH64,
     "partition 'personal': give one of 'disk' and 'disk-guid', not both"},
    {"bad-disk-access-value.dts", MK_AARCH64,
     "partition 'personal': disk-access \"rw\" must be \"read-write\" or \"read-only\""},
    {"bad-disk-no-access.dts", MK_AARCH64,
     "partition 'personal': a disk needs disk-access = \"read-write\" or \"read-only\""},
    {"bad-disk-access-alone.dts", MK_AARCH64,
     "partition 'personal': disk-access without 'disk' or 'disk-guid'"},
    {"bad-disk-guid.dts", MK_AARCH64,
     "partition 'personal': disk-guid \"c968dbec-7f3b-6741-9b07-4e5c704a692g\" is not a GUID"},
    {"bad-disk-guid-short.dts", MK_AARCH64,
     "partition 'personal': disk-guid \"c968dbec-7f3b-6741-9b07-4e5c704a692\" is not a GUID"},
    {"bad-disk-guid-zero.dts", MK_AARCH64,
     "partition 'personal': disk-guid is the zero GUID, which marks an unused GPT entry"},
    {"bad-disk-name-long.dts", MK_AARCH64,
     "partition 'personal': disk must be a GPT partition name of 1 to 36 characters (it has 39)"},
    {"bad-disk-name-empty.dts", MK_AARCH64,
     "partition 'personal': disk must be a GPT partition name of 1 to 36 characters (it has 0)"},
    {"bad-disk-name-char.dts", MK_AARCH64,
     "partition 'personal': disk name holds character 0x09: only printable ASCII"},
    {"bad-disk-not-string.dts", MK_AARCH64, "partition 'personal': property 'disk' must be one "
                                            "string"},
    {"bad-disk-two-strings.dts", MK_AARCH64,
     "partition 'personal': property 'disk-access' must be one string"},
    {"bad-disk-shared-rw.dts", MK_AARCH64,
     "partition 'work': its disk is also partition 'personal''s, and one of them may write it"},
    {"bad-disk-too-many.dts", MK_AARCH64,
     "partition 'p8': more than 8 partitions have a disk (the storage server's limit)"},
    {"bad-net-mac.dts", MK_AARCH64,
     "partition 'personal': net-mac \"52:54:00:00:02\" is not a MAC address"},
    {"bad-net-mac-multicast.dts", MK_AARCH64,
     "partition 'personal': net-mac \"01:00:5e:00:00:01\" is a multicast address"},
    {"bad-net-mac-dup.dts", MK_AARCH64,
     "partition 'work': net-mac is also partition 'personal''s"},
    {"bad-net-address.dts", MK_AARCH64,
     "partition 'personal': net-address \"192.0.2.300/24\" is not an IPv4 address with its "
     "prefix length"},
    {"bad-net-address-octal.dts", MK_AARCH64,
     "partition 'personal': net-address \"192.0.2.010/24\" is not an IPv4 address"},
    {"bad-net-address-nolen.dts", MK_AARCH64,
     "partition 'personal': net-address \"192.0.2.10\" is not an IPv4 address"},
    {"bad-net-address-bcast.dts", MK_AARCH64,
     "partition 'personal': net-address \"192.0.2.255/24\" is its link's network or broadcast "
     "address"},
    {"bad-net-address-dup.dts", MK_AARCH64,
     "partition 'work': net-address is also partition 'personal''s"},
    {"bad-net-no-address.dts", MK_AARCH64,
     "partition 'personal': a network needs both net-mac and net-address"},
    {"bad-net-reach-unknown.dts", MK_AARCH64,
     "partition 'personal': net-reach names network 'intranet', which /networks does not define"},
    {"bad-net-reach-twice.dts", MK_AARCH64,
     "partition 'personal': net-reach names network 'internet' twice"},
    {"bad-net-reach-alone.dts", MK_AARCH64,
     "partition 'personal': net-reach without net-mac and net-address"},
    {"bad-net-prefix.dts", MK_AARCH64,
     "network 'corporate': must be one string a.b.c.d/n (an IPv4 prefix, decimal)"},
    {"bad-net-prefix-host-bits.dts", MK_AARCH64,
     "network 'corporate': \"198.51.100.1/24\" has bits set past its prefix length"},
    {"bad-net-prefix-dup.dts", MK_AARCH64,
     "network 'internet': the prefix 198.51.100.0/24 is also network 'corporate''s"},
    {"bad-net-prefix-cells.dts", MK_AARCH64,
     "network 'corporate': must be one string a.b.c.d/n"},
    {"bad-net-name.dts", MK_AARCH64,
     "network 'Corporate': the name must be 1 to 15 characters of a-z, 0-9, '-' and '_'"},
    {"bad-net-no-networks.dts", MK_AARCH64,
     "partition 'personal': it has a network port but the manifest defines no network "
     "(/networks)"},
    {"bad-net-networks-empty.dts", MK_AARCH64,
     "partition 'personal': it has a network port but the manifest defines no network "
     "(/networks)"},
    {"bad-net-networks-compatible.dts", MK_AARCH64,
     "manifest: /networks must be compatible \"duet,networks\""},
    {"bad-net-networks-subnode.dts", MK_AARCH64,
     "manifest: /networks: unexpected sub-node 'internet'"},
    {"bad-net-too-many.dts", MK_AARCH64,
     "partition 'p8': more than 8 partitions have a network (the radio server's ports)"},
};

START_TEST(test_refusal)
{
    const struct refusal *r = &refusals[_i];
    char out[64];
    ck_assert_int_eq(build(r->manifest, r->arch, 512, out), -1);
    ck_assert_msg(strstr(mk_last_error(), r->message), "%s: got \"%s\", want \"%s\"",
                  r->manifest, mk_last_error(), r->message);
    /* A refused manifest leaves no partition table behind for a later step to pick up. */
    char table[128];
    snprintf(table, sizeof(table), "%s/%s", out, HV_PT_FILE);
    ck_assert_int_ne(access(table, F_OK), 0);
}
END_TEST

/* Two partitions named alike: dtc would refuse the source, so the blob is built directly. */
START_TEST(test_duplicate_name)
{
    struct dtb_builder b;
    static uint8_t blob[8192];
    static const uint32_t mem[] = {0, 0x08000000}, budget[] = {40, 100};
    char out[64], path[128];

    dtb_init(&b);
    dtb_begin_node(&b, "");
    dtb_prop(&b, "compatible", "duet,system-v1", 15);
    dtb_begin_node(&b, "partitions");
    dtb_prop(&b, "compatible", "duet,partitions", 16);
    for (int i = 0; i < 2; i++) {
        dtb_begin_node(&b, i ? "work@2" : "work@1");
        dtb_prop(&b, "compatible", "duet,partition", 15);
        dtb_prop_cells(&b, "memory", 2, mem);
        dtb_prop(&b, "kernel", "fake-Image", 11);
        dtb_prop(&b, "bootargs", "", 1);
        dtb_prop_cells(&b, "cpu-budget", 2, budget);
        dtb_prop_u32(&b, "priority", 50);
        dtb_end_node(&b);
    }
    dtb_end_node(&b);
    dtb_end_node(&b);
    size_t n = dtb_finish(&b, blob, sizeof(blob));

    snprintf(out, sizeof(out), "%s/out-XXXXXX", files_dir);
    ck_assert_ptr_nonnull(mkdtemp(out));
    snprintf(path, sizeof(path), "%s/dup.dtb", out);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(blob, 1, n, f), n);
    fclose(f);
    struct mk_options opt = {.arch = MK_AARCH64, .manifest = path, .out_dir = out,
                             .platform_ram = 512ull << 20, .reserve = 64ull << 20};
    opt.search[opt.nsearch++] = files_dir;
    mk_set_quiet(true);
    ck_assert_int_eq(mkimage_run(&opt), -1);
    ck_assert_str_eq(mk_last_error(), "partition 'work': the name is used twice");
}
END_TEST

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
    TCase *tc = tcase_create("refusals");
    tcase_add_loop_test(tc, test_refusal, 0, (int)(sizeof(refusals) / sizeof(refusals[0])));
    tcase_add_test(tc, test_duplicate_name);
    suite_add_tcase(s, tc);
    tc = tcase_create("layout");
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
