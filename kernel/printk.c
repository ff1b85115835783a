/* Kernel console output through the arch's polled console. */
#include <arch.h>
#include <hv/fmt.h>
#include <kernel/printk.h>

static void console_putc(void *ctx, char c)
{
    arch_console_putc(c);
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vformat(console_putc, NULL, fmt, ap);
    va_end(ap);
    return n;
}
