/* Unit tests for the PSF reader (servers/display/psf.c): synthetic PSF1 and PSF2 fonts whose
 * every bit is known, Debian's own fonts (the one the strip embeds among them) checked against
 * kbd's psfgettable, and truncated, oversized and malformed fonts refused with the right error. */
#include "check_run.h"
#include "psf.h"
#include "psf_build.h"
#include "strip_font.h"
#include <stdio.h>
#include <string.h>

extern const unsigned char test_font_psf1[];
extern const unsigned int test_font_psf1_size;

static uint8_t buf[1 << 16];
static struct psf_font f;

/* Every glyph's every pixel as psf_build_bit says. */
static void expect_synthetic_glyphs(void)
{
    for (unsigned g = 0; g < f.count; g++) {
        const uint8_t *glyph = f.glyphs + (size_t)g * f.glyph_bytes;
        for (unsigned y = 0; y < f.height; y++)
            for (unsigned x = 0; x < f.width; x++)
                if (psf_pixel(&f, glyph, x, y) != psf_build_bit(g, x, y))
                    ck_abort_msg("glyph %u pixel (%u,%u)", g, x, y);
    }
}

START_TEST(psf1_without_a_table)
{
    size_t n = psf_build1(buf, sizeof(buf), 256, 14, NULL, 0);
    ck_assert_int_eq(psf_open(&f, buf, n), PSF_OK);
    ck_assert_uint_eq(f.version, 1);
    ck_assert_uint_eq(f.count, 256);
    ck_assert_uint_eq(f.width, 8);
    ck_assert_uint_eq(f.height, 14);
    ck_assert_uint_eq(f.glyph_bytes, 14);
    ck_assert(!f.has_table);
    ck_assert(f.glyphs == buf + 4);
    expect_synthetic_glyphs();
    ck_assert(psf_glyph(&f, 'A') == f.glyphs + 'A' * 14);    /* glyph i is code point i */
    ck_assert(psf_glyph(&f, 0x20ac) == f.glyphs + '?' * 14); /* not in the map: '?' */
}
END_TEST

START_TEST(psf1_512_with_a_table)
{
    const struct psf_build_map map[] = {{300, 'w'}, {301, 'o'}, {7, 'w'},
                                        {0, '?'},   {2, 0xe9},  {511, 0x263a}};
    size_t n = psf_build1(buf, sizeof(buf), 512, 16, map, 6);
    ck_assert_int_eq(psf_open(&f, buf, n), PSF_OK);
    ck_assert_uint_eq(f.count, 512);
    ck_assert(f.has_table);
    expect_synthetic_glyphs();
    ck_assert_uint_eq(f.map['w'], 7); /* two glyphs for w: the table's first (glyph order) */
    ck_assert_uint_eq(f.map['o'], 301);
    ck_assert_uint_eq(f.map[0xe9], 2);
    ck_assert_uint_eq(f.map['A'], PSF_NO_GLYPH);
    ck_assert(psf_glyph(&f, 'A') == f.glyphs); /* unmapped: the '?' glyph, here glyph 0 */
}
END_TEST

START_TEST(psf2_wide_glyphs_and_utf8_table)
{
    const struct psf_build_map map[] = {{1, 'a'}, {2, 0xff}, {3, 0x20ac}, {4, 0x1f600}, {5, '?'}};
    size_t n = psf_build2(buf, sizeof(buf), 40, 12, 24, map, 5);
    ck_assert_int_eq(psf_open(&f, buf, n), PSF_OK);
    ck_assert_uint_eq(f.version, 2);
    ck_assert_uint_eq(f.width, 12);
    ck_assert_uint_eq(f.height, 24);
    ck_assert_uint_eq(f.row_bytes, 2);
    ck_assert_uint_eq(f.glyph_bytes, 48);
    expect_synthetic_glyphs();
    ck_assert_uint_eq(f.map['a'], 1);
    ck_assert_uint_eq(f.map[0xff], 2);
    ck_assert(psf_glyph(&f, 0x20ac) == psf_glyph(&f, '?')); /* beyond Latin-1: '?' */
    ck_assert(psf_glyph(&f, '?') == f.glyphs + 5 * 48);
}
END_TEST

