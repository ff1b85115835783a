/* Reads a system manifest (a DTB, docs/manifest.md) into struct mk_system with the kernel's
 * fuzzed FDT reader, checking the form of every property; the meaning is checked later. */
#include <stdio.h>
#include <string.h>

#include <hv/abi/error.h>
#include <kernel/fdt.h>

#include "diag.h"
#include "mkimage.h"

#define SYSTEM_COMPATIBLE "duet,system-v1"
#define PARTITIONS_COMPATIBLE "duet,partitions"
#define PARTITION_COMPATIBLE "duet,partition"

/* fdt_walk reports properties, not nodes: a node is seen through its first property, so the
 * manifest requires a `compatible` in /partitions and in every partition node. */
struct walk {
    struct mk_system *sys;
    bool root_ok;
    bool in_partitions;                  /* the depth-1 node now open is /partitions */
    bool in_networks;                    /* ... is /networks */
    bool seen_partitions;
    const char *node;                    /* the depth-2 node now open (its name in the blob) */
    struct mk_partition *cur;
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A string property: one NUL-terminated string of at most cap - 1 bytes. */
static int get_string(const struct mk_partition *p, const char *prop, const uint8_t *v,
                      uint32_t len, char *out, size_t cap)
{
    if (len == 0 || v[len - 1] != '\0' || memchr(v, '\0', len) != v + len - 1)
        return mk_error("partition '%s': property '%s' must be one string", p->name, prop);
    if (len > cap)
        return mk_error("partition '%s': property '%s' is longer than %zu bytes", p->name, prop,
                        cap - 1);
    memcpy(out, v, len);
    return 0;
}

/* A number: one cell (32 bits) or two (64 bits, high cell first). */
static int get_number(const struct mk_partition *p, const char *prop, const uint8_t *v,
                      uint32_t len, uint64_t *out)
{
    if (len == 4)
        *out = be32(v);
    else if (len == 8)
        *out = (uint64_t)be32(v) << 32 | be32(v + 4);
    else
        return mk_error("partition '%s': property '%s' must be 1 or 2 cells", p->name, prop);
    return 0;
}

static bool stringlist_has(const uint8_t *v, uint32_t len, const char *want)
{
    size_t n = strlen(want) + 1;
    for (uint32_t off = 0; off < len;) {
        const uint8_t *end = memchr(v + off, '\0', len - off);
        if (!end)
            return false;
        if ((size_t)(end - (v + off)) + 1 == n && memcmp(v + off, want, n) == 0)
            return true;
        off = (uint32_t)(end - v) + 1;
    }
    return false;
}

/* A partition's name: the node name without a unit address; lower-case letters, digits, '-'
 * and '_' so that it is safe in file names and on the console. */
static int start_partition(struct walk *w, const char *node)
{
    struct mk_system *sys = w->sys;
    size_t n = strcspn(node, "@");

    if (sys->count == HV_PT_MAX_PARTITIONS)
        return mk_error("manifest: more than %u partitions", HV_PT_MAX_PARTITIONS);
    if (n == 0 || n >= HV_PT_NAME_MAX)
        return mk_error("partition '%s': the name must be 1 to %u characters", node,
                        HV_PT_NAME_MAX - 1);
    for (size_t i = 0; i < n; i++) {
        char c = node[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return mk_error("partition '%s': the name may hold only a-z, 0-9, '-' and '_'",
                            node);
    }
    w->cur = &sys->part[sys->count++];
    memset(w->cur, 0, sizeof(*w->cur));
    memcpy(w->cur->name, node, n);
    w->node = node;
    return 0;
}

static int partition_prop(struct mk_partition *p, const char *prop, const uint8_t *v,
                          uint32_t len)
{
    if (!strcmp(prop, "compatible")) {
        if (!stringlist_has(v, len, PARTITION_COMPATIBLE))
            return mk_error("partition '%s': compatible must be \"%s\"", p->name,
                            PARTITION_COMPATIBLE);
        p->has_compatible = true;
        return 0;
    }
    if (!strcmp(prop, "memory")) {
        p->has_memory = true;
        return get_number(p, prop, v, len, &p->memory);
    }
    if (!strcmp(prop, "memory-base")) {
        p->has_memory_base = true;
        return get_number(p, prop, v, len, &p->memory_base);
    }
    if (!strcmp(prop, "host-address"))
        return get_number(p, prop, v, len, &p->host_address) ? -1
               : p->host_address ? 0
                                 : mk_error("partition '%s': host-address 0 is not an address",
                                            p->name);
    if (!strcmp(prop, "kernel")) {
        p->has_kernel = true;
        return get_string(p, prop, v, len, p->kernel, sizeof(p->kernel));
    }
    if (!strcmp(prop, "initramfs"))
        return get_string(p, prop, v, len, p->initramfs, sizeof(p->initramfs));
    if (!strcmp(prop, "bootargs")) {
        p->has_bootargs = true;
        return get_string(p, prop, v, len, p->bootargs, sizeof(p->bootargs));
    }
    if (!strcmp(prop, "console-name"))
        return get_string(p, prop, v, len, p->console_name, sizeof(p->console_name));
    if (!strcmp(prop, "cpu-budget")) {
        if (len != 8)
            return mk_error("partition '%s': cpu-budget must be <budget period> (2 cells)",
                            p->name);
        p->budget = be32(v);
        p->period = be32(v + 4);
        p->has_budget = true;
        return 0;
    }
    if (!strcmp(prop, "priority")) {
        if (len != 4)
            return mk_error("partition '%s': priority must be 1 cell", p->name);
        p->priority = be32(v);
        p->has_priority = true;
        return 0;
    }
    int r = manifest_disk_prop(p, prop, v, len);
    if (r > 0)
        r = manifest_net_prop(p, prop, v, len);
    if (r > 0)
        r = manifest_ui_prop(p, prop, v, len);
    return r <= 0 ? r : mk_error("partition '%s': unknown property '%s'", p->name, prop);
}

static int visit(void *ctx, unsigned depth, const char *node, const char *name,
                 const uint8_t *value, uint32_t len)
{
    struct walk *w = ctx;

    if (depth == 0) {
        if (!strcmp(name, "compatible") && stringlist_has(value, len, SYSTEM_COMPATIBLE))
            w->root_ok = true;
        return 0;
    }
    if (depth == 1) {
        w->in_partitions = !strcmp(node, "partitions");
        w->in_networks = !strcmp(node, "networks");
        w->node = NULL;
        if (w->in_networks)
            return manifest_networks_prop(w->sys, name, value, len);
        if (w->in_partitions && !strcmp(name, "compatible")) {
            if (!stringlist_has(value, len, PARTITIONS_COMPATIBLE))
                return mk_error("manifest: /partitions must be compatible \"%s\"",
                                PARTITIONS_COMPATIBLE);
            w->seen_partitions = true;
        }
        return 0;
    }
    if (w->in_networks)
        return mk_error("manifest: /networks: unexpected sub-node '%s' (a network is a property "
                        "name = \"a.b.c.d/n\")",
                        node);
    if (!w->in_partitions)
        return 0;                        /* other nodes are not the builder's business */
    if (depth > 2)
        return mk_error("partition '%s': unexpected sub-node '%s'", w->cur ? w->cur->name : "?",
                        node);
    if (node != w->node) {
        int r = start_partition(w, node);
        if (r)
            return r;
    }
    return partition_prop(w->cur, name, value, len);
}

static int check_required(const struct mk_partition *p)
{
    static const char *const names[] = {"compatible", "memory", "kernel", "bootargs",
                                        "cpu-budget", "priority"};
    const bool have[] = {p->has_compatible, p->has_memory, p->has_kernel, p->has_bootargs,
                         p->has_budget, p->has_priority};
    for (size_t i = 0; i < sizeof(have) / sizeof(have[0]); i++)
        if (!have[i])
            return mk_error("partition '%s': missing required property '%s'", p->name, names[i]);
    return 0;
}

/* The checks that need one partition and nothing else. */
static int check_partition(const struct mk_partition *p)
{
    if (check_required(p))
        return -1;
    if (p->memory == 0)
        return mk_error("partition '%s': memory is 0", p->name);
    if (p->memory % 0x200000)
        return mk_error("partition '%s': memory 0x%llx is not a multiple of 2 MiB", p->name,
                        (unsigned long long)p->memory);
    if (p->budget == 0 || p->period == 0)
        return mk_error("partition '%s': cpu-budget <%u %u> has a zero budget or period",
                        p->name, p->budget, p->period);
    if (p->budget > p->period)
        return mk_error("partition '%s': cpu-budget <%u %u> gives more than the period",
                        p->name, p->budget, p->period);
    if (p->priority > HV_PT_PRIORITY_MAX)
        return mk_error("partition '%s': priority %u is above %u (its VMM runs %u higher, at "
                        "most 255)",
                        p->name, p->priority, HV_PT_PRIORITY_MAX, HV_PT_VMM_PRIO_ABOVE);
    if (manifest_ui_check(p))
        return -1;
    return manifest_disk_check(p);
}

static int check_unique(const struct mk_system *sys)
{
    for (unsigned i = 0; i < sys->count; i++)
        for (unsigned j = 0; j < i; j++) {
            if (!strcmp(sys->part[i].name, sys->part[j].name))
                return mk_error("partition '%s': the name is used twice", sys->part[i].name);
            if (!strcmp(sys->part[i].console_name, sys->part[j].console_name))
                return mk_error("partition '%s': console-name '%s' is also partition '%s''s",
                                sys->part[i].name, sys->part[i].console_name,
                                sys->part[j].name);
        }
    return 0;
}

int manifest_parse(const void *dtb, size_t size, enum mk_arch arch, struct mk_system *sys)
{
    struct fdt fdt;
    struct walk w = {.sys = sys};

    memset(sys, 0, sizeof(*sys));
    sys->arch = arch;
    if (fdt_open(&fdt, dtb, size) != HV_OK)
        return mk_error("manifest: not a valid device tree blob");
    int r = fdt_walk(&fdt, visit, &w);
    if (r == HV_EFORMAT)
        return mk_error("manifest: malformed device tree structure");
    if (r)
        return -1;
    if (!w.root_ok)
        return mk_error("manifest: the root node is not compatible \"%s\"", SYSTEM_COMPATIBLE);
    if (!w.seen_partitions)
        return mk_error("manifest: no /partitions node (with compatible \"%s\")",
                        PARTITIONS_COMPATIBLE);
    if (sys->count == 0)
        return mk_error("manifest: /partitions holds no partition");
    for (unsigned i = 0; i < sys->count; i++) {
        struct mk_partition *p = &sys->part[i];
        if (!p->console_name[0])
            memcpy(p->console_name, p->name, sizeof(p->name));
        if (check_partition(p))
            return -1;
    }
    if (check_unique(sys) || manifest_disk_check_all(sys))
        return -1;
    return manifest_net_check_all(sys);
}
