/* A tiny printf-style formatter: enough for logs and test reports, no floating point. */
#include <hv/fmt.h>
#include <stdbool.h>
#include <stdint.h>

struct out {
    fmt_putc_fn putc;
    void *ctx;
    int count;
};

static void emit(struct out *o, char c)
{
    o->putc(o->ctx, c);
    o->count++;
}

static void emit_number(struct out *o, uint64_t v, unsigned base, bool upper, bool negative,
                        unsigned width, char pad)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    unsigned n = 0;

    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v);
    unsigned len = n + (negative ? 1 : 0);
    /* With zero padding the sign goes before the zeros, with spaces after them. */
    if (negative && pad == '0')
        emit(o, '-');
    for (; width > len; width--)
        emit(o, pad);
    if (negative && pad != '0')
        emit(o, '-');
    while (n)
        emit(o, buf[--n]);
}

int fmt_vformat(fmt_putc_fn putc, void *ctx, const char *fmt, va_list ap)
{
    struct out o = {putc, ctx, 0};

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        bool left = false;
        if (*fmt == '-') {
            left = true;
            fmt++;
        }
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        unsigned width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (unsigned)(*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            longs += *fmt == 'z' ? 2 : 1;
            fmt++;
        }
        switch (*fmt) {
        case 'c':
            emit(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            unsigned len = 0;
            while (s[len])
                len++;
            for (unsigned i = len; !left && i < width; i++)
                emit(&o, ' ');
            while (*s)
                emit(&o, *s++);
            for (unsigned i = len; left && i < width; i++)
                emit(&o, ' ');
            break;
        }
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            emit_number(&o, mag, 10, false, v < 0, width, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            emit_number(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, pad);
            break;
        }
        case 'p':
            emit(&o, '0');
            emit(&o, 'x');
            emit_number(&o, (uintptr_t)va_arg(ap, void *), 16, false, false, 16, '0');
            break;
        case '%':
            emit(&o, '%');
            break;
        case '\0':
            return o.count;
        default:
            /* Unknown conversions are shown as they are, so a typo is visible in the log. */
            emit(&o, '%');
            emit(&o, *fmt);
            break;
        }
    }
    return o.count;
}

struct buf_ctx {
    char *buf;
    size_t size;
    size_t used;
};

static void buf_putc(void *ctx, char c)
{
    struct buf_ctx *b = ctx;
    if (b->used + 1 < b->size)
        b->buf[b->used] = c;
    b->used++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buf_ctx b = {buf, size, 0};
    int n = fmt_vformat(buf_putc, &b, fmt, ap);
    if (size)
        buf[b.used < size ? b.used : size - 1] = '\0';
    return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
