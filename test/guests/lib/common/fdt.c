/* A device-tree reader for test guests: finds one property by path, walking the structure block
 * with every offset checked against the header's sizes (devicetree specification v0.4, 5). */
#include <guest/fdt.h>
#include <hv/string.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define MAX_DEPTH 16

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_cells(const void *value, unsigned cells)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < cells; i++)
        v = v << 32 | be32((const uint8_t *)value + 4 * i);
    return v;
}

bool fdt_valid(const void *blob, size_t limit)
{
    if (!blob || limit < 40 || be32(blob) != FDT_MAGIC)
        return false;
    uint32_t total = be32((const uint8_t *)blob + 4);
    uint32_t off_struct = be32((const uint8_t *)blob + 8);
    uint32_t off_strings = be32((const uint8_t *)blob + 12);
    uint32_t version = be32((const uint8_t *)blob + 20);
    uint32_t size_strings = be32((const uint8_t *)blob + 32);
    uint32_t size_struct = be32((const uint8_t *)blob + 36);
    return version >= 16 && total <= limit && off_struct < total &&
           size_struct <= total - off_struct && off_strings < total &&
           size_strings <= total - off_strings;
}

/* Whether a node name matches a path component: equal, or equal up to its unit address. */
static bool name_matches(const char *node, size_t node_len, const char *want, size_t want_len)
{
    if (node_len == want_len)
        return memcmp(node, want, want_len) == 0;
    return node_len > want_len && node[want_len] == '@' && memcmp(node, want, want_len) == 0;
}

/* Whether s has a NUL within its first max bytes. */
static bool terminated(const char *s, size_t max)
{
    for (size_t i = 0; i < max; i++)
        if (s[i] == '\0')
            return true;
    return false;
}

/* The length of the path component starting at p (up to '/' or the end). */
static size_t component_len(const char *p)
{
    size_t n = 0;
    while (p[n] && p[n] != '/')
        n++;
    return n;
}

const void *fdt_prop(const void *blob, const char *path, const char *name, uint32_t *len)
{
    const uint8_t *b = blob;
    uint32_t off = be32(b + 8), end = off + be32(b + 36);
    uint32_t strings = be32(b + 12), strings_size = be32(b + 32);
    /* matched[d]: the nodes at depths 0..d all lie on the path; path_at[d]: what is left of it. */
    const char *path_at[MAX_DEPTH + 1];
    bool matched[MAX_DEPTH + 1];
    int depth = -1;

    while (off + 4 <= end) {
        uint32_t token = be32(b + off);
        off += 4;
        if (token == FDT_BEGIN_NODE) {
            const char *node = (const char *)b + off;
            size_t n = 0;
            while (off + n < end && node[n])
                n++;
            if (off + n >= end || depth + 1 > MAX_DEPTH)
                return NULL;
            off += (uint32_t)((n + 4) & ~3u);
            depth++;
            if (depth == 0) { /* the root: the path starts after its '/' */
                matched[0] = true;
                path_at[0] = path[0] == '/' ? path + 1 : path;
                continue;
            }
            const char *want = path_at[depth - 1];
            size_t want_len = component_len(want);
            matched[depth] =
                matched[depth - 1] && want_len && name_matches(node, n, want, want_len);
            path_at[depth] = want + want_len + (want[want_len] == '/');
        } else if (token == FDT_END_NODE) {
            if (depth < 0)
                return NULL;
            depth--;
        } else if (token == FDT_PROP) {
            if (off + 8 > end)
                return NULL;
            uint32_t plen = be32(b + off), nameoff = be32(b + off + 4);
            off += 8;
            if (plen > end - off || nameoff >= strings_size)
                return NULL;
            const char *pname = (const char *)b + strings + nameoff;
            if (depth >= 0 && matched[depth] && *path_at[depth] == '\0' &&
                terminated(pname, strings_size - nameoff) && strcmp(pname, name) == 0) {
                if (len)
                    *len = plen;
                return b + off;
            }
            off += (plen + 3) & ~3u;
        } else if (token == FDT_NOP) {
            continue;
        } else {
            return NULL; /* FDT_END or garbage */
        }
    }
    return NULL;
}
