/* Synthetic PSF1 and PSF2 fonts for the display tests and fuzz seeds: every glyph a known bit
 * pattern (psf_build_bits), with or without a Unicode table, so a test can say which pixels a
 * glyph must set without reading a font with the code under test. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Pixel (x, y) of glyph g in every synthetic font: a pattern that differs between glyphs,
 * rows and columns, and leaves some pixels clear. */
static inline bool psf_build_bit(unsigned g, unsigned x, unsigned y)
{
    return ((g * 7 + x * 3 + y * 5) % 11) < 4 || (x == 0 && y == (g % 5));
}

/* A table entry: glyph `glyph` stands for code point `cp`. */
struct psf_build_map {
    unsigned glyph;
    uint32_t cp;
};

/* Writes a PSF1 font (width 8) of 256 or 512 glyphs of the given height into out (max bytes);
 * with nmap > 0 a Unicode table maps the entries given (others get an empty entry). Returns
 * the size written, 0 if it does not fit. */
size_t psf_build1(uint8_t *out, size_t max, unsigned count, unsigned height,
                  const struct psf_build_map *map, unsigned nmap);

/* The same as PSF2, of any width and count, with a UTF-8 table. */
size_t psf_build2(uint8_t *out, size_t max, unsigned count, unsigned width, unsigned height,
                  const struct psf_build_map *map, unsigned nmap);
