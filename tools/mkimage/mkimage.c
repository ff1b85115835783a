/* The image builder's driver: manifest -> checked partitions -> guest files, partition table
 * and the list of files for the bootfs (docs/manifest.md). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "mkimage.h"
#include <hv/bits.h>

int mk_read_file(const char *what, const char *path, uint8_t **out, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mk_error("%s: cannot read '%s': %s", what, path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc(n > 0 ? (size_t)n : 1);
    *size = *out && n >= 0 ? fread(*out, 1, (size_t)n, f) : 0;
    fclose(f);
    if (!*out || (long)*size != n) {
        free(*out);
        return mk_error("%s: cannot read '%s'", what, path);
    }
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* The manifest as a blob: .dts through dtc (into the output directory), .dtb as is. */
static int load_manifest(const struct mk_options *opt, struct mk_system *sys)
{
    char dtb[MK_MAX_PATH];
    const char *path = opt->manifest;
    if (ends_with(path, ".dts")) {
        if (access(path, R_OK))
            return mk_error("manifest: cannot read '%s': %s", path, strerror(errno));
        snprintf(dtb, sizeof(dtb), "%s/manifest.dtb", opt->out_dir);
        if (dtc_compile("manifest", path, "dts", dtb))
            return -1;
        path = dtb;
    }
    uint8_t *blob;
    size_t size;
    if (mk_read_file("manifest", path, &blob, &size))
        return -1;
    int r = manifest_parse(blob, size, opt->arch, sys);
    free(blob);
    return r;
}

/* Adds a file to the bootfs list once; the same name must always be the same file. */
static int add_file(struct mk_image *img, const char *part, const char *name, const char *path,
                    uint64_t size)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        return mk_error("partition '%s': cannot resolve '%s': %s", part, path, strerror(errno));
    for (unsigned i = 0; i < img->nfiles; i++)
        if (!strcmp(img->files[i].name, name)) {
            if (strcmp(img->files[i].path, real))
                return mk_error("partition '%s': bootfs file name '%s' would be two files",
                                part, name);
            return 0;
        }
    if (img->nfiles == MK_MAX_FILES)
        return mk_error("too many files for the bootfs");
    struct mk_file *f = &img->files[img->nfiles++];
    snprintf(f->name, sizeof(f->name), "%s", name);
    /* Absolute, so the list works from any directory. */
    snprintf(f->path, sizeof(f->path), "%s", real);
    f->size = size;
    return 0;
}

/* Finds `name` in the search path. Names are plain file names: the bootfs has no folders. */
static int resolve(const struct mk_options *opt, const char *part, const char *what,
                   const char *name, char *path, uint64_t *size)
{
    if (strchr(name, '/') || !name[0])
        return mk_error("partition '%s': %s '%s' must be a plain file name", part, what, name);
    for (unsigned i = 0; i < opt->nsearch; i++) {
        struct stat st;
        snprintf(path, MK_MAX_PATH, "%s/%s", opt->search[i], name);
        if (stat(path, &st) != 0)
            continue;
        if (!S_ISREG(st.st_mode) || access(path, R_OK))
            return mk_error("partition '%s': %s '%s' is not a readable file", part, what, path);
        *size = (uint64_t)st.st_size;
        if (*size == 0)
            return mk_error("partition '%s': %s '%s' is empty", part, what, path);
        return 0;
    }
    char dirs[512] = "";
    for (unsigned i = 0; i < opt->nsearch; i++)
        snprintf(dirs + strlen(dirs), sizeof(dirs) - strlen(dirs), "%s%s", i ? ":" : "",
                 opt->search[i]);
    return mk_error("partition '%s': %s '%s' not found in the search path '%s'", part, what,
                    name, dirs);
}

struct part_files {
    struct mk_kernel kernel;
    uint64_t initrd_size;
};

static int gather_files(const struct mk_options *opt, struct mk_image *img,
                        struct part_files *pf, uint64_t *payload)
{
    char path[MK_MAX_PATH];
    *payload = MK_PAGE; /* the partition table */
    for (unsigned i = 0; i < img->sys.count; i++) {
        const struct mk_partition *p = &img->sys.part[i];
        uint64_t size;
        unsigned before = img->nfiles;
        if (resolve(opt, p->name, "kernel", p->kernel, path, &size) ||
            kernel_probe(p->name, path, opt->arch, &pf[i].kernel) ||
            add_file(img, p->name, p->kernel, path, size))
            return -1;
        if (p->initramfs[0]) {
            if (resolve(opt, p->name, "initramfs", p->initramfs, path, &pf[i].initrd_size) ||
                add_file(img, p->name, p->initramfs, path, pf[i].initrd_size))
                return -1;
        }
        for (unsigned f = before; f < img->nfiles; f++)
            *payload += ALIGN_UP(img->files[f].size, MK_PAGE);
        *payload += MK_PAGE; /* its DTB or command line */
    }
    return 0;
}

