/* The trusted strip: the top rows of the physical screen, drawn only by the display server,
 * naming the partition with focus in its colour (docs/trusted-path.md). */
#pragma once

#include "framebuffer.h"
#include "psf.h"
#include <stdint.h>

/* Pixels left of the name. */
#define STRIP_MARGIN 8u

enum strip_error {
    STRIP_OK,
    STRIP_EFRAMEBUFFER, /* fb_valid() refused the framebuffer's description */
    STRIP_EROWS,        /* a strip of 0 rows */
};

/* The colour the name is written in on a background of rgb: black on light colours, white on
 * dark ones, so that any manifest colour stays readable. */
uint32_t strip_text_colour(uint32_t rgb);

/* Draws the strip over rows [0, rows) of fb (cut to its height): the background in rgb and
 * the name (bytes as Latin-1 code points, up to its NUL or name_len) in strip_text_colour(),
 * STRIP_MARGIN pixels from the left and centred in the rows; what does not fit is cut. Writes
 * only the pixels of those rows (never a stride's padding, never a row below), and nothing at
 * all on an error. */
enum strip_error strip_draw(const struct framebuffer *fb, uint32_t rows,
                            const struct psf_font *font, const char *name, unsigned name_len,
                            uint32_t rgb);
