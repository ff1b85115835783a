/* mkimage's command line: the options, and the platform's RAM from its QEMU arguments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "mkimage.h"

#define DEFAULT_RESERVE_MIB 64ull

static int parse_size_mib(const char *flag, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || v == 0 || v > (1ull << 24))
        return mk_error("%s '%s' is not a size in MiB", flag, s);
    *out = v << 20;
    return 0;
}

/* The platform's RAM from its QEMU command line (platform/<board>/qemu.args, one argument a
 * line): the value after "-m", in MiB as QEMU reads a bare number. */
static int ram_from_qemu_args(const char *path, uint64_t *out)
{
    FILE *f = fopen(path, "r");
    char line[256];
    bool next = false;
    if (!f)
        return mk_error("--qemu-args: cannot read '%s': %s", path, strerror(errno));
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || !line[0])
            continue;
        if (next) {
            fclose(f);
            return parse_size_mib("the -m of --qemu-args", line, out);
        }
        next = !strcmp(line, "-m");
    }
    fclose(f);
    return mk_error("--qemu-args: '%s' has no -m", path);
}

static const char usage[] =
    "usage: mkimage --arch aarch64|x86_64 --manifest SYSTEM.dts|.dtb --out DIR\n"
    "               (--ram-mib N | --qemu-args platform/<board>/qemu.args)\n"
    "               [--search DIR]... [--reserve-mib N]";

int mkimage_parse_args(int argc, char **argv, struct mk_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->reserve = DEFAULT_RESERVE_MIB << 20;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return mk_error("'%s' needs a value\n%s", a, usage);
        i++;
        if (!strcmp(a, "--arch")) {
            if (!strcmp(v, "aarch64") || !strcmp(v, "arm64"))
                opt->arch = MK_AARCH64;
            else if (!strcmp(v, "x86_64") || !strcmp(v, "amd64"))
                opt->arch = MK_X86_64;
            else
                return mk_error("unknown arch '%s': aarch64 or x86_64", v);
        } else if (!strcmp(a, "--manifest")) {
            opt->manifest = v;
        } else if (!strcmp(a, "--out")) {
            opt->out_dir = v;
        } else if (!strcmp(a, "--search")) {
            if (opt->nsearch == MK_MAX_SEARCH)
                return mk_error("more than %d --search directories", MK_MAX_SEARCH);
            opt->search[opt->nsearch++] = v;
        } else if (!strcmp(a, "--ram-mib")) {
            if (parse_size_mib(a, v, &opt->platform_ram))
                return -1;
        } else if (!strcmp(a, "--qemu-args")) {
            if (ram_from_qemu_args(v, &opt->platform_ram))
                return -1;
        } else if (!strcmp(a, "--reserve-mib")) {
            if (parse_size_mib(a, v, &opt->reserve))
                return -1;
        } else {
            return mk_error("unknown option '%s'\n%s", a, usage);
        }
    }
    if (!opt->arch || !opt->manifest || !opt->out_dir || !opt->platform_ram)
        return mk_error("--arch, --manifest, --out and the platform RAM are required\n%s",
                        usage);
    return 0;
}
