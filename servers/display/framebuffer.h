/* A linear framebuffer as the display server is given it (ramfb's XRGB8888, or RGB565): its
 * geometry, checked once, and how a colour becomes a pixel. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fb_format {
    FB_XRGB8888, /* 32 bits, little-endian 0x00RRGGBB: DRM's XR24, what ramfb scans out */
    FB_RGB565,   /* 16 bits, little-endian RRRRRGGG GGGBBBBB */
};

struct framebuffer {
    uint8_t *base;
    size_t size; /* bytes from base the server may touch at all */
    uint32_t width, height;
    uint32_t stride; /* bytes from one row to the next */
    enum fb_format format;
};

/* Bytes per pixel of a format (0 for an unknown one). */
unsigned fb_bytes_per_pixel(enum fb_format format);

/* Whether the description is usable: a known format, width and height not 0, a stride that
 * holds a row, and every pixel inside size (with no arithmetic overflow). */
bool fb_valid(const struct framebuffer *fb);

/* The pixel value of colour 0xRRGGBB in the format. */
uint32_t fb_pixel(enum fb_format format, uint32_t rgb);

/* Stores a pixel; (x, y) must be inside a valid framebuffer. */
void fb_store(const struct framebuffer *fb, uint32_t x, uint32_t y, uint32_t pixel);
