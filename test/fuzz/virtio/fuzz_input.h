/* Reading a fuzzer's input as a stream of small integers; past the end everything reads as zero. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_input {
    const uint8_t *data;
    size_t size;
    size_t pos;
};

static inline uint8_t in_u8(struct fuzz_input *in)
{
    return in->pos < in->size ? in->data[in->pos++] : 0;
}

static inline uint16_t in_u16(struct fuzz_input *in)
{
    return (uint16_t)(in_u8(in) | in_u8(in) << 8);
}

static inline uint32_t in_u32(struct fuzz_input *in)
{
    return in_u16(in) | (uint32_t)in_u16(in) << 16;
}

static inline uint64_t in_u64(struct fuzz_input *in)
{
    return in_u32(in) | (uint64_t)in_u32(in) << 32;
}

static inline int in_done(const struct fuzz_input *in)
{
    return in->pos >= in->size;
}

/* Copies up to n input bytes to dst, zero-filling the rest. */
static inline void in_bytes(struct fuzz_input *in, void *dst, size_t n)
{
    size_t avail = in->size - in->pos;
    size_t take = n < avail ? n : avail;
    memcpy(dst, in->data + in->pos, take);
    memset((uint8_t *)dst + take, 0, n - take);
    in->pos += take;
}
