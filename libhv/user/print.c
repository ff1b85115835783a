/* printf for user programs: formats a line into a buffer, then writes it out, to the console
 * server as a log line once the program was given its endpoint (hv_print_to_console), else
 * through the kernel's debug console one call per character, for a program that holds its
 * cap (hv_print_to_debug). */
#include <hv/proto/console.h>
#include <hv/fmt.h>
#include <hv/print.h>
#include <hv/sys.h>

struct line {
    char buf[160];
    unsigned len;
};

static bool to_console;
static uint64_t console_ep, debug_cap;

void hv_print_to_debug(uint64_t cap)
{
    debug_cap = cap;
}

void hv_print_to_console(uint64_t ep)
{
    console_ep = ep;
    to_console = true;
}

/* One log message of n <= HV_CONSOLE_WRITE_MAX bytes; false if the server did not take it. */
static bool log_piece(const char *s, unsigned n, bool end)
{
    struct hv_msg m = {0};
    for (unsigned i = 0; i < n; i++)
        m.w[i / 8] |= (uint64_t)(uint8_t)s[i] << (8 * (i % 8));
    m.info = hv_msginfo(hv_console_log_label(n, end), (n + 7) / 8);
    return hv_call(console_ep, &m) == 0 && hv_msginfo_label(m.info) == 0;
}

/* Sends the buffer as (part of) a log line; a newline ends the line and is not sent. */
static bool log_line(const char *s, unsigned len)
{
    bool end = len && s[len - 1] == '\n';
    unsigned n = end ? len - 1 : len, off = 0;
    do {
        unsigned k = n - off < HV_CONSOLE_WRITE_MAX ? n - off : HV_CONSOLE_WRITE_MAX;
        if (!log_piece(s + off, k, end && off + k == n))
            return false;
        off += k;
    } while (off < n);
    return true;
}

static void flush(struct line *l)
{
    /* A refused log line (no server, a bad cap) still reaches the terminal, untidily, from a
     * program that holds the kernel's debug console (the root task); others lose it. */
    if (l->len && !(to_console && log_line(l->buf, l->len)) && debug_cap)
        for (unsigned i = 0; i < l->len; i++)
            hv_debug_putc(debug_cap, l->buf[i]);
    l->len = 0;
}

static void line_putc(void *ctx, char c)
{
    struct line *l = ctx;
    l->buf[l->len++] = c;
    if (c == '\n' || l->len == sizeof(l->buf))
        flush(l);
}

int hv_printf(const char *fmt, ...)
{
    struct line l = {.len = 0};
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vformat(line_putc, &l, fmt, ap);
    va_end(ap);
    flush(&l);
    return n;
}
