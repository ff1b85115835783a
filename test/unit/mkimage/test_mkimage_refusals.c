/* The image builder's refusals: every malformed manifest is refused with a message naming its
 * problem and partition, and leaves no partition table behind (docs/manifest.md). */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hv/proto/partition_table.h>

#include "check_run.h"
#include "diag.h"
#include "dtb_builder.h"
#include "fake_kernels.h"
#include "mk_build.h"

static char files_dir[256];

static int build(const char *manifest, enum mk_arch arch, unsigned ram_mib, char *out_dir)
{
    return mk_build(files_dir, manifest, arch, ram_mib, out_dir);
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
    struct mk_options opt = mk_build_options(files_dir, path, MK_AARCH64, 512, out);
    ck_assert_int_eq(mkimage_run(&opt), -1);
    ck_assert_str_eq(mk_last_error(), "partition 'work': the name is used twice");
}
END_TEST


int main(void)
{
    strcpy(files_dir, "/tmp/mkimage-refusals-XXXXXX");
    if (!mkdtemp(files_dir))
        return 2;
    fake_kernels_write(files_dir);

    Suite *s = suite_create("mkimage_refusals");
    TCase *tc = tcase_create("refusals");
    tcase_add_loop_test(tc, test_refusal, 0, (int)(sizeof(refusals) / sizeof(refusals[0])));
    tcase_add_test(tc, test_duplicate_name);
    suite_add_tcase(s, tc);
    int r = check_run(s);
    fake_kernels_remove(files_dir);
    return r;
}
