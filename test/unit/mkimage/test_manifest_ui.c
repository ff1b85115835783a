/* The manifest's trusted-path properties (keyboard, screen, colour) through mkimage into the
 * partition table's struct hv_pt_ui: what the default systems and good-ui.dts say arrives,
 * and every malformed form is refused with its own message (docs/manifest.md). */
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

static char files_dir[256];

/* Builds manifest into a new directory: 0 and the records in *recs (malloc'd), or -1. */
static int build(const char *manifest, enum mk_arch arch, struct hv_pt_partition **recs,
                 unsigned *count)
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
    if (mkimage_run(&opt))
        return -1;
    snprintf(path, sizeof(path), "%s/%s", out, HV_PT_FILE);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    struct hv_pt_header h;
    ck_assert_uint_eq(fread(&h, sizeof(h), 1, f), 1);
    ck_assert_uint_eq(h.version, HV_PT_VERSION);
    ck_assert_uint_eq(h.record_size, sizeof(struct hv_pt_partition));
    *count = h.count;
    *recs = calloc(h.count, sizeof(**recs));
    ck_assert_uint_eq(fread(*recs, sizeof(**recs), h.count, f), h.count);
    fclose(f);
    return 0;
}

START_TEST(good_ui)
{
    struct hv_pt_partition *p;
    unsigned n;
    ck_assert_msg(build(MANIFEST_DIR "/good-ui.dts", MK_AARCH64, &p, &n) == 0, "%s",
                  mk_last_error());
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(p[0].ui.flags, HV_PT_UI_KEYBOARD | HV_PT_UI_SCREEN);
    ck_assert_uint_eq(p[0].ui.colour, 0x2e7d32);
    ck_assert_uint_eq(p[1].ui.flags, HV_PT_UI_SCREEN);
    ck_assert_uint_eq(p[1].ui.colour, 0xffffff);
    ck_assert_uint_eq(p[2].ui.flags, 0);
    ck_assert_uint_eq(p[2].ui.colour, 0);
    free(p);
}
END_TEST

/* Both default systems give personal and work the keyboard and the screen, each its colour. */
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
        struct hv_pt_partition *p;
        unsigned n;
        ck_assert_msg(build(sys[i].manifest, sys[i].arch, &p, &n) == 0, "%s", mk_last_error());
        ck_assert_uint_eq(n, 2);
        for (unsigned k = 0; k < 2; k++)
            ck_assert_uint_eq(p[k].ui.flags, HV_PT_UI_KEYBOARD | HV_PT_UI_SCREEN);
        ck_assert_uint_eq(p[0].ui.colour, 0x2e7d32);
        ck_assert_uint_eq(p[1].ui.colour, 0xc62828);
        free(p);
    }
}
END_TEST

static const struct {
    const char *manifest, *error;
} refused[] = {
    {"bad-ui-no-colour.dts", "partition 'personal': a partition with a keyboard or a screen "
                             "needs colour = <0xRRGGBB>"},
    {"bad-ui-colour-alone.dts", "partition 'personal': colour without 'keyboard' or 'screen'"},
    {"bad-ui-colour-range.dts", "partition 'personal': colour 0x12345678 is not 0xRRGGBB"},
    {"bad-ui-colour-cells.dts", "partition 'personal': colour must be one cell, <0xRRGGBB>"},
    {"bad-ui-keyboard-value.dts", "partition 'personal': 'keyboard' takes no value (write "
                                  "'keyboard;')"},
};

START_TEST(refusals)
{
    char path[400];
    snprintf(path, sizeof(path), MANIFEST_DIR "/%s", refused[_i].manifest);
    struct hv_pt_partition *p;
    unsigned n;
    ck_assert_msg(build(path, MK_AARCH64, &p, &n) == -1, "%s was accepted",
                  refused[_i].manifest);
    ck_assert_msg(strstr(mk_last_error(), refused[_i].error), "%s: said \"%s\"",
                  refused[_i].manifest, mk_last_error());
}
END_TEST

int main(void)
{
    strcpy(files_dir, "/tmp/manifest-ui-XXXXXX");
    if (!mkdtemp(files_dir))
        return 2;
    fake_kernels_write(files_dir);
    fake_kernels_alias_debian(files_dir);

    Suite *s = suite_create("manifest_ui");
    TCase *tc = tcase_create("ui");
    tcase_add_test(tc, good_ui);
    tcase_add_test(tc, default_systems);
    tcase_add_loop_test(tc, refusals, 0, sizeof(refused) / sizeof(refused[0]));
    suite_add_tcase(s, tc);
    int r = check_run(s);
    fake_kernels_remove(files_dir);
    return r;
}
