/* The physical UART the console server drives: PL011 on AArch64, 16550 on x86_64. */
#pragma once

#include <stdbool.h>

void uart_init(void);              /* receive interrupts on, nothing else changed */
void uart_putc(char c);            /* waits while the transmit FIFO is full */
int uart_getc(void);               /* a received byte, or -1 when there is none */
