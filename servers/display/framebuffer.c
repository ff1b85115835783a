/* Framebuffer geometry checks and pixel stores, byte by byte in little-endian order so that
 * the same code is right on both arches and for any alignment of base and stride. */
#include "framebuffer.h"

unsigned fb_bytes_per_pixel(enum fb_format format)
{
    switch (format) {
    case FB_XRGB8888:
        return 4;
    case FB_RGB565:
        return 2;
    }
    return 0;
}

bool fb_valid(const struct framebuffer *fb)
{
    unsigned bpp = fb_bytes_per_pixel(fb->format);
    if (bpp == 0 || fb->base == NULL || fb->width == 0 || fb->height == 0)
        return false;
    uint64_t row = (uint64_t)fb->width * bpp; /* < 2^34: no overflow below */
    if (fb->stride < row)
        return false;
    uint64_t last_end = (uint64_t)(fb->height - 1) * fb->stride + row;
    return last_end <= fb->size;
}

uint32_t fb_pixel(enum fb_format format, uint32_t rgb)
{
    uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
    if (format == FB_RGB565)
        return (r >> 3) << 11 | (g >> 2) << 5 | b >> 3;
    return rgb & 0xffffff;
}

void fb_store(const struct framebuffer *fb, uint32_t x, uint32_t y, uint32_t pixel)
{
    unsigned bpp = fb_bytes_per_pixel(fb->format);
    uint8_t *p = fb->base + (size_t)y * fb->stride + (size_t)x * bpp;
    for (unsigned i = 0; i < bpp; i++)
        p[i] = (uint8_t)(pixel >> (8 * i));
}
