/* PL011 at HV_CONSOLE_UART_VA (the root task maps the device page there). The kernel writes
 * its own lines to the same UART, polled, so only the interrupt mask is changed here. */
#include "uart.h"
#include <hv/proto/console.h>

#define DR 0x00
#define FR 0x18
#define IMSC 0x38
#define ICR 0x44
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define INT_RX (1u << 4) /* RXIM: the FIFO reached its level */
#define INT_TX (1u << 5) /* TXIM: the transmit FIFO drained to its level */
#define INT_RT (1u << 6) /* RTIM: bytes waited in the FIFO a while */

static volatile uint32_t *reg(unsigned off)
{
    return (volatile uint32_t *)(HV_CONSOLE_UART_VA + off);
}

void uart_init(void)
{
    *reg(ICR) = INT_RX | INT_RT;
    *reg(IMSC) |= INT_RX | INT_RT;
}

unsigned uart_tx(const uint8_t *s, unsigned n)
{
    unsigned i = 0;
    while (i < n && !(*reg(FR) & FR_TXFF))
        *reg(DR) = s[i++];
    return i;
}

void uart_tx_irq(bool on)
{
    *reg(ICR) = INT_TX; /* a stale transmit interrupt from bytes long gone says nothing */
    if (on)
        *reg(IMSC) |= INT_TX;
    else
        *reg(IMSC) &= ~INT_TX;
}

int uart_getc(void)
{
    if (*reg(FR) & FR_RXFE)
        return -1;
    return (int)(*reg(DR) & 0xff);
}
