/* Runs the image builder for its tests (mk_build.h). */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include "mk_build.h"
#include "diag.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

struct mk_options mk_build_options(const char *files_dir, const char *manifest, enum mk_arch arch,
                                   unsigned ram_mib, const char *out_dir)
{
    struct mk_options opt = {.arch = arch, .manifest = manifest, .out_dir = out_dir,
                             .platform_ram = (uint64_t)ram_mib << 20, .reserve = 64ull << 20};
    opt.search[opt.nsearch++] = files_dir;
    mk_set_quiet(true);
    return opt;
}

int mk_build(const char *files_dir, const char *manifest, enum mk_arch arch, unsigned ram_mib,
             char *out_dir)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", MANIFEST_DIR, manifest);
    snprintf(out_dir, 64, "%s/out-XXXXXX", files_dir);
    ck_assert_ptr_nonnull(mkdtemp(out_dir));
    struct mk_options opt = mk_build_options(files_dir, path, arch, ram_mib, out_dir);
    return mkimage_run(&opt);
}
