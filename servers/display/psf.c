/* PSF1 and PSF2 headers and Unicode tables, read with every offset checked against the size
 * (a font is data from outside the server; the build embeds one, a test feeds bad ones). */
#include "psf.h"

#define PSF1_MAGIC0 0x36
#define PSF1_MAGIC1 0x04
#define PSF1_HEADER 4u
#define PSF1_MODE512 0x01 /* 512 glyphs, not 256 */
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODEHASSEQ 0x04
#define PSF1_SEPARATOR 0xffffu /* ends one glyph's entry in the table */
#define PSF1_STARTSEQ 0xfffeu  /* starts a sequence of code points drawn as one glyph */

#define PSF2_MAGIC 0x864ab572u
#define PSF2_HEADER 32u
#define PSF2_HAS_UNICODE_TABLE 0x01u
#define PSF2_SEPARATOR 0xffu
#define PSF2_STARTSEQ 0xfeu

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A glyph of the table's first mapping for cp wins: fonts list the preferred glyph first. */
static void map_code_point(struct psf_font *f, uint32_t cp, uint32_t glyph)
{
    if (cp < PSF_MAP_SIZE && f->map[cp] == PSF_NO_GLYPH)
        f->map[cp] = (uint16_t)glyph;
}

/* PSF1's table: per glyph, little-endian 16-bit code points up to PSF1_SEPARATOR; after a
 * PSF1_STARTSEQ, code points of sequences (which map no single code point). */
static enum psf_error read_table1(struct psf_font *f, const uint8_t *p, size_t len)
{
    size_t at = 0;
    for (uint32_t g = 0; g < f->count; g++) {
        bool in_seq = false;
        for (;;) {
            if (len - at < 2)
                return PSF_ETRUNCATED;
            uint32_t u = (uint32_t)(p[at] | p[at + 1] << 8);
            at += 2;
            if (u == PSF1_SEPARATOR)
                break;
            if (u == PSF1_STARTSEQ)
                in_seq = true;
            else if (!in_seq)
                map_code_point(f, u, g);
        }
    }
    return PSF_OK;
}

/* Decodes one UTF-8 character at p[*at..len): PSF_ETRUNCATED if the blob ends inside it,
 * PSF_ETABLE if it is not well formed (overlong, a surrogate, above U+10FFFF). */
static enum psf_error utf8_next(const uint8_t *p, size_t len, size_t *at, uint32_t *cp)
{
    uint8_t b = p[*at];
    unsigned extra;
    uint32_t min;
    if (b < 0x80) {
        *cp = b;
        extra = 0;
        min = 0;
    } else if ((b & 0xe0) == 0xc0) {
        *cp = b & 0x1fu;
        extra = 1;
        min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
        *cp = b & 0x0fu;
        extra = 2;
        min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
        *cp = b & 0x07u;
        extra = 3;
        min = 0x10000;
    } else {
        return PSF_ETABLE;
    }
    for (unsigned i = 1; i <= extra; i++) {
        if (*at + i >= len)
            return PSF_ETRUNCATED;
        uint8_t c = p[*at + i];
        if ((c & 0xc0) != 0x80)
            return PSF_ETABLE;
        *cp = *cp << 6 | (c & 0x3fu);
    }
    *at += 1 + extra;
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return PSF_ETABLE;
    return PSF_OK;
}

/* PSF2's table: per glyph, UTF-8 characters up to PSF2_SEPARATOR; after PSF2_STARTSEQ,
 * sequences. */
static enum psf_error read_table2(struct psf_font *f, const uint8_t *p, size_t len)
{
    size_t at = 0;
    for (uint32_t g = 0; g < f->count; g++) {
        bool in_seq = false;
        for (;;) {
            if (at >= len)
                return PSF_ETRUNCATED;
            if (p[at] == PSF2_SEPARATOR) {
                at++;
                break;
            }
            if (p[at] == PSF2_STARTSEQ) {
                at++;
                in_seq = true;
                continue;
            }
            uint32_t cp;
            enum psf_error e = utf8_next(p, len, &at, &cp);
            if (e != PSF_OK)
                return e;
            if (!in_seq)
                map_code_point(f, cp, g);
        }
    }
    return PSF_OK;
}

static enum psf_error check_size(struct psf_font *f)
{
    if (f->width == 0 || f->width > PSF_MAX_WIDTH || f->height == 0 || f->height > PSF_MAX_HEIGHT)
        return PSF_ESIZE;
    f->row_bytes = (f->width + 7) / 8;
    return PSF_OK;
}

