/* Fake kernel and initramfs files for the image builder's tests. */
#pragma once

#define FAKE_IMAGE_FILE_SIZE 8192
#define FAKE_IMAGE_TEXT_OFFSET 0x0
#define FAKE_IMAGE_SIZE (6u << 20)
#define FAKE_BZIMAGE_FILE_SIZE 8192
#define FAKE_BZIMAGE_PREF_ADDRESS 0x1000000u
#define FAKE_BZIMAGE_INIT_SIZE (32u << 20)
#define FAKE_INITRAMFS_SIZE 10000

/* Writes every fake file into dir (which must exist). */
void fake_kernels_write(const char *dir);

/* Links the fake kernels and initramfs under the Debian file names the default systems'
 * manifests (platform/<board>/system.dts) use, in dir. */
void fake_kernels_alias_debian(const char *dir);

/* Removes dir and everything in it. */
void fake_kernels_remove(const char *dir);
