/* The console server's logic, free of system calls so that the host tests can drive it:
 * output tagged by client, input to the client with focus, the focus key, and a transmit
 * queue that never waits for the line. */
#pragma once

#include "console_line.h"
#include "console_tx.h"
#include <hv/proto/console.h>
#include <stdbool.h>
#include <stdint.h>

/* Transmit-queue owners beside the clients (0..HV_CONSOLE_MAX_CLIENTS - 1). */
#define CONSOLE_OWNER_ROOT HV_CONSOLE_MAX_CLIENTS /* the root task's log lines */
/* Log writers: the root task (0), each client's VMM (1..), then each device server. */
#define CONSOLE_WRITER_SERVER(s) (HV_CONSOLE_MAX_CLIENTS + 1 + (unsigned)(s))
#define CONSOLE_WRITERS CONSOLE_WRITER_SERVER(HV_CONSOLE_SERVERS)
/* Room in the queue kept for the server's own lines (focus changes, drop notices). */
#define CONSOLE_TX_RESERVE 1024u

struct console_io {
    /* Writes what the UART takes now of s[0..n), never waiting; returns how many it took. */
    unsigned (*uart_tx)(void *ctx, const uint8_t *s, unsigned n);
    void (*notify)(void *ctx, unsigned client); /* input is waiting for it */
    void *ctx;
};

struct console_client {
    char name[HV_CONSOLE_NAME_MAX];
    struct hv_console_ring *ring; /* input; NULL: this client takes no input */
    struct console_line line;     /* output: the line in the making */
    /* While the terminal shows this client's unfinished line (console.mid_line): how much of
     * it, and whether the terminal's cursor stands at its end. */
    unsigned drawn;
    bool cursor_at_end;
    uint32_t dropped_lines;    /* lines the transmit queue refused (over the client's quota) */
    uint32_t unreported_drops; /* of those, not yet told on the terminal */
};

struct console {
    struct console_io io;
    unsigned nclients, focus;
    bool escape;  /* the focus key was the last input byte */
    /* Following the focus owner (docs/trusted-path.md): Ctrl-T changes nothing here but leaves
     * a request for the owner (the server makes the call, outside its lock), and the focus
     * changes only when the owner's page says so (console_focus_moved). */
    bool follow;
    bool request_pending;
    uint64_t request_label, request_arg; /* HV_FOCUS_SET / HV_FOCUS_NEXT and its partition */
    int mid_line; /* the client whose unfinished line the terminal shows, or -1 */
    struct console_client clients[HV_CONSOLE_MAX_CLIENTS];
    /* Log lines in the making, by writer: 0 the root task, i + 1 client i's VMM,
     * CONSOLE_WRITER_SERVER(s) device server s. */
    struct console_line logs[CONSOLE_WRITERS];
    uint32_t root_log_dropped; /* root log lines the queue refused */
    uint32_t server_dropped;   /* the server's own lines it could not queue */
    struct console_tx tx;
};

/* Sets up for nclients (1..HV_CONSOLE_MAX_CLIENTS) named clients; false if the numbers are
 * out of range. Names are cut to HV_CONSOLE_NAME_MAX - 1 bytes. */
bool console_init(struct console *c, const struct console_io *io, unsigned nclients,
                  const char names[][HV_CONSOLE_NAME_MAX], unsigned focus);

/* Output of client i, any bytes at all: each line appears whole, tagged "[name] " by the
 * server, with every control the guest wrote applied within the line or neutralised
 * (console_line.h). A partial line is held until its newline, unless the client has focus and
 * sent fewer than HV_CONSOLE_WRITE_MAX bytes (the guest paused: a shell prompt must show); a
 * line longer than CONSOLE_LINE_MAX goes on in a new tagged line. A shown partial line that
 * another client's line interrupts is drawn again, tag and all, when it goes on. */
void console_output(struct console *c, unsigned client, const uint8_t *bytes, unsigned n);

/* A piece of a log line from writer w (0 the root task, i + 1 client i's VMM,
 * CONSOLE_WRITER_SERVER(s) device server s; any other is ignored); end says the line ends
 * with it. The line appears whole on a terminal line of its own: the root task's untagged, a
 * VMM's tagged "[name:vmm] ", a device server's starting "<server>: ", so that only the root
 * task and the console server write lines without a tag of their writer's. */
void console_log(struct console *c, unsigned w, const uint8_t *bytes, unsigned n, bool end);

/* One byte typed on the physical UART. */
void console_input(struct console *c, uint8_t byte);

/* From now on the focus is the owner's: Ctrl-T asks it (console_take_request) and
 * console_focus_moved() moves the focus. */
void console_follow(struct console *c);

/* The request Ctrl-T left for the owner, if any (taken: it is made once). */
bool console_take_request(struct console *c, uint64_t *label, uint64_t *arg);

/* The owner's page says the focus moved to client (a move, or several seen as one): the
 * "[duet] focus: <name>" line, and input goes there. A client out of range changes nothing. */
void console_focus_moved(struct console *c, unsigned client);

/* The owner refused the request (err: an hv_error; e.g. HV_EINVAL, a partition that may not
 * take focus): said on the terminal, the focus stays. */
void console_focus_refused(struct console *c, uint64_t label, uint64_t arg, int err);

/* The owner can't be called (no cap to it: it never came up): the console keeps its own focus
 * from now on, and carries out the request that found no owner itself. */
void console_follow_lost(struct console *c, uint64_t label, uint64_t arg);

/* Gives the UART what it takes of the queue; true while bytes still wait (the caller then
 * waits for the UART's transmit interrupt and calls again). */
bool console_tx_pump(struct console *c);