static enum psf_error open1(struct psf_font *f, const uint8_t *data, size_t size)
{
    uint8_t mode = data[2];
    if (mode & ~(PSF1_MODE512 | PSF1_MODEHASTAB | PSF1_MODEHASSEQ))
        return PSF_EHEADER;
    f->version = 1;
    f->count = (mode & PSF1_MODE512) ? 512 : 256;
    f->width = 8;
    f->height = data[3];
    enum psf_error e = check_size(f);
    if (e != PSF_OK)
        return e;
    f->glyph_bytes = f->height; /* 8 pixels wide: one byte a row */
    f->has_table = (mode & (PSF1_MODEHASTAB | PSF1_MODEHASSEQ)) != 0;
    size_t glyphs_end = PSF1_HEADER + (size_t)f->count * f->glyph_bytes;
    if (size < glyphs_end)
        return PSF_ETRUNCATED;
    f->glyphs = data + PSF1_HEADER;
    return f->has_table ? read_table1(f, data + glyphs_end, size - glyphs_end) : PSF_OK;
}

static enum psf_error open2(struct psf_font *f, const uint8_t *data, size_t size)
{
    if (size < PSF2_HEADER)
        return PSF_ETRUNCATED;
    uint32_t version = le32(data + 4), header = le32(data + 8), flags = le32(data + 12);
    if (version != 0 || header < PSF2_HEADER || (flags & ~PSF2_HAS_UNICODE_TABLE))
        return PSF_EHEADER;
    f->version = 2;
    f->count = le32(data + 16);
    f->glyph_bytes = le32(data + 20);
    f->height = le32(data + 24);
    f->width = le32(data + 28);
    enum psf_error e = check_size(f);
    if (e != PSF_OK)
        return e;
    if (f->glyph_bytes != f->height * f->row_bytes)
        return PSF_ESIZE;
    if (f->count == 0 || f->count > PSF_MAX_GLYPHS)
        return PSF_ECOUNT;
    /* Every factor is bounded above, so this can't overflow 64 bits. */
    uint64_t glyphs_end = (uint64_t)header + (uint64_t)f->count * f->glyph_bytes;
    if (header > size || glyphs_end > size)
        return PSF_ETRUNCATED;
    f->glyphs = data + header;
    f->has_table = (flags & PSF2_HAS_UNICODE_TABLE) != 0;
    return f->has_table ? read_table2(f, data + glyphs_end, size - (size_t)glyphs_end) : PSF_OK;
}

enum psf_error psf_open(struct psf_font *f, const uint8_t *data, size_t size)
{
    *f = (struct psf_font){0};
    for (unsigned i = 0; i < PSF_MAP_SIZE; i++)
        f->map[i] = PSF_NO_GLYPH;
    enum psf_error e;
    if (size >= 2 && data[0] == PSF1_MAGIC0 && data[1] == PSF1_MAGIC1) {
        if (size < PSF1_HEADER)
            return PSF_ETRUNCATED;
        e = open1(f, data, size);
    } else if (size >= 4 && le32(data) == PSF2_MAGIC) {
        e = open2(f, data, size);
    } else {
        /* A blob shorter than PSF2's magic that starts like it was cut short; else bad magic. */
        static const uint8_t psf2_magic[4] = {0x72, 0xb5, 0x4a, 0x86};
        bool prefix = size < 4 && size > 0;
        for (size_t i = 0; i < size && i < 4; i++)
            prefix = prefix && data[i] == psf2_magic[i];
        if (size == 0 || prefix || (size == 1 && data[0] == PSF1_MAGIC0))
            return PSF_ETRUNCATED;
        return PSF_EMAGIC;
    }
    if (e != PSF_OK)
        return e;
    if (!f->has_table)
        for (uint32_t cp = 0; cp < PSF_MAP_SIZE && cp < f->count; cp++)
            f->map[cp] = (uint16_t)cp; /* without a table, glyph i is code point i */
    return PSF_OK;
}

const char *psf_strerror(enum psf_error e)
{
    switch (e) {
    case PSF_OK:
        return "a valid font";
    case PSF_ETRUNCATED:
        return "the font ends inside its header, glyphs or Unicode table";
    case PSF_EMAGIC:
        return "not a PSF1 or PSF2 font (bad magic)";
    case PSF_EHEADER:
        return "unknown PSF version, flags or mode, or a header size below 32";
    case PSF_ESIZE:
        return "glyph width or height 0 or above 64, or a glyph size that does not match them";
    case PSF_ECOUNT:
        return "no glyphs, or more than 4096";
    case PSF_ETABLE:
        return "a malformed Unicode table entry";
    }
    return "unknown PSF error";
}

const uint8_t *psf_glyph(const struct psf_font *f, uint32_t cp)
{
    uint16_t g = cp < PSF_MAP_SIZE ? f->map[cp] : PSF_NO_GLYPH;
    if (g == PSF_NO_GLYPH)
        g = f->map['?'];
    if (g == PSF_NO_GLYPH)
        g = 0;
    return f->glyphs + (size_t)g * f->glyph_bytes;
}
