/* Writing synthetic PSF fonts (psf_build.h), from the format's description alone. */
#include "psf_build.h"
#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void glyphs(uint8_t *p, unsigned count, unsigned width, unsigned height)
{
    unsigned row = (width + 7) / 8;
    memset(p, 0, (size_t)count * height * row);
    for (unsigned g = 0; g < count; g++)
        for (unsigned y = 0; y < height; y++)
            for (unsigned x = 0; x < width; x++)
                if (psf_build_bit(g, x, y))
                    p[((size_t)g * height + y) * row + x / 8] |= (uint8_t)(0x80 >> (x % 8));
}

static unsigned utf8(uint8_t *p, uint32_t cp)
{
    if (cp < 0x80) {
        p[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = (uint8_t)(0xc0 | cp >> 6);
        p[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        p[0] = (uint8_t)(0xe0 | cp >> 12);
        p[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        p[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    p[0] = (uint8_t)(0xf0 | cp >> 18);
    p[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
    p[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
    p[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

size_t psf_build1(uint8_t *out, size_t max, unsigned count, unsigned height,
                  const struct psf_build_map *map, unsigned nmap)
{
    size_t need = 4 + (size_t)count * height + (nmap ? (size_t)count * 2 + (size_t)nmap * 2 : 0);
    if (need > max || (count != 256 && count != 512))
        return 0;
    out[0] = 0x36;
    out[1] = 0x04;
    out[2] = (uint8_t)((count == 512 ? 0x01 : 0) | (nmap ? 0x02 : 0));
    out[3] = (uint8_t)height;
    glyphs(out + 4, count, 8, height);
    size_t at = 4 + (size_t)count * height;
    if (nmap)
        for (unsigned g = 0; g < count; g++) {
            for (unsigned i = 0; i < nmap; i++)
                if (map[i].glyph == g) {
                    out[at++] = (uint8_t)map[i].cp;
                    out[at++] = (uint8_t)(map[i].cp >> 8);
                }
            out[at++] = 0xff;
            out[at++] = 0xff;
        }
    return at;
}

size_t psf_build2(uint8_t *out, size_t max, unsigned count, unsigned width, unsigned height,
                  const struct psf_build_map *map, unsigned nmap)
{
    unsigned row = (width + 7) / 8;
    size_t need = 32 + (size_t)count * height * row + (nmap ? count + (size_t)nmap * 4 : 0);
    if (need > max)
        return 0;
    put32(out, 0x864ab572u);
    put32(out + 4, 0);
    put32(out + 8, 32);
    put32(out + 12, nmap ? 1 : 0);
    put32(out + 16, count);
    put32(out + 20, height * row);
    put32(out + 24, height);
    put32(out + 28, width);
    glyphs(out + 32, count, width, height);
    size_t at = 32 + (size_t)count * height * row;
    if (nmap)
        for (unsigned g = 0; g < count; g++) {
            for (unsigned i = 0; i < nmap; i++)
                if (map[i].glyph == g)
                    at += utf8(out + at, map[i].cp);
            out[at++] = 0xff;
        }
    return at;
}
