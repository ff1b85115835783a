/* A bounds-checked reader for flattened device trees: a lying or truncated blob is an error. */
#include <kernel/fdt.h>
#include <hv/abi/error.h>

/* Devicetree Specification v0.4, chapter 5: structure block tokens. */
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_HEADER_SIZE 40u
#define FDT_LAST_COMP_VERSION 16u

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool range_ok(uint32_t off, uint32_t len, uint32_t limit)
{
    return off <= limit && len <= limit - off;
}

int fdt_open(struct fdt *fdt, const void *blob, size_t max_size)
{
    const uint8_t *b = blob;

    if (!blob || max_size < FDT_HEADER_SIZE || be32(b) != FDT_MAGIC)
        return HV_EFORMAT;
    uint32_t total = be32(b + 4);
    if (total < FDT_HEADER_SIZE || total > max_size)
        return HV_EFORMAT;
    if (be32(b + 24) < FDT_LAST_COMP_VERSION && be32(b + 20) < FDT_LAST_COMP_VERSION)
        return HV_EFORMAT;
    fdt->blob = b;
    fdt->size = total;
    fdt->struct_off = be32(b + 8);
    fdt->strings_off = be32(b + 12);
    fdt->strings_size = be32(b + 32);
    fdt->struct_size = be32(b + 36);
    if (!range_ok(fdt->struct_off, fdt->struct_size, total) ||
        !range_ok(fdt->strings_off, fdt->strings_size, total) || fdt->struct_off % 4)
        return HV_EFORMAT;
    return HV_OK;
}

/* Length of a NUL-terminated string that must end before `limit`; -1 if it does not. */
static int64_t bounded_strlen(const uint8_t *s, uint32_t limit)
{
    for (uint32_t i = 0; i < limit; i++)
        if (s[i] == '\0')
            return i;
    return -1;
}

int fdt_walk(const struct fdt *fdt, fdt_prop_fn visit, void *ctx)
{
    const uint8_t *base = fdt->blob + fdt->struct_off;
    uint32_t size = fdt->struct_size, off = 0;
    const char *names[FDT_MAX_DEPTH];
    unsigned depth = 0;

    while (off + 4 <= size) {
        uint32_t token = be32(base + off);
        off += 4;
        switch (token) {
        case FDT_BEGIN_NODE: {
            int64_t len = bounded_strlen(base + off, size - off);
            if (len < 0 || depth == FDT_MAX_DEPTH)
                return HV_EFORMAT;
            names[depth++] = (const char *)base + off;
            off += ALIGN_UP((uint32_t)len + 1, 4);
            break;
        }
        case FDT_END_NODE:
            if (depth == 0)
                return HV_EFORMAT;
            depth--;
            break;
        case FDT_PROP: {
            if (depth == 0 || size - off < 8)
                return HV_EFORMAT;
            uint32_t len = be32(base + off), nameoff = be32(base + off + 4);
            off += 8;
            if (len > size - off || nameoff >= fdt->strings_size)
                return HV_EFORMAT;
            const uint8_t *strings = fdt->blob + fdt->strings_off;
            if (bounded_strlen(strings + nameoff, fdt->strings_size - nameoff) < 0)
                return HV_EFORMAT;
            int r = visit(ctx, depth - 1, names[depth - 1], (const char *)strings + nameoff,
                          base + off, len);
            if (r)
                return r;
            off += ALIGN_UP(len, 4);
            break;
        }
        case FDT_NOP:
            break;
        case FDT_END:
            return depth == 0 ? HV_OK : HV_EFORMAT;
        default:
            return HV_EFORMAT;
        }
    }
    return HV_EFORMAT; /* ran off the block without FDT_END */
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static bool str_prefix(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return false;
    return true;
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++)
        v = v << 32 | be32(p + 4 * i);
    return v;
}

struct memory_walk {
    struct boot_info *bi;
    uint32_t address_cells, size_cells;
    int error;
};

static int visit_memory(void *ctx, unsigned depth, const char *node, const char *name,
                        const uint8_t *value, uint32_t len)
{
    struct memory_walk *w = ctx;

    /* The root's cell sizes come before its children in a DTB, as dtc writes them. */
    if (depth == 0 && len == 4 && str_eq(name, "#address-cells"))
        w->address_cells = be32(value);
    else if (depth == 0 && len == 4 && str_eq(name, "#size-cells"))
        w->size_cells = be32(value);
    if (depth != 1 || !str_eq(name, "reg") ||
        !(str_eq(node, "memory") || str_prefix(node, "memory@")))
        return 0;
    uint32_t ac = w->address_cells, sc = w->size_cells;
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len % (4 * (ac + sc)))
        return HV_EFORMAT;
    for (uint32_t off = 0; off < len; off += 4 * (ac + sc)) {
        uint64_t base = read_cells(value + off, ac), size = read_cells(value + off + 4 * ac, sc);
        if (size == 0)
            continue;
        if (base + size < base)
            return HV_EFORMAT;
        if (!boot_info_add_ram(w->bi, pa_init(base), size))
            return HV_ETRUNC;
    }
    return 0;
}

int fdt_read_memory(const struct fdt *fdt, struct boot_info *bi)
{
    /* Devicetree spec 2.3.5: without the properties, 2 address cells and 1 size cell. */
    struct memory_walk w = {bi, 2, 1, 0};
    int r = fdt_walk(fdt, visit_memory, &w);
    if (r)
        return r;
    return bi->nram ? HV_OK : HV_ENOENT;
}

static int visit_bootargs(void *ctx, unsigned depth, const char *node, const char *name,
                          const uint8_t *value, uint32_t len)
{
    struct boot_info *bi = ctx;

    if (depth != 1 || !str_eq(node, "chosen") || !str_eq(name, "bootargs"))
        return 0;
    if (len == 0 || value[len - 1] != '\0')
        return HV_EFORMAT;
    if (len > sizeof(bi->cmdline))
        return HV_ETRUNC;
    for (uint32_t i = 0; i < len; i++)
        bi->cmdline[i] = (char)value[i];
    return 0;
}

int fdt_read_bootargs(const struct fdt *fdt, struct boot_info *bi)
{
    bi->cmdline[0] = '\0';
    return fdt_walk(fdt, visit_bootargs, bi);
}
