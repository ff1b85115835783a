/* Unit tests for the strip renderer (servers/display/strip.c): the pixels of a rendered name
 * against the glyph bits of a synthetic font (psf_build.h) in both pixel formats, clipping at
 * the screen's edge and the strip's last row, and no byte written outside the strip's pixels:
 * not below it, not in a stride's padding, not around the buffer. */
#include "check_run.h"
#include "psf_build.h"
#include "strip.h"
#include "strip_font.h"
#include <string.h>

#define GUARD 256
#define SENTINEL 0xa5
static uint8_t mem[GUARD + 1024 * 1024 + GUARD];
static uint8_t font_blob[1 << 16];
static struct psf_font font;

/* The synthetic font: 12x24 glyphs, names' letters at glyphs other than their code points. */
static const struct psf_build_map font_map[] = {
    {10, 'w'}, {11, 'o'}, {12, 'r'}, {13, 'k'}, {14, '?'}, {15, 'a'}, {16, 'b'}, {17, 'c'},
    {18, 'd'}, {19, 'e'}, {20, 'f'}, {21, 'g'}, {22, 'h'}, {23, 'i'}, {24, 'j'},
};
#define FW 12u
#define FH 24u

static unsigned glyph_of(char c)
{
    for (unsigned i = 0; i < sizeof(font_map) / sizeof(font_map[0]); i++)
        if (font_map[i].cp == (uint8_t)c)
            return font_map[i].glyph;
    return 14; /* '?' */
}

static void setup(void)
{
    memset(mem, SENTINEL, sizeof(mem));
    size_t n = psf_build2(font_blob, sizeof(font_blob), 32, FW, FH, font_map,
                          sizeof(font_map) / sizeof(font_map[0]));
    ck_assert_int_eq(psf_open(&font, font_blob, n), PSF_OK);
}

static struct framebuffer make_fb(uint32_t w, uint32_t h, uint32_t stride, enum fb_format fmt)
{
    unsigned bpp = fmt == FB_RGB565 ? 2 : 4;
    struct framebuffer fb = {mem + GUARD, (size_t)(h - 1) * stride + (size_t)w * bpp, w, h, stride,
                             fmt};
    ck_assert_uint_le(fb.size, sizeof(mem) - 2 * GUARD);
    return fb;
}

