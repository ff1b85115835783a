/* printf for user programs: formats a line into a buffer, then writes it out through the
 * debug console one call per character (the console server will replace this). */
#include <hv/fmt.h>
#include <hv/print.h>
#include <hv/sys.h>

struct line {
    char buf[160];
    unsigned len;
};

static void flush(struct line *l)
{
    for (unsigned i = 0; i < l->len; i++)
        hv_debug_putc(l->buf[i]);
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
