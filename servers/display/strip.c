/* Drawing the strip: a background of the partition's colour and its name from the console
 * font, clipped to the strip's rows and the screen's width. */
#include "strip.h"

uint32_t strip_text_colour(uint32_t rgb)
{
    uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
    /* ITU-R BT.601 luma, scaled by 1000. */
    return 299 * r + 587 * g + 114 * b >= 128000 ? 0x000000 : 0xffffff;
}

/* Positions are 64-bit so that x0 + x can't wrap past a 4-billion-pixel-wide screen. */
static void draw_glyph(const struct framebuffer *fb, uint32_t rows, const struct psf_font *font,
                       const uint8_t *glyph, uint64_t x0, uint64_t y0, uint32_t ink)
{
    for (uint32_t y = 0; y < font->height && y0 + y < rows; y++)
        for (uint32_t x = 0; x < font->width && x0 + x < fb->width; x++)
            if (psf_pixel(font, glyph, x, y))
                fb_store(fb, (uint32_t)(x0 + x), (uint32_t)(y0 + y), ink);
}

enum strip_error strip_draw(const struct framebuffer *fb, uint32_t rows,
                            const struct psf_font *font, const char *name, unsigned name_len,
                            uint32_t rgb)
{
    if (!fb_valid(fb))
        return STRIP_EFRAMEBUFFER;
    if (rows == 0)
        return STRIP_EROWS;
    if (rows > fb->height)
        rows = fb->height;
    uint32_t paper = fb_pixel(fb->format, rgb);
    uint32_t ink = fb_pixel(fb->format, strip_text_colour(rgb));
    for (uint32_t y = 0; y < rows; y++)
        for (uint32_t x = 0; x < fb->width; x++)
            fb_store(fb, x, y, paper);
    uint32_t y0 = rows > font->height ? (rows - font->height) / 2 : 0;
    uint64_t x0 = STRIP_MARGIN;
    for (unsigned i = 0; i < name_len && name[i] != '\0' && x0 < fb->width; i++) {
        draw_glyph(fb, rows, font, psf_glyph(font, (uint8_t)name[i]), x0, y0, ink);
        x0 += font->width;
    }
    return STRIP_OK;
}