static uint32_t read_pixel(const struct framebuffer *fb, uint32_t x, uint32_t y)
{
    const uint8_t *p =
        fb->base + (size_t)y * fb->stride + (size_t)x * (fb->format == FB_RGB565 ? 2 : 4);
    if (fb->format == FB_RGB565)
        return (uint32_t)(p[0] | p[1] << 8);
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Whether (x, y) of the strip must be ink: inside the box of the name's i-th glyph, where that
 * glyph's synthetic bit is set. */
static bool expect_ink(const char *name, uint32_t rows, uint32_t x, uint32_t y)
{
    uint32_t y0 = rows > FH ? (rows - FH) / 2 : 0;
    if (x < STRIP_MARGIN || y < y0 || y >= y0 + FH)
        return false;
    uint32_t i = (x - STRIP_MARGIN) / FW;
    if (i >= strlen(name))
        return false;
    return psf_build_bit(glyph_of(name[i]), (x - STRIP_MARGIN) % FW, y - y0);
}

/* Checks every byte of mem: the strip's pixels paper or ink as expected, everything else the
 * sentinel. Returns the number of ink pixels. */
static unsigned check_screen(const struct framebuffer *fb, uint32_t rows, const char *name,
                             uint32_t paper, uint32_t ink)
{
    unsigned bpp = fb->format == FB_RGB565 ? 2 : 4, inked = 0;
    uint32_t shown = rows < fb->height ? rows : fb->height;
    for (size_t off = 0; off < sizeof(mem); off++) {
        size_t rel = off - GUARD;
        bool in_fb = off >= GUARD && rel < fb->size;
        uint32_t y = in_fb ? (uint32_t)(rel / fb->stride) : 0;
        uint32_t x = in_fb ? (uint32_t)(rel % fb->stride / bpp) : 0;
        bool strip_pixel = in_fb && y < shown && rel % fb->stride < (size_t)fb->width * bpp;
        if (!strip_pixel) {
            if (mem[off] != SENTINEL)
                ck_abort_msg("byte %zd from the buffer's start written (row %u)", (ssize_t)rel, y);
            continue;
        }
        if (rel % bpp != 0)
            continue;
        bool want_ink = expect_ink(name, shown, x, y); /* centred in the rows shown */
        uint32_t got = read_pixel(fb, x, y);
        if (got != (want_ink ? ink : paper))
            ck_abort_msg("pixel (%u,%u) is %#x, wanted %s %#x", x, y, got,
                         want_ink ? "ink" : "paper", want_ink ? ink : paper);
        inked += want_ink;
    }
    return inked;
}

START_TEST(name_pixels_xrgb8888)
{
    struct framebuffer fb = make_fb(200, 60, 200 * 4 + 12, FB_XRGB8888);
    ck_assert_int_eq(strip_draw(&fb, 40, &font, "work", 4, 0x2060c0), STRIP_OK);
    unsigned inked = check_screen(&fb, 40, "work", 0x2060c0, 0xffffff);
    ck_assert_uint_gt(inked, 100);
    /* the bytes of one pixel as ramfb reads them: B, G, R, X */
    const uint8_t *p = fb.base + 0 * fb.stride + 0;
    ck_assert_uint_eq(p[0], 0xc0);
    ck_assert_uint_eq(p[1], 0x60);
    ck_assert_uint_eq(p[2], 0x20);
    ck_assert_uint_eq(p[3], 0x00);
}
END_TEST

START_TEST(name_pixels_rgb565)
{
    struct framebuffer fb = make_fb(150, 50, 150 * 2 + 2, FB_RGB565);
    ck_assert_int_eq(strip_draw(&fb, 32, &font, "ok", 2, 0xffd000), STRIP_OK);
    ck_assert_uint_eq(fb_pixel(FB_RGB565, 0xffd000), 0xfe80);
    check_screen(&fb, 32, "ok", 0xfe80, 0x0000); /* yellow: black ink */
    ck_assert_uint_eq(fb.base[0], 0x80);
    ck_assert_uint_eq(fb.base[1], 0xfe);
}
END_TEST

START_TEST(a_long_name_is_cut_at_the_right_edge)
{
    struct framebuffer fb = make_fb(50, 40, 50 * 4 + 8, FB_XRGB8888);
    const char *name = "abcdefghij"; /* 8 + 10 * 12 pixels: most is past 50 */
    ck_assert_int_eq(strip_draw(&fb, 30, &font, name, 10, 0x000000), STRIP_OK);
    check_screen(&fb, 30, name, 0x000000, 0xffffff);
}
END_TEST

START_TEST(a_font_taller_than_the_strip_is_cut_at_its_last_row)
{
    struct framebuffer fb = make_fb(100, 40, 400, FB_XRGB8888);
    ck_assert_int_eq(strip_draw(&fb, 10, &font, "rok", 3, 0x102030), STRIP_OK);
    check_screen(&fb, 10, "rok", 0x102030, 0xffffff);
}
END_TEST

START_TEST(a_strip_taller_than_the_screen_stops_at_its_end)
{
    struct framebuffer fb = make_fb(64, 20, 64 * 4, FB_XRGB8888);
    ck_assert_int_eq(strip_draw(&fb, 1000, &font, "w", 1, 0x804020), STRIP_OK);
    check_screen(&fb, 1000, "w", 0x804020, 0xffffff);
}
END_TEST

START_TEST(a_screen_narrower_than_the_margin_gets_only_colour)
{
    struct framebuffer fb = make_fb(5, 8, 5 * 2, FB_RGB565);
    ck_assert_int_eq(strip_draw(&fb, 8, &font, "work", 4, 0xffffff), STRIP_OK);
    check_screen(&fb, 8, "work", 0xffff, 0);
}
END_TEST

START_TEST(name_ends_at_its_nul_or_length)
{
    struct framebuffer fb = make_fb(120, 30, 480, FB_XRGB8888);
    ck_assert_int_eq(strip_draw(&fb, 30, &font, "wo\0rk", 5, 0x000080), STRIP_OK);
    check_screen(&fb, 30, "wo", 0x000080, 0xffffff);
    memset(mem, SENTINEL, sizeof(mem));
    ck_assert_int_eq(strip_draw(&fb, 30, &font, "work", 2, 0x000080), STRIP_OK);
    check_screen(&fb, 30, "wo", 0x000080, 0xffffff);
    memset(mem, SENTINEL, sizeof(mem));
    ck_assert_int_eq(strip_draw(&fb, 30, &font, "w\x01z", 3, 0x000080), STRIP_OK);
    check_screen(&fb, 30, "w??", 0x000080, 0xffffff); /* no glyph: the font's '?' */
}
END_TEST

START_TEST(a_bad_framebuffer_is_refused_untouched)
{
    struct framebuffer good = make_fb(64, 16, 256, FB_XRGB8888);
    struct framebuffer bad[] = {good, good, good, good, good, good, good};
    bad[0].stride = 64 * 4 - 1;  /* a row does not fit its stride */
    bad[1].size = good.size - 1; /* the last pixel is past the buffer */
    bad[2].width = 0;
    bad[3].height = 0;
    bad[4].base = NULL;
    bad[5].format = (enum fb_format)7;
    bad[6].height = 0x80000000u; /* (height - 1) * stride far past size: no wrap-around */
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(strip_draw(&bad[i], 8, &font, "w", 1, 0xffffff) == STRIP_EFRAMEBUFFER,
                      "case %u", i);
        for (size_t off = 0; off < sizeof(mem); off++)
            if (mem[off] != SENTINEL)
                ck_abort_msg("case %u wrote byte %zu", i, off);
    }
    ck_assert_int_eq(strip_draw(&good, 0, &font, "w", 1, 0xffffff), STRIP_EROWS);
    check_screen(&good, 0, "", 0, 0);
}
END_TEST