START_TEST(psf2_sequences_map_no_single_code_point)
{
    /* glyph 1: 'e', then a sequence e + U+0301; glyph 2: the sequence A + U+030A only */
    size_t n = psf_build2(buf, sizeof(buf), 3, 8, 8, NULL, 0);
    buf[12] = 1; /* flags: a table follows */
    const uint8_t table[] = {0xff, 'e', 0xfe, 'e', 0xcc, 0x81, 0xff, 0xfe, 'A', 0xcc, 0x8a, 0xff};
    memcpy(buf + n, table, sizeof(table));
    ck_assert_int_eq(psf_open(&f, buf, n + sizeof(table)), PSF_OK);
    ck_assert_uint_eq(f.map['e'], 1);
    ck_assert_uint_eq(f.map['A'], PSF_NO_GLYPH);
}
END_TEST

/* The map the reader must build, from kbd's psfgettable's listing of the same font file:
 * lines "0x041<TAB>U+0041 U+0410 ...", one per glyph; the first glyph naming a code point
 * wins. */
static void expect_psfgettable_map(const char *font_file)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "psfgettable '%s'", font_file);
    FILE *p = popen(cmd, "r");
    ck_assert_msg(p != NULL, "cannot run psfgettable (Debian package kbd)");
    uint16_t want[PSF_MAP_SIZE];
    for (unsigned i = 0; i < PSF_MAP_SIZE; i++)
        want[i] = PSF_NO_GLYPH;
    char line[1024];
    unsigned lines = 0;
    while (fgets(line, sizeof(line), p)) {
        unsigned glyph;
        int used;
        if (line[0] == '#' || sscanf(line, "0x%x%n", &glyph, &used) != 1)
            continue;
        lines++;
        for (char *t = strtok(line + used, " \t\n"); t; t = strtok(NULL, " \t\n")) {
            unsigned cp;
            /* a sequence is printed as one token with commas: it maps no code point */
            if (strchr(t, ',') || sscanf(t, "U+%x", &cp) != 1)
                continue;
            if (cp < PSF_MAP_SIZE && want[cp] == PSF_NO_GLYPH)
                want[cp] = (uint16_t)glyph;
        }
    }
    ck_assert_int_eq(pclose(p), 0);
    ck_assert_uint_eq(lines, f.count);
    for (unsigned cp = 0; cp < PSF_MAP_SIZE; cp++)
        ck_assert_msg(f.map[cp] == want[cp], "U+%04x: glyph %u, psfgettable says %u", cp, f.map[cp],
                      want[cp]);
}

START_TEST(debians_psf1_font)
{
    ck_assert_int_eq(psf_open(&f, test_font_psf1, test_font_psf1_size), PSF_OK);
    ck_assert_uint_eq(f.version, 1);
    ck_assert_uint_eq(f.width, 8);
    ck_assert_uint_eq(f.height, 16);
    ck_assert(f.has_table);
    expect_psfgettable_map(FONT_DIR "/Lat15-Fixed16.psf");
}
END_TEST

START_TEST(the_strips_font)
{
    ck_assert_int_eq(psf_open(&f, strip_font_psf, strip_font_psf_size), PSF_OK);
    ck_assert_uint_eq(f.version, 2);
    ck_assert_uint_eq(f.width, 16);
    ck_assert_uint_eq(f.height, 32);
    ck_assert(f.has_table);
    expect_psfgettable_map(FONT_DIR "/Lat15-Terminus32x16.psf");
    /* Every character a partition name may hold has a glyph of its own, and no two are the
     * same picture. */
    const char *name_chars = "abcdefghijklmnopqrstuvwxyz0123456789-_";
    for (const char *a = name_chars; *a; a++) {
        ck_assert_msg(f.map[(uint8_t)*a] != PSF_NO_GLYPH, "no glyph for %c", *a);
        for (const char *b = a + 1; *b; b++)
            ck_assert_msg(
                memcmp(psf_glyph(&f, (uint8_t)*a), psf_glyph(&f, (uint8_t)*b), f.glyph_bytes) != 0,
                "%c and %c look the same", *a, *b);
    }
    /* and a space is blank */
    const uint8_t *space = psf_glyph(&f, ' ');
    for (unsigned i = 0; i < f.glyph_bytes; i++)
        ck_assert_uint_eq(space[i], 0);
}
END_TEST

/* The build embedded the font file byte for byte (cmake/bin2c.cmake). */
START_TEST(the_embedded_fonts_are_the_files)
{
    const char *files[] = {FONT_DIR "/Lat15-Terminus32x16.psf", FONT_DIR "/Lat15-Fixed16.psf"};
    const unsigned char *blobs[] = {strip_font_psf, test_font_psf1};
    const unsigned sizes[] = {strip_font_psf_size, test_font_psf1_size};
    for (unsigned i = 0; i < 2; i++) {
        FILE *file = fopen(files[i], "rb");
        ck_assert_msg(file != NULL, "%s", files[i]);
        size_t n = fread(buf, 1, sizeof(buf), file);
        fclose(file);
        ck_assert_uint_eq(n, sizes[i]);
        ck_assert_mem_eq(buf, blobs[i], n);
    }
}
END_TEST

