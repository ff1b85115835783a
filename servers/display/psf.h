/* The reader of PC Screen Font files, PSF1 and PSF2 (the console fonts Debian ships in
 * console-setup's /usr/share/consolefonts): every header field and the Unicode table checked
 * against the blob's size before a glyph is handed out. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits the reader puts on a font: the strip needs nothing bigger, and they bound the work. */
#define PSF_MAX_WIDTH 64u
#define PSF_MAX_HEIGHT 64u
#define PSF_MAX_GLYPHS 4096u
/* Code points the reader maps to glyphs: Latin-1 (partition names are ASCII). */
#define PSF_MAP_SIZE 256u
#define PSF_NO_GLYPH 0xffffu

enum psf_error {
    PSF_OK,
    PSF_ETRUNCATED, /* the blob ends inside the header, the glyphs or the Unicode table */
    PSF_EMAGIC,     /* neither PSF1's nor PSF2's magic */
    PSF_EHEADER,    /* an unknown version, flag or mode bit; a header size too small */
    PSF_ESIZE,      /* a glyph width or height of 0 or above the limits, or a glyph size that
                     * does not match them */
    PSF_ECOUNT,     /* no glyphs, or more than PSF_MAX_GLYPHS */
    PSF_ETABLE,     /* a Unicode table entry that is not well formed (PSF2: bad UTF-8) */
};

struct psf_font {
    const uint8_t *glyphs; /* glyph i is glyph_bytes at glyphs + i * glyph_bytes, in the blob */
    uint32_t count, width, height;
    uint32_t row_bytes;         /* (width + 7) / 8: each row's pixels, most significant bit left */
    uint32_t glyph_bytes;       /* height * row_bytes */
    unsigned version;           /* 1 or 2 */
    bool has_table;             /* the font maps code points through its Unicode table */
    uint16_t map[PSF_MAP_SIZE]; /* code point -> glyph index, or PSF_NO_GLYPH */
};

/* Reads the font in data[0..size) (decompressed); on PSF_OK *f describes it and points into
 * data, which must outlive it. On an error *f is unusable. */
enum psf_error psf_open(struct psf_font *f, const uint8_t *data, size_t size);

/* A line saying what the error means, for the server's log and the build's messages. */
const char *psf_strerror(enum psf_error e);

/* The glyph for code point cp: its own, else the font's '?', else glyph 0. */
const uint8_t *psf_glyph(const struct psf_font *f, uint32_t cp);

/* Whether pixel (x, y) of a glyph is set (x < width, y < height). */
static inline bool psf_pixel(const struct psf_font *f, const uint8_t *glyph, unsigned x, unsigned y)
{
    return glyph[y * f->row_bytes + x / 8] >> (7 - x % 8) & 1;
}