START_TEST(text_colour_contrasts)
{
    ck_assert_uint_eq(strip_text_colour(0xffffff), 0x000000);
    ck_assert_uint_eq(strip_text_colour(0xffff00), 0x000000);
    ck_assert_uint_eq(strip_text_colour(0x00e000), 0x000000);
    ck_assert_uint_eq(strip_text_colour(0x00c000), 0xffffff); /* luma 112.7: dark */
    ck_assert_uint_eq(strip_text_colour(0x000000), 0xffffff);
    ck_assert_uint_eq(strip_text_colour(0x0000ff), 0xffffff);
    ck_assert_uint_eq(strip_text_colour(0xc00000), 0xffffff);
}
END_TEST

START_TEST(the_strips_font_draws_a_name)
{
    struct psf_font real;
    ck_assert_int_eq(psf_open(&real, strip_font_psf, strip_font_psf_size), PSF_OK);
    struct framebuffer fb = make_fb(400, 60, 1600, FB_XRGB8888);
    const char *name = "personal";
    ck_assert_int_eq(strip_draw(&fb, 40, &real, name, 8, 0x1e6e1e), STRIP_OK);
    /* Each character's box holds its glyph's bits exactly, at rows 4..35 (32 high, centred). */
    for (unsigned i = 0; i < 8; i++) {
        const uint8_t *g = psf_glyph(&real, (uint8_t)name[i]);
        for (unsigned y = 0; y < 32; y++)
            for (unsigned x = 0; x < 16; x++) {
                uint32_t px = read_pixel(&fb, STRIP_MARGIN + i * 16 + x, 4 + y);
                bool bit = (g[y * 2 + x / 8] >> (7 - x % 8)) & 1;
                ck_assert_uint_eq(px, bit ? 0xffffff : 0x1e6e1e);
            }
    }
    for (uint32_t y = 40; y < 60; y++)
        for (uint32_t b = 0; b < 1600; b++)
            ck_assert_uint_eq(fb.base[y * 1600 + b], SENTINEL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("strip");
    TCase *tc = tcase_create("render");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, name_pixels_xrgb8888);
    tcase_add_test(tc, name_pixels_rgb565);
    tcase_add_test(tc, a_long_name_is_cut_at_the_right_edge);
    tcase_add_test(tc, a_font_taller_than_the_strip_is_cut_at_its_last_row);
    tcase_add_test(tc, a_strip_taller_than_the_screen_stops_at_its_end);
    tcase_add_test(tc, a_screen_narrower_than_the_margin_gets_only_colour);
    tcase_add_test(tc, name_ends_at_its_nul_or_length);
    tcase_add_test(tc, a_bad_framebuffer_is_refused_untouched);
    tcase_add_test(tc, text_colour_contrasts);
    tcase_add_test(tc, the_strips_font_draws_a_name);
    suite_add_tcase(s, tc);
    return check_run(s);
}
