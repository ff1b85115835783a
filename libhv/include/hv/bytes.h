/* Little-endian fields of untrusted byte buffers (ELF files, boot archives, loader tables,
 * device rings), and the few big-endian ones (QEMU's fw_cfg directory): assembled from bytes,
 * so they need no alignment and read the same on either host byte order. */
#pragma once

#include <stdint.h>

static inline uint16_t hv_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t hv_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t hv_le64(const uint8_t *p)
{
    return (uint64_t)hv_le32(p) | (uint64_t)hv_le32(p + 4) << 32;
}

static inline void hv_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

static inline void hv_put_le32(uint8_t *p, uint32_t v)
{
    hv_put_le16(p, (uint16_t)v), hv_put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void hv_put_le64(uint8_t *p, uint64_t v)
{
    hv_put_le32(p, (uint32_t)v), hv_put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t hv_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void hv_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static inline void hv_put_be32(uint8_t *p, uint32_t v)
{
    hv_put_be16(p, (uint16_t)(v >> 16)), hv_put_be16(p + 2, (uint16_t)v);
}
