/* The console's text output: lines go to the arch's UART byte by byte, formatted by libhv's
 * formatter (the one the kernel and Duet's programs use). */
#include <guest/console.h>
#include <hv/fmt.h>
#include <stdarg.h>

void console_putc(char c)
{
    arch_console_putc(c);
}

int console_getc(void)
{
    return arch_console_getc();
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        arch_console_putc(s[i]);
}

static void put(void *ctx, char c)
{
    (void)ctx;
    arch_console_putc(c);
}

int gprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vformat(put, NULL, fmt, ap);
    va_end(ap);
    return n;
}
