/* Choosing the strip's rows so that the strip is whole pages (screen_layout.h). */
#include "screen_layout.h"

enum screen_layout_error screen_layout(uint32_t width, uint32_t height, uint32_t stride,
                                       enum fb_format format, uint32_t min_rows,
                                       struct screen_layout *out)
{
    unsigned bpp = fb_bytes_per_pixel(format);
    if (bpp == 0 || width == 0 || height == 0 || min_rows == 0 || stride < (uint64_t)width * bpp)
        return SCREEN_LAYOUT_EGEOMETRY;
    /* rows * stride is a page multiple every SCREEN_PAGE_SIZE / gcd(stride, page) rows. */
    uint32_t g = stride & -stride; /* the largest power of two dividing stride */
    uint32_t period = g >= SCREEN_PAGE_SIZE ? 1 : SCREEN_PAGE_SIZE / g;
    uint64_t rows = ((uint64_t)min_rows + period - 1) / period * period;
    if (rows > height / 2)
        return SCREEN_LAYOUT_ENOFIT;
    uint64_t bytes = (uint64_t)height * stride;
    *out = (struct screen_layout){
        .strip_rows = (uint32_t)rows,
        .guest_offset = rows * stride,
        .guest_height = height - (uint32_t)rows,
        .buffer_bytes = (bytes + SCREEN_PAGE_SIZE - 1) / SCREEN_PAGE_SIZE * SCREEN_PAGE_SIZE,
    };
    return SCREEN_LAYOUT_OK;
}