START_TEST(every_truncation_is_refused)
{
    const struct psf_build_map map[] = {{3, 'x'}, {4, 0x20ac}};
    size_t n1 = psf_build1(buf, sizeof(buf), 256, 8, map, 2);
    for (size_t len = 0; len < n1; len++) {
        enum psf_error e = psf_open(&f, buf, len);
        ck_assert_msg(e == PSF_ETRUNCATED, "PSF1 cut to %zu bytes: %s", len, psf_strerror(e));
    }
    size_t n2 = psf_build2(buf, sizeof(buf), 20, 9, 10, map, 2);
    for (size_t len = 0; len < n2; len++) {
        enum psf_error e = psf_open(&f, buf, len); /* also inside the euro sign's UTF-8 */
        ck_assert_msg(e == PSF_ETRUNCATED, "PSF2 cut to %zu bytes: %s", len, psf_strerror(e));
    }
    ck_assert_int_eq(psf_open(&f, buf, n2), PSF_OK);
}
END_TEST

START_TEST(bad_magic)
{
    const uint8_t junk[] = "\x1f\x8b\x08\x00 a gzip file, not a font......"; /* forgot gunzip */
    ck_assert_int_eq(psf_open(&f, junk, sizeof(junk)), PSF_EMAGIC);
    const uint8_t almost1[] = {0x36, 0x05, 0, 16};
    ck_assert_int_eq(psf_open(&f, almost1, 4), PSF_EMAGIC);
    const uint8_t almost2[] = {0x72, 0xb5, 0x4a, 0x87, 0, 0, 0, 0};
    ck_assert_int_eq(psf_open(&f, almost2, 8), PSF_EMAGIC);
    ck_assert_int_eq(psf_open(&f, junk, 3), PSF_EMAGIC);
    ck_assert_int_eq(psf_open(&f, almost2, 3), PSF_ETRUNCATED); /* PSF2's magic, cut */
    ck_assert_str_eq(psf_strerror(PSF_EMAGIC), "not a PSF1 or PSF2 font (bad magic)");
}
END_TEST

static enum psf_error psf2_with(unsigned field_offset, uint32_t value)
{
    size_t n = psf_build2(buf, sizeof(buf), 16, 8, 8, NULL, 0);
    for (unsigned i = 0; i < 4; i++)
        buf[field_offset + i] = (uint8_t)(value >> (8 * i));
    return psf_open(&f, buf, n);
}

START_TEST(bad_headers_and_sizes)
{
    ck_assert_int_eq(psf2_with(4, 1), PSF_EHEADER);              /* version */
    ck_assert_int_eq(psf2_with(8, 31), PSF_EHEADER);             /* header size below 32 */
    ck_assert_int_eq(psf2_with(8, 0xffffffffu), PSF_ETRUNCATED); /* header past the end */
    ck_assert_int_eq(psf2_with(12, 2), PSF_EHEADER);             /* unknown flag */
    ck_assert_int_eq(psf2_with(16, 0), PSF_ECOUNT);              /* no glyphs */
    ck_assert_int_eq(psf2_with(16, PSF_MAX_GLYPHS + 1), PSF_ECOUNT);
    ck_assert_int_eq(psf2_with(16, 0xffffffffu), PSF_ECOUNT);
    ck_assert_int_eq(psf2_with(16, 17), PSF_ETRUNCATED); /* one glyph more than there is */
    ck_assert_int_eq(psf2_with(20, 9), PSF_ESIZE);       /* glyph size != height * row */
    ck_assert_int_eq(psf2_with(20, 0xffffffffu), PSF_ESIZE);
    ck_assert_int_eq(psf2_with(24, 0), PSF_ESIZE); /* height 0 */
    ck_assert_int_eq(psf2_with(28, 0), PSF_ESIZE); /* width 0 */
    ck_assert_int_eq(psf2_with(28, PSF_MAX_WIDTH + 1), PSF_ESIZE);
    ck_assert_int_eq(psf2_with(24, PSF_MAX_HEIGHT + 1), PSF_ESIZE);
    ck_assert_int_eq(psf2_with(28, 0x80000001u), PSF_ESIZE);
    /* the largest glyphs the reader takes */
    size_t n = psf_build2(buf, sizeof(buf), 2, PSF_MAX_WIDTH, PSF_MAX_HEIGHT, NULL, 0);
    ck_assert_int_eq(psf_open(&f, buf, n), PSF_OK);
    expect_synthetic_glyphs();
    /* PSF1: unknown mode bits, height 0, height above the limit */
    n = psf_build1(buf, sizeof(buf), 256, 8, NULL, 0);
    buf[2] = 0x08;
    ck_assert_int_eq(psf_open(&f, buf, n), PSF_EHEADER);
    buf[2] = 0;
    buf[3] = 0;
    ck_assert_int_eq(psf_open(&f, buf, n), PSF_ESIZE);
    buf[3] = PSF_MAX_HEIGHT + 1;
    ck_assert_int_eq(psf_open(&f, buf, n), PSF_ESIZE);
    buf[3] = 8;
    buf[2] = 0x01; /* says 512 glyphs, has 256 */
    ck_assert_int_eq(psf_open(&f, buf, n), PSF_ETRUNCATED);
}
END_TEST

