/* Runs the image builder on a manifest of test/manifests with the fake files, for the image
 * builder's tests. */
#pragma once

#include "mkimage.h"

/* mkimage on MANIFEST_DIR/manifest for arch and a machine of ram_mib MiB, its output in a new
 * directory under files_dir (named into out_dir, 64 bytes); the files searched in files_dir.
 * Returns mkimage_run's result. */
int mk_build(const char *files_dir, const char *manifest, enum mk_arch arch, unsigned ram_mib,
             char *out_dir);

/* The options for mkimage on manifest (a path), its output in out_dir: files_dir searched, a
 * machine of ram_mib MiB with the usual 64 MiB reserve, quiet. */
struct mk_options mk_build_options(const char *files_dir, const char *manifest, enum mk_arch arch,
                                   unsigned ram_mib, const char *out_dir);
