/* The console server's logic, free of system calls so that the host tests can drive it:
 * output tagged by client, input to the client with focus, and the focus key. */
#pragma once

#include <hv/proto/console.h>
#include <stdbool.h>
#include <stdint.h>

#define CONSOLE_LINE_MAX 160

struct console_io {
    void (*uart_write)(void *ctx, const char *s, unsigned n); /* to the physical UART */
    void (*notify)(void *ctx, unsigned client);               /* input is waiting for it */
    void *ctx;
};

struct console_client {
    char name[HV_CONSOLE_NAME_MAX];
    struct hv_console_ring *ring; /* input; NULL: this client takes no input */
    char line[CONSOLE_LINE_MAX];  /* output not yet written: a line in the making */
    unsigned len;
    /* What the terminal already shows of this line (a prompt shown at once), written again
     * after the tag when another client's line broke it; shown_len 0 when the shown part
     * did not fit (the continuation then starts bare). */
    char shown[CONSOLE_LINE_MAX];
    unsigned shown_len;
};

/* A log line in the making, one per writer (the root task, each client's VMM). */
struct console_log {
    char line[CONSOLE_LINE_MAX];
    unsigned len;
};

struct console {
    struct console_io io;
    unsigned nclients, focus;
    bool escape;        /* the focus key was the last input byte */
    int mid_line;       /* the client whose partial line the terminal shows, or -1 */
    struct console_client clients[HV_CONSOLE_MAX_CLIENTS];
    struct console_log logs[HV_CONSOLE_MAX_CLIENTS + 1]; /* by writer (see console_log) */
};

/* Sets up for nclients (1..HV_CONSOLE_MAX_CLIENTS) named clients; false if the numbers are
 * out of range. Names are cut to HV_CONSOLE_NAME_MAX - 1 bytes. */
bool console_init(struct console *c, const struct console_io *io, unsigned nclients,
                  const char names[][HV_CONSOLE_NAME_MAX], unsigned focus);

/* Output of client i: each line appears whole, tagged "[name] ". A partial line is held until
 * its newline, unless the client has focus and sent fewer than HV_CONSOLE_WRITE_MAX bytes (the
 * guest paused: a shell prompt must show), or the line is full. A shown partial line that
 * another client's line interrupts is shown again, tag and all, when it goes on, so each
 * line still reads whole on one terminal line. */
void console_output(struct console *c, unsigned client, const uint8_t *bytes, unsigned n);

/* A piece of a log line from writer w (the badge: 0 the root task, i + 1 client i's VMM; any
 * other is ignored); end says the line ends with it. The line appears whole and untagged on a
 * terminal line of its own; a partial line it broke (a prompt) is shown again, tag and all,
 * when its client writes on. A line longer than CONSOLE_LINE_MAX comes out in several. */
void console_log(struct console *c, unsigned w, const uint8_t *bytes, unsigned n, bool end);

/* One byte typed on the physical UART. */
void console_input(struct console *c, uint8_t byte);
