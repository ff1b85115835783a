/* libFuzzer target: the PSF reader on any bytes (a copy of exactly their size, so ASan sees a
 * read past the end), and, for every font it accepts, the strip drawn on a framebuffer whose
 * shape the input chooses. Oracles: what the reader hands out lies inside the blob, and the
 * renderer writes nothing but the strip's pixels, each ink exactly where a glyph's bit is. */
#include "fuzz_input.h"
#include "fuzz_invariant.h"
#include "psf.h"
#include "strip.h"
#include <stdlib.h>
#include <string.h>

/* Bytes of the input that shape the framebuffer and the name; the rest is the font. */
#define PARAM_BYTES 16
#define SENTINEL 0x5a

static void check_font(const struct psf_font *f, const uint8_t *blob, size_t size)
{
    INVARIANT(f->version == 1 || f->version == 2);
    INVARIANT(f->width >= 1 && f->width <= PSF_MAX_WIDTH);
    INVARIANT(f->height >= 1 && f->height <= PSF_MAX_HEIGHT);
    INVARIANT(f->count >= 1 && f->count <= PSF_MAX_GLYPHS);
    INVARIANT(f->row_bytes == (f->width + 7) / 8 && f->glyph_bytes == f->height * f->row_bytes);
    INVARIANT(f->glyphs >= blob);
    INVARIANT((size_t)(f->glyphs - blob) + (size_t)f->count * f->glyph_bytes <= size);
    for (unsigned cp = 0; cp < PSF_MAP_SIZE; cp++)
        INVARIANT(f->map[cp] == PSF_NO_GLYPH || f->map[cp] < f->count);
    for (uint32_t cp = 0; cp < 0x200; cp++) {
        const uint8_t *g = psf_glyph(f, cp);
        INVARIANT(g >= f->glyphs && (size_t)(g - f->glyphs) % f->glyph_bytes == 0 &&
                  (size_t)(g - f->glyphs) / f->glyph_bytes < f->count);
    }
}

/* Whether the strip's pixel (x, y) must be ink: inside the box of the name's i-th character
 * (from STRIP_MARGIN, centred in the rows shown), where that character's glyph has its bit. */
static bool want_ink(const struct psf_font *font, const char *name, unsigned len, uint32_t shown,
                     uint32_t x, uint32_t y)
{
    uint32_t y0 = shown > font->height ? (shown - font->height) / 2 : 0;
    if (x < STRIP_MARGIN || y < y0 || y >= y0 + font->height)
        return false;
    uint32_t i = (x - STRIP_MARGIN) / font->width;
    for (uint32_t j = 0; j <= i; j++)
        if (j >= len || name[j] == '\0')
            return false;
    return psf_pixel(font, psf_glyph(font, (uint8_t)name[i]), (x - STRIP_MARGIN) % font->width,
                     y - y0);
}

static void draw(const struct psf_font *font, struct fuzz_input *p)
{
    enum fb_format format = (in_u8(p) & 1) ? FB_RGB565 : FB_XRGB8888;
    unsigned bpp = fb_bytes_per_pixel(format);
    uint32_t width = 1 + in_u16(p) % 320, height = 1 + in_u8(p) % 48;
    uint32_t stride = width * bpp + in_u8(p) % 9;
    uint32_t rows = in_u8(p) % 64; /* 0 too: refused */
    uint32_t rgb = in_u32(p) & 0xffffff;
    char name[5];
    in_bytes(p, name, sizeof(name));
    size_t size = (size_t)(height - 1) * stride + (size_t)width * bpp;
    uint8_t *mem = malloc(size); /* exactly the framebuffer: ASan guards both ends */
    memset(mem, SENTINEL, size);
    struct framebuffer fb = {mem, size, width, height, stride, format};
    enum strip_error e = strip_draw(&fb, rows, font, name, sizeof(name), rgb);
    INVARIANT(e == (rows == 0 ? STRIP_EROWS : STRIP_OK));
    uint32_t shown = rows < height ? rows : height;
    uint32_t paper = fb_pixel(format, rgb), ink = fb_pixel(format, strip_text_colour(rgb));
    for (size_t off = 0; off < size; off++) {
        uint32_t y = (uint32_t)(off / stride), col = (uint32_t)(off % stride);
        bool strip_pixel = e == STRIP_OK && y < shown && col < width * bpp;
        if (!strip_pixel) {
            INVARIANT(mem[off] == SENTINEL);
        } else if (col % bpp == 0) {
            uint32_t px = 0;
            for (unsigned i = 0; i < bpp; i++)
                px |= (uint32_t)mem[off + i] << (8 * i);
            bool ink_here = want_ink(font, name, sizeof(name), shown, col / bpp, y);
            INVARIANT(px == (ink_here ? ink : paper) || paper == ink);
        }
    }
    free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < PARAM_BYTES)
        return 0;
    struct fuzz_input params = {data, PARAM_BYTES, 0};
    size_t font_size = size - PARAM_BYTES;
    uint8_t *blob = malloc(font_size ? font_size : 1);
    memcpy(blob, data + PARAM_BYTES, font_size);
    struct psf_font font;
    enum psf_error e = psf_open(&font, blob, font_size);
    INVARIANT(e >= PSF_OK && e <= PSF_ETABLE);
    INVARIANT(psf_strerror(e)[0] != '\0');
    if (e == PSF_OK) {
        check_font(&font, blob, font_size);
        draw(&font, &params);
    }
    free(blob);
    return 0;
}
