/* 16550 (COM1) through the I/O-port cap the root task gave the console server. */
#include "uart.h"
#include <hv/console.h>
#include <hv/sys.h>

#define COM1 0x3f8
#define RBR 0 /* receive buffer / transmit holding */
#define IER 1
#define MCR 4
#define LSR 5
#define IER_RX 0x01
#define MCR_OUT2 0x08 /* gates the UART's interrupt line on a PC */
#define LSR_DR 0x01
#define LSR_THRE 0x20

static uint32_t in(unsigned off)
{
    uint32_t v = 0xff;
    hv_ioport_in(HV_CONSOLE_SLOT_IOPORT, COM1 + off, 1, &v);
    return v;
}

static void out(unsigned off, uint32_t v)
{
    hv_ioport_out(HV_CONSOLE_SLOT_IOPORT, COM1 + off, 1, v);
}

void uart_init(void)
{
    out(MCR, in(MCR) | MCR_OUT2);
    out(IER, IER_RX);
}

void uart_putc(char c)
{
    while (!(in(LSR) & LSR_THRE))
        ;
    out(RBR, (uint8_t)c);
}

int uart_getc(void)
{
    if (!(in(LSR) & LSR_DR))
        return -1;
    return (int)(in(RBR) & 0xff);
}
