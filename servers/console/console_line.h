/* One partition's current terminal line, as its guest means it: built from the bytes the guest
 * writes, so that no guest byte ever reaches the terminal as a control. Printable ASCII is
 * kept; the editing a shell does (CR, BS, TAB, CSI K/C/D) is applied to the line; colours
 * (CSI m) are dropped; every other control is shown escaped (^X, \xNN). The console server
 * then draws the line itself, after a tag the guest cannot write (docs/console.md). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CONSOLE_LINE_MAX 160

enum line_event {
    LINE_MORE, /* the byte was taken (or was part of a sequence) */
    LINE_END,  /* a newline: the line is complete */
    LINE_FULL, /* no room for what the byte adds: nothing changed; end the line, feed again */
};

struct console_line {
    char text[CONSOLE_LINE_MAX];
    unsigned len;     /* text[0..len) is the line */
    unsigned cursor;  /* where the next byte lands (0..len) */
    bool edited;      /* changed other than by appending since line_mark_drawn() */
    bool cr;          /* a CR came last: a newline next ends the line, anything else rewrites */
    uint8_t esc;      /* escape-sequence state (console_line.c) */
    unsigned esc_arg; /* the first numeric parameter of a CSI sequence */
    uint32_t neutralised; /* controls shown escaped or dropped, for the record */
};

/* Empties the line (the counter stays). */
void line_reset(struct console_line *l);
/* Feeds one byte the guest wrote. */
enum line_event line_feed(struct console_line *l, uint8_t byte);
/* The terminal now shows the line as it is. */
static inline void line_mark_drawn(struct console_line *l)
{
    l->edited = false;
}
