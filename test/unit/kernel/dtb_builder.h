/* Builds flattened device trees in memory for tests, including deliberately broken ones. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct dtb_builder {
    uint8_t structs[4096];
    uint32_t struct_len;
    char strings[1024];
    uint32_t strings_len;
};

void dtb_init(struct dtb_builder *b);
void dtb_begin_node(struct dtb_builder *b, const char *name);
void dtb_end_node(struct dtb_builder *b);
void dtb_prop(struct dtb_builder *b, const char *name, const void *value, uint32_t len);
void dtb_prop_u32(struct dtb_builder *b, const char *name, uint32_t v);
void dtb_prop_cells(struct dtb_builder *b, const char *name, unsigned n, const uint32_t *cells);
void dtb_token(struct dtb_builder *b, uint32_t token);
/* Writes header, empty reservation map, structure block (ended with FDT_END) and strings.
 * Returns the blob's size. Offsets in the header: struct at 56, strings after it. */
size_t dtb_finish(struct dtb_builder *b, uint8_t *out, size_t cap);

void put_be32(uint8_t *p, uint32_t v);
