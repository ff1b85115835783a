/* Unit tests for the screen buffer's placement (servers/display/screen_place.c): retyped in
 * order from one untyped, as the kernel does (each object naturally aligned above the
 * watermark), the pads put the strip's end on a 2 MiB boundary, with nothing between the strip
 * and the guest's blocks; and the protocol's geometry (hv/proto/display.h) is the layout's. */
#include "check_run.h"
#include "screen_layout.h"
#include "screen_place.h"
#include <hv/proto/display.h>

#define PAGE 4096ull
#define BLOCK (2ull << 20)

/* The kernel's retype watermark: the next object of 2^bits bytes starts at the first multiple
 * of its size at or above it. */
static uint64_t take(uint64_t *watermark, unsigned bits)
{
    uint64_t size = 1ull << bits, at = (*watermark + size - 1) / size * size;
    *watermark = at + size;
    return at;
}

/* Retypes the placement as display_start.c does and checks every promise. */
static void check_place(uint64_t strip_bytes, uint64_t guest_bytes)
{
    struct screen_place p;
    ck_assert_msg(screen_place(strip_bytes, guest_bytes, &p), "strip %llu guest %llu refused",
                  (unsigned long long)strip_bytes, (unsigned long long)guest_bytes);
    uint64_t w = 0;
    for (unsigned i = 0; i < p.npads; i++) {
        if (i)
            ck_assert_uint_lt(p.pad_bits[i], p.pad_bits[i - 1]);
        ck_assert_uint_ge(p.pad_bits[i], 12);
        take(&w, p.pad_bits[i]);
    }
    ck_assert_uint_eq(p.strip_pages * PAGE, strip_bytes);
    uint64_t strip = 0;
    bool contiguous = true; /* checked once: a ck_assert per page is slow under ASan */
    for (uint32_t k = 0; k < p.strip_pages; k++) {
        uint64_t at = take(&w, 12);
        if (k == 0)
            strip = at;
        contiguous = contiguous && at == strip + k * PAGE;
    }
    ck_assert_msg(contiguous, "strip %llu: its pages are not contiguous",
                  (unsigned long long)strip_bytes);
    ck_assert_uint_eq(strip, p.buffer_offset);
    ck_assert_uint_eq(p.guest_blocks, (guest_bytes + BLOCK - 1) / BLOCK);
    for (uint32_t k = 0; k < p.guest_blocks; k++)
        ck_assert_uint_eq(take(&w, 21), strip + strip_bytes + k * BLOCK); /* right after */
    ck_assert_uint_le(w, 1ull << p.untyped_bits);
    /* the smallest untyped that holds it */
    ck_assert_uint_gt(w, 1ull << (p.untyped_bits - 1));
}

START_TEST(every_strip_size)
{
    for (uint64_t strip = PAGE; strip <= 3 * BLOCK; strip += PAGE)
        check_place(strip, 2981888);
    for (uint64_t guest = 1; guest < 8 * BLOCK; guest = guest * 3 + 1)
        check_place(40 * PAGE, guest);
}
END_TEST

START_TEST(refusals)
{
    struct screen_place p;
    ck_assert(!screen_place(0, 4096, &p));
    ck_assert(!screen_place(4095, 4096, &p));
    ck_assert(!screen_place(4096 + 1, 4096, &p));
    ck_assert(!screen_place(4096, 0, &p));
    ck_assert(!screen_place(1ull << 40, 4096, &p));
    ck_assert(!screen_place(4096, 1ull << 40, &p));
}
END_TEST

START_TEST(the_protocols_geometry)
{
    /* The strip: the font's 32 rows and a margin of 8, whole pages with a 4096-byte stride. */
    struct screen_layout l;
    ck_assert_int_eq(screen_layout(HV_DISPLAY_WIDTH, HV_DISPLAY_HEIGHT, HV_DISPLAY_STRIDE,
                                   FB_XRGB8888, 32 + 8, &l),
                     SCREEN_LAYOUT_OK);
    ck_assert_uint_eq(l.strip_rows, HV_DISPLAY_STRIP_ROWS);
    ck_assert_uint_eq(l.guest_height, HV_DISPLAY_GUEST_HEIGHT);
    ck_assert_uint_eq(l.guest_offset, (uint64_t)HV_DISPLAY_STRIP_ROWS * HV_DISPLAY_STRIDE);
    ck_assert_uint_eq(l.guest_offset + HV_DISPLAY_GUEST_BYTES, l.buffer_bytes);
    struct screen_place p;
    ck_assert(screen_place(l.guest_offset, HV_DISPLAY_GUEST_BYTES, &p));
    ck_assert_uint_eq(p.guest_blocks, HV_DISPLAY_GUEST_BLOCKS);
    ck_assert_uint_eq(p.strip_pages, 40);
    ck_assert_uint_eq(p.buffer_offset, BLOCK - 40 * PAGE);
    ck_assert_uint_eq(p.untyped_bits, 23); /* 2 MiB (pads and strip) + 2 blocks: 8 MiB */
    /* The guests' framebuffers: 2 MiB-aligned (mapped in blocks), below 4 GiB. */
    ck_assert_uint_eq(HV_DISPLAY_GUEST_FB_GPA_AARCH64 % BLOCK, 0);
    ck_assert_uint_eq(HV_DISPLAY_GUEST_FB_GPA_X86_64 % BLOCK, 0);
    ck_assert_uint_lt(HV_DISPLAY_GUEST_FB_GPA_X86_64 + HV_DISPLAY_GUEST_MAP_BYTES, 1ull << 32);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("screen_place");
    TCase *tc = tcase_create("place");
    tcase_add_test(tc, every_strip_size);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, the_protocols_geometry);
    suite_add_tcase(s, tc);
    return check_run(s);
}
