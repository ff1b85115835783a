/* A tiny printf-style formatter shared by the kernel's printk and user programs' printf. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_putc_fn)(void *ctx, char c);

/* Supports %c %s %d %i %u %x %X %p %%, the l/ll/z size modifiers, '0' padding and a width.
 * Returns the number of characters produced. */
int fmt_vformat(fmt_putc_fn putc, void *ctx, const char *fmt, va_list ap);

/* Formats into buf (always NUL-terminated when size > 0); returns the untruncated length. */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
