/* The console server's logic: one physical terminal shared by the partitions, each line
 * tagged with whose it is, input going only to the partition with focus, output queued so the
 * server never waits for the line. Every byte the terminal gets is drawn here: a guest's own
 * bytes are text in its line (console_line.c), never controls. */
#include "console.h"
#include <hv/fmt.h>
#include <hv/proto/focus.h>
#include <hv/string.h>

_Static_assert(CONSOLE_OWNER_ROOT + 1 == CONSOLE_TX_SERVER, "one queue owner per writer");

/* What one call draws, before it is queued whole or not at all. */
struct draw {
    char b[2 * CONSOLE_LINE_MAX + 3 * HV_CONSOLE_NAME_MAX + 16];
    unsigned n;
};

static void draw_bytes(struct draw *d, const char *s, unsigned n)
{
    for (unsigned i = 0; i < n && d->n < sizeof(d->b); i++)
        d->b[d->n++] = s[i];
}

static void draw_str(struct draw *d, const char *s)
{
    draw_bytes(d, s, (unsigned)strlen(s));
}

/* Ends the other client's unfinished line on the terminal, so ours starts a line. */
static void draw_break(struct console *c, struct draw *d)
{
    if (c->mid_line >= 0)
        draw_str(d, "\r\n");
}

static bool queue(struct console *c, unsigned owner, const struct draw *d)
{
    return d->n == 0 || tx_put(&c->tx, owner, d->b, d->n);
}

/* Draws client's line: the new part only when the terminal already shows the rest with the
 * cursor at its end, else the whole line after its tag (in place, when it is the line the
 * terminal shows). complete: the line ends. false: the queue refused it; nothing changed. */
static bool draw_line(struct console *c, unsigned client, bool complete)
{
    struct console_client *cl = &c->clients[client];
    struct console_line *l = &cl->line;
    bool shown = c->mid_line == (int)client;
    if (!complete && !shown && l->len == 0)
        return true; /* nothing to show yet */
    struct draw d = {.n = 0};
    if (shown && !l->edited && cl->cursor_at_end && cl->drawn <= l->len) {
        draw_bytes(&d, l->text + cl->drawn, l->len - cl->drawn);
    } else {
        if (shown)
            draw_str(&d, "\r");
        else
            draw_break(c, &d);
        draw_str(&d, "[");
        draw_str(&d, cl->name);
        draw_str(&d, "] ");
        draw_bytes(&d, l->text, l->len);
        if (shown)
            draw_str(&d, "\x1b[K"); /* what the line held beyond its new end */
    }
    if (complete)
        draw_str(&d, "\r\n");
    else
        for (unsigned i = l->cursor; i < l->len; i++)
            draw_str(&d, "\b");
    if (!queue(c, client, &d))
        return false;
    if (complete) {
        line_reset(l);
        c->mid_line = -1;
    } else {
        c->mid_line = (int)client;
        cl->drawn = l->len;
        cl->cursor_at_end = l->cursor == l->len;
        line_mark_drawn(l);
    }
    return true;
}

/* The server's own line ("[duet] ..."): never charged to a writer's quota. */
static void server_line(struct console *c, const char *text)
{
    struct draw d = {.n = 0};
    draw_break(c, &d);
    draw_str(&d, "[duet] ");
    draw_str(&d, text);
    draw_str(&d, "\r\n");
    if (queue(c, CONSOLE_TX_SERVER, &d))
        c->mid_line = -1;
    else
        c->server_dropped++;
}

static void report_drops(struct console *c, unsigned client)
{
    struct console_client *cl = &c->clients[client];
    if (!cl->unreported_drops)
        return;
    char text[80];
    fmt_snprintf(text, sizeof(text), "%s: %u line(s) of output dropped (faster than the line)",
                cl->name, cl->unreported_drops);
    cl->unreported_drops = 0;
    server_line(c, text);
}

static void end_line(struct console *c, unsigned client)
{
    struct console_client *cl = &c->clients[client];
    if (draw_line(c, client, true)) {
        report_drops(c, client);
        return;
    }
    /* Over its quota: the line is lost, counted, and said when the client's output flows
     * again. A stale partial line on the terminal is drawn over by the next one. */
    line_reset(&cl->line);
    cl->dropped_lines++;
    cl->unreported_drops++;
    cl->drawn = 0;
    cl->cursor_at_end = false;
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
    /* Each partition and the root's log share the queue equally; the server keeps a reserve. */
    tx_init(&c->tx, (CONSOLE_TX_SIZE - CONSOLE_TX_RESERVE) / (nclients + 1));
    return true;
}

void console_output(struct console *c, unsigned client, const uint8_t *bytes, unsigned n)
{
    if (client >= c->nclients)
        return;
    struct console_line *l = &c->clients[client].line;
    for (unsigned i = 0; i < n; i++) {
        enum line_event e = line_feed(l, bytes[i]);
        if (e == LINE_FULL) {
            end_line(c, client); /* the rest goes on in a new line, tagged again */
            e = line_feed(l, bytes[i]);
        }
        if (e == LINE_END)
            end_line(c, client);
    }
    /* A client's VMM sends a full message while the line goes on (it cuts long lines at 48
     * bytes), and a shorter one when the guest stopped writing: only then does the focused
     * partition's partial line (its shell prompt) show at once. */
    if (client == c->focus && n < HV_CONSOLE_WRITE_MAX)
        draw_line(c, client, false);
}

