/* Reading a flattened device tree (the DTB an AArch64 loader passes in x0): properties by path,
 * every offset and length checked against the blob's header. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Checks the header (magic, version >= 16, sizes within limit); false if it is not a DTB. */
bool fdt_valid(const void *blob, size_t limit);

/* The value of property `name` of the node at `path` ("/psci", "/chosen"; a component without a
 * unit address matches "memory@40000000" too). NULL when absent; *len gets its length. */
const void *fdt_prop(const void *blob, const char *path, const char *name, uint32_t *len);

/* A big-endian cell of a property value. */
uint64_t fdt_cells(const void *value, unsigned cells);
