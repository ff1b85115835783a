/* The guest's console: the platform's UART, polled (PL011 on QEMU virt, 16550 COM1 on a PC). */
#pragma once

#include <stddef.h>

void console_putc(char c);
void console_write(const char *s, size_t n);
/* A byte typed on the console, or -1 when none is waiting (it never waits). */
int console_getc(void);
/* printf on the console; the formatter is libhv's (hv/fmt.h: %c %s %d %u %x %p, l/ll/z, width). */
int gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Each arch's UART. */
void arch_console_init(void);
void arch_console_putc(char c);
int arch_console_getc(void);
