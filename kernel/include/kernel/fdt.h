/* A bounds-checked reader for flattened device trees (DTB) handed over by a loader. */
#pragma once

#include <kernel/types.h>
#include <kernel/boot_info.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_MAX_DEPTH 32

/* A validated device tree: every offset below lies inside the blob. */
struct fdt {
    const uint8_t *blob;
    uint32_t size;
    uint32_t struct_off, struct_size;
    uint32_t strings_off, strings_size;
};

/* Checks the header of the blob at `blob`, which may be read up to `max_size` bytes.
 * HV_EFORMAT when the magic, version or any offset/size is wrong. */
int fdt_open(struct fdt *fdt, const void *blob, size_t max_size);

/* Visitor for fdt_walk: a property `name` of the node `node` (at `depth`, root = 0). */
typedef int (*fdt_prop_fn)(void *ctx, unsigned depth, const char *node, const char *name,
                           const uint8_t *value, uint32_t len);

/* Walks every property of every node. Returns HV_OK, HV_EFORMAT on a malformed structure
 * block, or the first non-zero value the visitor returned. */
int fdt_walk(const struct fdt *fdt, fdt_prop_fn visit, void *ctx);

/* Adds the `reg` ranges of every top-level memory node to bi. */
int fdt_read_memory(const struct fdt *fdt, struct boot_info *bi);

/* Copies /chosen/bootargs into bi->cmdline (empty if absent). */
int fdt_read_bootargs(const struct fdt *fdt, struct boot_info *bi);