START_TEST(malformed_tables)
{
    /* PSF2 tables of 2 glyphs; each case one bad entry */
    static const struct {
        const char *what;
        uint8_t bytes[8];
        unsigned len;
        enum psf_error want;
    } cases[] = {
        {"overlong '/'", {0xc0, 0xaf, 0xff, 0xff}, 4, PSF_ETABLE},
        {"surrogate", {0xed, 0xa0, 0x80, 0xff, 0xff}, 5, PSF_ETABLE},
        {"above U+10FFFF", {0xf4, 0x90, 0x80, 0x80, 0xff, 0xff}, 6, PSF_ETABLE},
        {"lone continuation", {0x80, 0xff, 0xff}, 3, PSF_ETABLE},
        {"lead byte F8", {0xf8, 0x88, 0x80, 0x80, 0x80, 0xff, 0xff}, 7, PSF_ETABLE},
        {"continuation missing", {0xc3, 'a', 0xff, 0xff}, 4, PSF_ETABLE},
        {"cut inside a character", {'a', 0xff, 0xe2, 0x82}, 4, PSF_ETRUNCATED},
        {"second entry missing", {'a', 0xff}, 2, PSF_ETRUNCATED},
        {"no separator", {'a', 'b'}, 2, PSF_ETRUNCATED},
        {"fine", {'a', 0xff, 0xc3, 0xa9, 0xff}, 5, PSF_OK},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = psf_build2(buf, sizeof(buf), 2, 8, 4, NULL, 0);
        buf[12] = 1;
        memcpy(buf + n, cases[i].bytes, cases[i].len);
        enum psf_error e = psf_open(&f, buf, n + cases[i].len);
        ck_assert_msg(e == cases[i].want, "%s: %s", cases[i].what, psf_strerror(e));
    }
    ck_assert_uint_eq(f.map[0xe9], 1);
    /* PSF1: an entry without its 0xFFFF */
    size_t n = psf_build1(buf, sizeof(buf), 256, 4, NULL, 0);
    buf[2] = 0x02;
    memset(buf + n, 0xff, 255 * 2);
    buf[n + 255 * 2] = 'a';
    buf[n + 255 * 2 + 1] = 0;
    ck_assert_int_eq(psf_open(&f, buf, n + 256 * 2), PSF_ETRUNCATED);
    buf[n + 256 * 2] = 0xff;
    buf[n + 256 * 2 + 1] = 0xff;
    ck_assert_int_eq(psf_open(&f, buf, n + 257 * 2), PSF_OK);
    ck_assert_uint_eq(f.map['a'], 255);
}
END_TEST

START_TEST(every_error_has_a_message)
{
    for (int e = PSF_OK; e <= PSF_ETABLE; e++)
        ck_assert_str_ne(psf_strerror((enum psf_error)e), "unknown PSF error");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("psf");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, psf1_without_a_table);
    tcase_add_test(tc, psf1_512_with_a_table);
    tcase_add_test(tc, psf2_wide_glyphs_and_utf8_table);
    tcase_add_test(tc, psf2_sequences_map_no_single_code_point);
    tcase_add_test(tc, debians_psf1_font);
    tcase_add_test(tc, the_strips_font);
    tcase_add_test(tc, the_embedded_fonts_are_the_files);
    tcase_add_test(tc, every_truncation_is_refused);
    tcase_add_test(tc, bad_magic);
    tcase_add_test(tc, bad_headers_and_sizes);
    tcase_add_test(tc, malformed_tables);
    tcase_add_test(tc, every_error_has_a_message);
    suite_add_tcase(s, tc);
    return check_run(s);
}