static int write_bytes_file(const char *what, const char *path, const char *s, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(s, 1, n, f) != n || fclose(f))
        return mk_error("%s: cannot write '%s': %s", what, path, strerror(errno));
    return 0;
}

/* The per-partition generated file: a DTB on arm64, the command line on x86. */
static int write_boot_file(const struct mk_options *opt, struct mk_image *img, unsigned i)
{
    struct hv_pt_partition *pt = &img->pt[i];
    const struct mk_partition *p = &img->sys.part[i];
    char path[MK_MAX_PATH], name[HV_PT_FILE_MAX];
    struct stat st;

    if (opt->arch == MK_AARCH64) {
        char dts[MK_MAX_PATH];
        snprintf(name, sizeof(name), "%s.dtb", p->name);
        snprintf(path, sizeof(path), "%s/%s", opt->out_dir, name);
        snprintf(dts, sizeof(dts), "%s/%s.dts", opt->out_dir, p->name);
        if (guest_dt_write(pt, p->bootargs, dts, path) || stat(path, &st))
            return -1;
        if (img->dtb_room[i] && (uint64_t)st.st_size > img->dtb_room[i])
            return mk_error("partition '%s': the device tree (%lld bytes) does not fit below the "
                            "kernel ELF's first segment (%llu bytes from the start of RAM)",
                            p->name, (long long)st.st_size,
                            (unsigned long long)img->dtb_room[i]);
        for (unsigned l = 0; l < pt->nloads; l++)
            if (pt->loads[l].kind == HV_PT_LOAD_DTB)
                pt->loads[l].size = (uint64_t)st.st_size;
    } else {
        snprintf(name, sizeof(name), "%s.cmdline", p->name);
        snprintf(path, sizeof(path), "%s/%s", opt->out_dir, name);
        char cmdline[2 * MK_PAGE];
        uint64_t n = layout_x86_cmdline(p, pt->boot, cmdline, sizeof(cmdline));
        if (n > sizeof(cmdline) || write_bytes_file(p->name, path, cmdline, n) || stat(path, &st))
            return -1;
    }
    return add_file(img, p->name, name, path, (uint64_t)st.st_size);
}

/* bootfs.list: NAME=PATH per line, the partition table first, for scripts/mkbootfs. */
static int write_list(const struct mk_options *opt, const struct mk_image *img)
{
    char path[MK_MAX_PATH];
    snprintf(path, sizeof(path), "%s/bootfs.list", opt->out_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return mk_error("cannot write '%s': %s", path, strerror(errno));
    char out[PATH_MAX];
    if (!realpath(opt->out_dir, out))
        snprintf(out, sizeof(out), "%s", opt->out_dir);
    fprintf(f, "%s=%s/%s\n", HV_PT_FILE, out, HV_PT_FILE);
    for (unsigned i = 0; i < img->nfiles; i++)
        fprintf(f, "%s=%s\n", img->files[i].name, img->files[i].path);
    if (fclose(f))
        return mk_error("cannot write '%s': %s", path, strerror(errno));
    return 0;
}

int mkimage_run(const struct mk_options *opt)
{
    static struct mk_image img;
    static struct part_files pf[HV_PT_MAX_PARTITIONS];
    uint64_t payload;
    char path[MK_MAX_PATH];

    memset(&img, 0, sizeof(img));
    if (mkdir(opt->out_dir, 0777) && errno != EEXIST)
        return mk_error("cannot create '%s': %s", opt->out_dir, strerror(errno));
    if (load_manifest(opt, &img.sys) || gather_files(opt, &img, pf, &payload) ||
        layout_check_memory(&img.sys, opt, payload))
        return -1;
    for (unsigned i = 0; i < img.sys.count; i++) {
        char dtb[HV_PT_FILE_MAX], cmdline[HV_PT_FILE_MAX];
        snprintf(dtb, sizeof(dtb), "%s.dtb", img.sys.part[i].name);
        snprintf(cmdline, sizeof(cmdline), "%s.cmdline", img.sys.part[i].name);
        if (layout_partition(&img, i, &pf[i].kernel, pf[i].initrd_size, dtb, cmdline) ||
            write_boot_file(opt, &img, i))
            return -1;
    }
    if (measure_loads(&img))
        return -1;
    snprintf(path, sizeof(path), "%s/%s", opt->out_dir, HV_PT_FILE);
    if (table_write(&img, path))
        return -1;
    return write_list(opt, &img);
}
