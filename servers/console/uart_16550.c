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

/* The kernel may keep COM1 for itself (its ports are out of every cap's reach): the server
 * then writes through the kernel's console and takes no input. */
static bool through_kernel;

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
    uint32_t v;
    if (hv_ioport_in(HV_CONSOLE_SLOT_IOPORT, COM1 + LSR, 1, &v) != 0) {
        through_kernel = true;
        return;
    }
    out(MCR, in(MCR) | MCR_OUT2);
    out(IER, IER_RX);
}

void uart_putc(char c)
{
    if (through_kernel) {
        hv_debug_putc(c);
        return;
    }
    while (!(in(LSR) & LSR_THRE))
        ;
    out(RBR, (uint8_t)c);
}

int uart_getc(void)
{
    if (through_kernel)
        return -1;
    if (!(in(LSR) & LSR_DR))
        return -1;
    return (int)(in(RBR) & 0xff);
}
