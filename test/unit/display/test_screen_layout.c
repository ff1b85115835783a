/* Unit tests for the screen layout (servers/display/screen_layout.c): the strip is whole pages,
 * the fewest rows that are, and the guest's framebuffer starts on a page. */
#include "check_run.h"
#include "screen_layout.h"

static struct screen_layout l;

START_TEST(common_screens)
{
    /* 1024 x 4 bytes is a page a row: the strip is exactly the rows asked for */
    ck_assert_int_eq(screen_layout(1024, 768, 4096, FB_XRGB8888, 40, &l), SCREEN_LAYOUT_OK);
    ck_assert_uint_eq(l.strip_rows, 40);
    ck_assert_uint_eq(l.guest_offset, 40 * 4096);
    ck_assert_uint_eq(l.guest_height, 728);
    ck_assert_uint_eq(l.buffer_bytes, 768 * 4096);
    /* 800 x 4 = 3200 = 128 x 25: whole pages every 32 rows, so 40 becomes 64 */
    ck_assert_int_eq(screen_layout(800, 600, 3200, FB_XRGB8888, 40, &l), SCREEN_LAYOUT_OK);
    ck_assert_uint_eq(l.strip_rows, 64);
    ck_assert_uint_eq(l.guest_offset, 50 * 4096);
    ck_assert_uint_eq(l.guest_height, 536);
    ck_assert_uint_eq(l.buffer_bytes, 469 * 4096); /* 1920000 bytes, rounded up */
    /* RGB565, 640 x 2 = 1280 = 256 x 5: every 16 rows */
    ck_assert_int_eq(screen_layout(640, 480, 1280, FB_RGB565, 40, &l), SCREEN_LAYOUT_OK);
    ck_assert_uint_eq(l.strip_rows, 48);
    ck_assert_uint_eq(l.guest_offset, 15 * 4096);
    /* a stride the server pads to a page makes any row count whole pages */
    ck_assert_int_eq(screen_layout(800, 600, 4096, FB_XRGB8888, 37, &l), SCREEN_LAYOUT_OK);
    ck_assert_uint_eq(l.strip_rows, 37);
}
END_TEST

START_TEST(refusals)
{
    /* 333 x 4 = 1332 = 4 x 333: whole pages only every 1024 rows, more than half of 600 */
    ck_assert_int_eq(screen_layout(333, 600, 1332, FB_XRGB8888, 40, &l), SCREEN_LAYOUT_ENOFIT);
    ck_assert_int_eq(screen_layout(1024, 60, 4096, FB_XRGB8888, 40, &l), SCREEN_LAYOUT_ENOFIT);
    ck_assert_int_eq(screen_layout(1024, 768, 4095, FB_XRGB8888, 40, &l), SCREEN_LAYOUT_EGEOMETRY);
    ck_assert_int_eq(screen_layout(0, 768, 4096, FB_XRGB8888, 40, &l), SCREEN_LAYOUT_EGEOMETRY);
    ck_assert_int_eq(screen_layout(1024, 0, 4096, FB_XRGB8888, 40, &l), SCREEN_LAYOUT_EGEOMETRY);
    ck_assert_int_eq(screen_layout(1024, 768, 4096, FB_XRGB8888, 0, &l), SCREEN_LAYOUT_EGEOMETRY);
    ck_assert_int_eq(screen_layout(1024, 768, 4096, (enum fb_format)9, 40, &l),
                     SCREEN_LAYOUT_EGEOMETRY);
    ck_assert_int_eq(screen_layout(0x40000000u, 768, 0xffffffffu, FB_XRGB8888, 40, &l),
                     SCREEN_LAYOUT_EGEOMETRY); /* width x 4 past 32 bits: no wrap-around */
}
END_TEST

START_TEST(every_layout_keeps_its_promises)
{
    unsigned ok = 0;
    for (uint32_t width = 1; width <= 1100; width += 7)
        for (uint32_t pad = 0; pad < 70; pad += 13)
            for (unsigned fmt = 0; fmt < 2; fmt++)
                for (uint32_t min_rows = 1; min_rows <= 64; min_rows += 9) {
                    enum fb_format format = fmt ? FB_RGB565 : FB_XRGB8888;
                    uint32_t stride = width * fb_bytes_per_pixel(format) + pad, height = 700;
                    if (screen_layout(width, height, stride, format, min_rows, &l) !=
                        SCREEN_LAYOUT_OK)
                        continue;
                    ok++;
                    if (l.guest_offset % SCREEN_PAGE_SIZE != 0 ||
                        l.guest_offset != (uint64_t)l.strip_rows * stride ||
                        l.strip_rows < min_rows || l.strip_rows > height / 2 ||
                        l.strip_rows + l.guest_height != height ||
                        l.buffer_bytes % SCREEN_PAGE_SIZE != 0 ||
                        l.buffer_bytes < (uint64_t)height * stride ||
                        l.buffer_bytes >= (uint64_t)height * stride + SCREEN_PAGE_SIZE)
                        ck_abort_msg("width %u stride %u min %u: rows %u", width, stride, min_rows,
                                     l.strip_rows);
                    /* no fewer rows would do */
                    for (uint32_t r = min_rows; r < l.strip_rows; r++)
                        if ((uint64_t)r * stride % SCREEN_PAGE_SIZE == 0)
                            ck_abort_msg("width %u stride %u: %u rows would do, not %u", width,
                                         stride, r, l.strip_rows);
                }
    ck_assert_uint_eq(ok, 1104); /* of 15168 tried: the rest need too many rows */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("screen_layout");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, common_screens);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, every_layout_keeps_its_promises);
    suite_add_tcase(s, tc);
    return check_run(s);
}
