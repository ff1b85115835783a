/* From the manifest to the radio server's table: mkimage builds the default systems'
 * manifests (platform/<board>/system.dts, with fake kernels under the real names) and
 * test/manifests/good-net.dts, and the partition table's network records it writes give the
 * policy docs/network.md states. */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "diag.h"
#include "fake_kernels.h"
#include "mkimage.h"
#include "radio_fixture.h"

static char files_dir[256];

/* Builds manifest into a new directory and reads its partition table back. */
static uint8_t *build_table(const char *manifest, enum mk_arch arch, size_t *size)
{
    static char out[300], path[400];
    struct mk_options opt = {.arch = arch,
                             .manifest = manifest,
                             .out_dir = out,
                             .platform_ram = 1024ull << 20,
                             .reserve = 64ull << 20};
    snprintf(out, sizeof(out), "%s/out-XXXXXX", files_dir);
    ck_assert_ptr_nonnull(mkdtemp(out));
    opt.search[opt.nsearch++] = files_dir;
    mk_set_quiet(true);
    ck_assert_msg(mkimage_run(&opt) == 0, "%s: %s", manifest, mk_last_error());
    snprintf(path, sizeof(path), "%s/%s", out, HV_PT_FILE);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *t = malloc(*size);
    ck_assert_uint_eq(fread(t, 1, *size, f), *size);
    fclose(f);
    return t;
}

/* The ports as the root task will hand them to the server: every record with a network, in
 * table order, by partition name. */
static void policy_from_table(const uint8_t *t, size_t size, struct radio_policy *pol)
{
    const struct hv_pt_header *h = (const void *)t;
    ck_assert_uint_eq(h->version, HV_PT_VERSION);
    ck_assert_uint_eq(h->record_size, sizeof(struct hv_pt_partition));
    ck_assert_uint_eq(h->total_size, size);
    const struct hv_pt_partition *p = (const void *)(t + sizeof(*h));
    struct radio_port_spec spec[HV_PT_MAX_PARTITIONS];
    unsigned n = 0;
    for (unsigned i = 0; i < h->count; i++)
        if (p[i].net.kind != HV_PT_NET_NONE)
            spec[n++] = (struct radio_port_spec){p[i].name, &p[i].net};
    char why[128];
    ck_assert_msg(radio_policy_build(pol, spec, n, why, sizeof(why)) == 0, "%s", why);
}

/* The default policy: personal (port 0) the internet only, work (port 1) corporate too,
 * with the addresses of the radio link's plan. */
static void assert_default_policy(const struct radio_policy *pol)
{
    ck_assert_uint_eq(pol->nports, 2);
    ck_assert_str_eq(pol->port[0].name, "personal");
    ck_assert_str_eq(pol->port[1].name, "work");
    ck_assert_mem_eq(pol->port[0].mac, mac_personal, 6);
    ck_assert_mem_eq(pol->port[1].mac, mac_work, 6);
    ck_assert_uint_eq(pol->port[0].ip, IP_PERSONAL);
    ck_assert_uint_eq(pol->port[1].ip, IP_WORK);
    ck_assert(!radio_policy_may_reach(pol, 0, IP_CORP_GW));
    ck_assert(!radio_policy_may_reach(pol, 0, IP_CORP_SVC));
    ck_assert(radio_policy_may_reach(pol, 0, IP_NET_SVC));
    ck_assert(radio_policy_may_reach(pol, 0, IP_ROUTER));
    ck_assert(radio_policy_may_reach(pol, 1, IP_CORP_GW));
    ck_assert(radio_policy_may_reach(pol, 1, IP_CORP_SVC));
    ck_assert(radio_policy_may_reach(pol, 1, IP_NET_SVC));
}

START_TEST(good_net_manifest)
{
    size_t size;
    uint8_t *t = build_table(MANIFEST_DIR "/good-net.dts", MK_AARCH64, &size);
    struct radio_policy pol;
    policy_from_table(t, size, &pol);
    assert_default_policy(&pol);
    free(t);
}
END_TEST

START_TEST(default_systems)
{
    static const struct {
        const char *manifest;
        enum mk_arch arch;
    } sys[] = {
        {SOURCE_DIR "/platform/qemu-virt/system.dts", MK_AARCH64},
        {SOURCE_DIR "/platform/qemu-q35/system.dts", MK_X86_64},
    };
    for (int i = 0; i < 2; i++) {
        size_t size;
        uint8_t *t = build_table(sys[i].manifest, sys[i].arch, &size);
        struct radio_policy pol;
        policy_from_table(t, size, &pol);
        assert_default_policy(&pol);
        free(t);
    }
}
END_TEST

int main(void)
{
    strcpy(files_dir, "/tmp/radio-manifest-XXXXXX");
    if (!mkdtemp(files_dir))
        return 2;
    fake_kernels_write(files_dir);
    fake_kernels_alias_debian(files_dir);

    Suite *s = suite_create("radio_manifest");
    TCase *tc = tcase_create("manifest");
    tcase_add_test(tc, good_net_manifest);
    tcase_add_test(tc, default_systems);
    suite_add_tcase(s, tc);
    int r = check_run(s);
    fake_kernels_remove(files_dir);
    return r;
}
