/* One partition's screen buffer laid out as [strip rows][guest rows] so that the strip is whole
 * pages that are never mapped into the guest, and the guest's framebuffer starts on a page:
 * switching the focus is then pointing the physical display at another buffer, with no copy. */
#pragma once

#include "framebuffer.h"
#include <stdint.h>

#define SCREEN_PAGE_SIZE 4096u

struct screen_layout {
    uint32_t strip_rows;   /* rows [0, strip_rows) are the strip's */
    uint64_t guest_offset; /* where the guest's framebuffer starts: strip_rows * stride, a
                            * multiple of SCREEN_PAGE_SIZE */
    uint32_t guest_height; /* the guest's rows: the same width, stride and format */
    uint64_t buffer_bytes; /* the whole buffer, in whole pages */
};

enum screen_layout_error {
    SCREEN_LAYOUT_OK,
    SCREEN_LAYOUT_EGEOMETRY, /* an unknown format, a width or height of 0, a stride too small */
    SCREEN_LAYOUT_ENOFIT,    /* no strip of at least min_rows rows ending on a page leaves the
                              * guest at least half the screen */
};

/* The layout of a width x height screen with the given stride and format, its strip at least
 * min_rows (1..) rows: the fewest rows from min_rows on whose bytes fill whole pages. */
enum screen_layout_error screen_layout(uint32_t width, uint32_t height, uint32_t stride,
                                       enum fb_format format, uint32_t min_rows,
                                       struct screen_layout *out);
