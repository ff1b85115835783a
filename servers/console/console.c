/* The console server's logic: one physical terminal shared by the partitions, each line
 * tagged with whose it is, input going only to the partition with focus. */
#include "console.h"
#include <hv/string.h>

static void put(struct console *c, const char *s, unsigned n)
{
    if (n)
        c->io.uart_write(c->io.ctx, s, n);
}

static void put_str(struct console *c, const char *s)
{
    put(c, s, (unsigned)strlen(s));
}

/* The terminal shows another client's partial line: end it so the next tag starts a line. */
static void break_line_of_other(struct console *c, unsigned client)
{
    if (c->mid_line >= 0 && (unsigned)c->mid_line != client) {
        put(c, "\r\n", 2);
        c->mid_line = -1;
    }
}

/* Writes client's buffered bytes; complete says whether they end its line. */
static void flush(struct console *c, unsigned client, bool complete)
{
    struct console_client *cl = &c->clients[client];
    if (!cl->len && !complete)
        return;
    break_line_of_other(c, client);
    if (c->mid_line < 0) {
        put(c, "[", 1);
        put_str(c, cl->name);
        put(c, "] ", 2);
        put(c, cl->shown, cl->shown_len); /* its start, shown before another line broke in */
    }
    put(c, cl->line, cl->len);
    if (complete) {
        put(c, "\n", 1);
        c->mid_line = -1;
        cl->shown_len = 0;
    } else {
        c->mid_line = (int)client;
        if (cl->shown_len + cl->len <= CONSOLE_LINE_MAX) {
            memcpy(cl->shown + cl->shown_len, cl->line, cl->len);
            cl->shown_len += cl->len;
        } else {
            cl->shown_len = 0; /* too long to repeat: the rest will start a bare line */
        }
    }
    cl->len = 0;
}

bool console_init(struct console *c, const struct console_io *io, unsigned nclients,
                  const char names[][HV_CONSOLE_NAME_MAX], unsigned focus)
{
    if (nclients == 0 || nclients > HV_CONSOLE_MAX_CLIENTS || focus >= nclients)
        return false;
    memset(c, 0, sizeof(*c));
    c->io = *io;
    c->nclients = nclients;
    c->focus = focus;
    c->mid_line = -1;
    for (unsigned i = 0; i < nclients; i++) {
        unsigned k = 0;
        for (; k < HV_CONSOLE_NAME_MAX - 1 && names[i][k]; k++)
            c->clients[i].name[k] = names[i][k];
        c->clients[i].name[k] = '\0';
    }
    return true;
}

void console_output(struct console *c, unsigned client, const uint8_t *bytes, unsigned n)
{
    if (client >= c->nclients)
        return;
    struct console_client *cl = &c->clients[client];
    for (unsigned i = 0; i < n; i++) {
        char ch = (char)bytes[i];
        if (ch == '\n') {
            flush(c, client, true);
            continue;
        }
        cl->line[cl->len++] = ch;
        if (cl->len == CONSOLE_LINE_MAX)
            flush(c, client, false);
    }
    /* A client's VMM sends a full message while the line goes on (it cuts long lines at 48
     * bytes), and a shorter one when the guest stopped writing: only then does the focused
     * partition's partial line (its shell prompt) show at once. */
    if (client == c->focus && n < HV_CONSOLE_WRITE_MAX)
        flush(c, client, false);
}

/* Writes a log line on a terminal line of its own; a prompt it broke shows again, tag and
 * all, with its client's next output (as after another client's line). */
static void write_log(struct console *c, struct console_log *l)
{
    break_line_of_other(c, c->nclients); /* any client: end whatever line is open */
    put(c, l->line, l->len);
    put(c, "\n", 1);
    l->len = 0;
}

void console_log(struct console *c, unsigned w, const uint8_t *bytes, unsigned n, bool end)
{
    if (w > c->nclients)
        return;
    struct console_log *l = &c->logs[w];
    for (unsigned i = 0; i < n; i++) {
        if (l->len == CONSOLE_LINE_MAX)
            write_log(c, l);
        l->line[l->len++] = (char)bytes[i];
    }
    if (end)
        write_log(c, l);
}

static void set_focus(struct console *c, unsigned client)
{
    if (client >= c->nclients)
        return;
    flush(c, c->focus, false); /* what the old focus typed so far stays visible */
    c->focus = client;
    break_line_of_other(c, c->nclients); /* any client: end whatever line is open */
    put_str(c, "[duet] focus: ");
    put_str(c, c->clients[client].name);
    put(c, "\r\n", 2);
    flush(c, client, false); /* and the new focus's pending prompt shows */
}

static void deliver(struct console *c, uint8_t byte)
{
    struct console_client *cl = &c->clients[c->focus];
    if (!cl->ring)
        return;
    if (!hv_console_ring_put(cl->ring, byte))
        cl->ring->dropped++;
    c->io.notify(c->io.ctx, c->focus);
}

void console_input(struct console *c, uint8_t byte)
{
    if (!c->escape) {
        if (byte == HV_CONSOLE_FOCUS_KEY)
            c->escape = true;
        else
            deliver(c, byte);
        return;
    }
    c->escape = false;
    if (byte == HV_CONSOLE_FOCUS_KEY)
        deliver(c, byte);
    else if (byte >= '1' && byte <= '9')
        set_focus(c, (unsigned)(byte - '1'));
    else if (byte == 'n')
        set_focus(c, (c->focus + 1) % c->nclients);
    /* anything else after the focus key is dropped: a mistyped sequence reaches no guest */
}
