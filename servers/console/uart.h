/* The physical UART the console server drives: PL011 on AArch64, 16550 on x86_64. None of
 * these waits for the line: the server queues what the UART does not take yet. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

void uart_init(void);                             /* receive interrupts on */
unsigned uart_tx(const uint8_t *s, unsigned n);   /* writes what fits now; returns how many */
void uart_tx_irq(bool on);                        /* interrupt when there is room again */
int uart_getc(void);                              /* a received byte, or -1 when there is none */