/* The device servers' names, by enum hv_console_server: what their lines start with. */
static const char *const server_names[HV_CONSOLE_SERVERS] = {
    [HV_CONSOLE_SERVER_STORAGE] = "storage",
    [HV_CONSOLE_SERVER_RADIO] = "radio",
    [HV_CONSOLE_SERVER_KEYBOARD] = "keyboard",
    [HV_CONSOLE_SERVER_DISPLAY] = "display",
};

/* Writes writer w's log line on a terminal line of its own. */
static void write_log(struct console *c, unsigned w)
{
    struct console_line *l = &c->logs[w];
    struct draw d = {.n = 0};
    draw_break(c, &d);
    bool vmm = w > 0 && w <= HV_CONSOLE_MAX_CLIENTS;
    if (vmm) {
        draw_str(&d, "[");
        draw_str(&d, c->clients[w - 1].name);
        draw_str(&d, ":vmm] ");
    } else if (w > HV_CONSOLE_MAX_CLIENTS) {
        /* The rendered line (a CR or an escape already applied) is what the tag must start. */
        const char *name = server_names[w - CONSOLE_WRITER_SERVER(0)];
        size_t k = strlen(name);
        if (l->len < k + 2 || memcmp(l->text, name, k) || l->text[k] != ':' || l->text[k + 1] != ' ') {
            draw_str(&d, name);
            draw_str(&d, ": ");
        }
    }
    draw_bytes(&d, l->text, l->len);
    draw_str(&d, "\r\n");
    if (queue(c, vmm ? w - 1 : CONSOLE_OWNER_ROOT, &d))
        c->mid_line = -1;
    else if (vmm)
        c->clients[w - 1].dropped_lines++, c->clients[w - 1].unreported_drops++;
    else
        c->root_log_dropped++;
    line_reset(l);
}

void console_log(struct console *c, unsigned w, const uint8_t *bytes, unsigned n, bool end)
{
    if ((w > c->nclients && w < CONSOLE_WRITER_SERVER(0)) || w >= CONSOLE_WRITERS)
        return;
    for (unsigned i = 0; i < n; i++) {
        enum line_event e = line_feed(&c->logs[w], bytes[i]);
        if (e == LINE_FULL) {
            write_log(c, w);
            e = line_feed(&c->logs[w], bytes[i]);
        }
        if (e == LINE_END)
            write_log(c, w);
    }
    if (end)
        write_log(c, w);
}

static void set_focus(struct console *c, unsigned client)
{
    if (client >= c->nclients)
        return;
    draw_line(c, c->focus, false); /* what the old focus typed so far stays visible */
    c->focus = client;
    char text[HV_CONSOLE_NAME_MAX + 16];
    fmt_snprintf(text, sizeof(text), "focus: %s", c->clients[client].name);
    server_line(c, text);
    draw_line(c, client, false); /* and the new focus's pending prompt shows */
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

/* Ctrl-T's choice: the console's own focus, or a request for the owner. */
static void choose(struct console *c, uint64_t label, uint64_t arg)
{
    if (!c->follow) {
        set_focus(c, label == HV_FOCUS_NEXT ? (c->focus + 1) % c->nclients : (unsigned)arg);
        return;
    }
    c->request_pending = true; /* a second Ctrl-T before the call: the newer one counts */
    c->request_label = label;
    c->request_arg = arg;
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
        choose(c, HV_FOCUS_SET, (unsigned)(byte - '1'));
    else if (byte == 'n')
        choose(c, HV_FOCUS_NEXT, 0);
    /* anything else after the focus key is dropped: a mistyped sequence reaches no guest */
}

void console_follow(struct console *c)
{
    c->follow = true;
}

bool console_take_request(struct console *c, uint64_t *label, uint64_t *arg)
{
    if (!c->request_pending)
        return false;
    c->request_pending = false;
    *label = c->request_label;
    *arg = c->request_arg;
    return true;
}

void console_focus_moved(struct console *c, unsigned client)
{
    set_focus(c, client);
}

void console_focus_refused(struct console *c, uint64_t label, uint64_t arg, int err)
{
    char text[HV_CONSOLE_NAME_MAX + 64];
    if (label == HV_FOCUS_SET && arg < c->nclients)
        fmt_snprintf(text, sizeof(text), "focus: %s may not take the focus (error %d)",
                     c->clients[arg].name, err);
    else if (label == HV_FOCUS_SET)
        fmt_snprintf(text, sizeof(text), "focus: no partition %lu (error %d)", arg + 1, err);
    else
        fmt_snprintf(text, sizeof(text), "focus: refused (error %d)", err);
    server_line(c, text);
}

void console_follow_lost(struct console *c, uint64_t label, uint64_t arg)
{
    c->follow = false;
    c->request_pending = false;
    server_line(c, "focus: no focus owner answers: the console keeps its own focus");
    choose(c, label, arg);
}

bool console_tx_pump(struct console *c)
{
    const uint8_t *p;
    unsigned n;
    while ((n = tx_peek(&c->tx, &p)) != 0) {
        unsigned took = c->io.uart_tx(c->io.ctx, p, n);
        tx_consume(&c->tx, took < n ? took : n);
        if (took < n)
            break;
    }
    return !tx_empty(&c->tx);
}
