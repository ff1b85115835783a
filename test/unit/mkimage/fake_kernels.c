/* Tiny stand-ins for the kernels mkimage recognises, written into a folder for the tests:
 * only the header fields the builder reads are real. */
#define _XOPEN_SOURCE 700 /* nftw, symlink */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_kernels.h"

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void write_file(const char *dir, const char *name, const void *data, size_t size)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
        perror(path);
        exit(2);
    }
}

/* booting.rst header: text_offset 0, image_size, "ARM\x64" at 0x38. */
static void arm64_image(const char *dir, const char *name, uint64_t image_size)
{
    static uint8_t img[FAKE_IMAGE_FILE_SIZE];
    memset(img, 0, sizeof(img));
    put_le(img + 8, FAKE_IMAGE_TEXT_OFFSET, 8);
    put_le(img + 16, image_size, 8);
    memcpy(img + 0x38, "ARM\x64", 4);
    write_file(dir, name, img, sizeof(img));
}

/* x86 boot.rst setup header with one setup sector. */
static void bzimage(const char *dir, const char *name, unsigned version, unsigned xloadflags)
{
    static uint8_t img[FAKE_BZIMAGE_FILE_SIZE];
    memset(img, 0, sizeof(img));
    img[0x1f1] = 1;                      /* setup_sects */
    img[0x201] = 0x6a;                   /* header ends at 0x26c */
    memcpy(img + 0x202, "HdrS", 4);
    put_le(img + 0x206, version, 2);
    put_le(img + 0x22c, 0x7fffffff, 4);  /* initrd_addr_max */
    img[0x234] = 1;                      /* relocatable */
    put_le(img + 0x236, xloadflags, 2);
    put_le(img + 0x238, 2047, 4);        /* cmdline_size */
    put_le(img + 0x258, FAKE_BZIMAGE_PREF_ADDRESS, 8);
    put_le(img + 0x260, FAKE_BZIMAGE_INIT_SIZE, 4);
    write_file(dir, name, img, sizeof(img));
}

/* An ELF64 executable with one PT_LOAD at 1 MiB. */
static void elf(const char *dir, const char *name, unsigned machine)
{
    static uint8_t img[4096];
    memset(img, 0, sizeof(img));
    memcpy(img, "\177ELF", 4);
    img[4] = 2;
    img[5] = 1;
    img[6] = 1;
    put_le(img + 16, 2, 2);              /* ET_EXEC */
    put_le(img + 18, machine, 2);
    put_le(img + 24, 0x100000, 8);       /* entry */
    put_le(img + 32, 64, 8);             /* phoff */
    put_le(img + 52, 64, 2);
    put_le(img + 54, 56, 2);
    put_le(img + 56, 1, 2);
    uint8_t *ph = img + 64;
    put_le(ph, 1, 4);                    /* PT_LOAD */
    put_le(ph + 8, 0x1000, 8);
    put_le(ph + 24, 0x100000, 8);
    put_le(ph + 32, 0x10, 8);
    put_le(ph + 40, 0x1000, 8);
    write_file(dir, name, img, sizeof(img));
}

void fake_kernels_write(const char *dir)
{
    static const char text[] = "this is not a kernel\n";
    static uint8_t initramfs[FAKE_INITRAMFS_SIZE];

    arm64_image(dir, "fake-Image", FAKE_IMAGE_SIZE);
    arm64_image(dir, "fake-Image-huge", 200u << 20);
    bzimage(dir, "fake-bzImage", 0x020f, 1);
    bzimage(dir, "fake-bzImage-2.10", 0x020a, 1);
    bzimage(dir, "fake-bzImage-32bit", 0x020f, 0);
    elf(dir, "fake-x86.elf", 62);
    write_file(dir, "not-a-kernel", text, sizeof(text) - 1);
    memset(initramfs, 0x5a, sizeof(initramfs));
    write_file(dir, "fake-initramfs", initramfs, sizeof(initramfs));
    char path[512];
    snprintf(path, sizeof(path), "%s/a-directory", dir);
    mkdir(path, 0755);
}

static void alias(const char *dir, const char *fake, const char *real)
{
    char from[512], to[512];
    snprintf(from, sizeof(from), "%s/%s", dir, fake);
    snprintf(to, sizeof(to), "%s/%s", dir, real);
    if (symlink(from, to)) {
        perror(to);
        exit(2);
    }
}

void fake_kernels_alias_debian(const char *dir)
{
    alias(dir, "fake-Image", "vmlinuz-debian-arm64");
    alias(dir, "fake-initramfs", "initramfs-debian-arm64.cpio.gz");
    alias(dir, "fake-bzImage", "vmlinuz-debian-amd64");
    alias(dir, "fake-initramfs", "initramfs-debian-amd64.cpio.gz");
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void fake_kernels_remove(const char *dir)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
