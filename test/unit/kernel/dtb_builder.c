/* Builds flattened device trees in memory for tests. */
#include "dtb_builder.h"
#include <check.h>
#include <string.h>

void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void dtb_init(struct dtb_builder *b)
{
    memset(b, 0, sizeof(*b));
}

void dtb_token(struct dtb_builder *b, uint32_t token)
{
    ck_assert_uint_le(b->struct_len + 4, sizeof(b->structs));
    put_be32(b->structs + b->struct_len, token);
    b->struct_len += 4;
}

static void put_padded(struct dtb_builder *b, const void *data, uint32_t len)
{
    uint32_t padded = (len + 3) & ~3u;
    ck_assert_uint_le(b->struct_len + padded, sizeof(b->structs));
    memcpy(b->structs + b->struct_len, data, len);
    memset(b->structs + b->struct_len + len, 0, padded - len);
    b->struct_len += padded;
}

void dtb_begin_node(struct dtb_builder *b, const char *name)
{
    dtb_token(b, 1);
    put_padded(b, name, (uint32_t)strlen(name) + 1);
}

void dtb_end_node(struct dtb_builder *b)
{
    dtb_token(b, 2);
}

static uint32_t string_offset(struct dtb_builder *b, const char *name)
{
    for (uint32_t off = 0; off < b->strings_len; off += (uint32_t)strlen(b->strings + off) + 1)
        if (strcmp(b->strings + off, name) == 0)
            return off;
    uint32_t off = b->strings_len, len = (uint32_t)strlen(name) + 1;
    ck_assert_uint_le(off + len, sizeof(b->strings));
    memcpy(b->strings + off, name, len);
    b->strings_len += len;
    return off;
}

void dtb_prop(struct dtb_builder *b, const char *name, const void *value, uint32_t len)
{
    uint8_t hdr[8];
    dtb_token(b, 3);
    put_be32(hdr, len);
    put_be32(hdr + 4, string_offset(b, name));
    put_padded(b, hdr, 8);
    put_padded(b, value, len);
}

void dtb_prop_cells(struct dtb_builder *b, const char *name, unsigned n, const uint32_t *cells)
{
    uint8_t buf[256];
    ck_assert_uint_le(n * 4, sizeof(buf));
    for (unsigned i = 0; i < n; i++)
        put_be32(buf + 4 * i, cells[i]);
    dtb_prop(b, name, buf, n * 4);
}

void dtb_prop_u32(struct dtb_builder *b, const char *name, uint32_t v)
{
    dtb_prop_cells(b, name, 1, &v);
}

size_t dtb_finish(struct dtb_builder *b, uint8_t *out, size_t cap)
{
    const uint32_t header = 40, rsvmap = 16;
    uint32_t struct_off = header + rsvmap, struct_len = b->struct_len + 4;
    uint32_t strings_off = struct_off + struct_len;
    uint32_t total = strings_off + b->strings_len;

    ck_assert_uint_le(total, cap);
    memset(out, 0, total);
    put_be32(out, 0xd00dfeed);
    put_be32(out + 4, total);
    put_be32(out + 8, struct_off);
    put_be32(out + 12, strings_off);
    put_be32(out + 16, header);
    put_be32(out + 20, 17);
    put_be32(out + 24, 16);
    put_be32(out + 28, 0);
    put_be32(out + 32, b->strings_len);
    put_be32(out + 36, struct_len);
    memcpy(out + struct_off, b->structs, b->struct_len);
    put_be32(out + struct_off + b->struct_len, 9);
    memcpy(out + strings_off, b->strings, b->strings_len);
    return total;
}
