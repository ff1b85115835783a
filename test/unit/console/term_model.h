/* A terminal for the console tests: it applies exactly the controls the console server may
 * send (CR, LF, BS, ESC [ K) to a screen of rows, and records any other control as a
 * failure, so a test reads what a person would see. */
#pragma once

#include <stdbool.h>

#define TERM_ROWS 8192
#define TERM_COLS 512

struct term {
    char row[TERM_ROWS][TERM_COLS + 1];
    unsigned y, x, rows;
    unsigned bad_controls; /* controls the server must never send */
};

void term_reset(struct term *t);
void term_feed(struct term *t, const char *s, unsigned n);
/* Row i as shown (trailing spaces cut); "" past the last row. */
const char *term_row(struct term *t, unsigned i);
/* The number of rows that have been written to (the cursor's row counts). */
unsigned term_rows(const struct term *t);
