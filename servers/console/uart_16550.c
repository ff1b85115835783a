/* 16550 (COM1) through the I/O-port cap the root task gave the console server. The kernel
 * writes its own lines to the same UART, polled (arch/x86_64/console.c): both sides write THR
 * one byte per LSR.THRE, and only the kernel's first line set the line up
 * (LCR, divisor, FIFOs), so here only the interrupt enables are changed. */
#include "uart.h"
#include <hv/proto/console.h>
#include <hv/sys.h>

#define COM1 0x3f8
#define RBR 0 /* receive buffer / transmit holding */
#define IER 1
#define MCR 4
#define LSR 5
#define IER_RX 0x01   /* received data available (and the FIFO's character timeout) */
#define IER_THRE 0x02 /* transmit holding register empty */
#define MCR_OUT2 0x08 /* gates the UART's interrupt line on a PC */
#define LSR_DR 0x01
#define LSR_THRE 0x20

/* A refused port cap (a kernel that keeps COM1 for itself, or no cap in the slot): the server
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
    /* With bytes already waiting the line rises now, and the input thread drains them. */
    out(IER, IER_RX);
}

unsigned uart_tx(const uint8_t *s, unsigned n)
{
    unsigned i = 0;
    if (through_kernel) {
        return n; /* no UART and no debug console of its own: the output is lost */
    }
    /* One byte per THRE: right whether or not the kernel turned the FIFOs on. */
    while (i < n && (in(LSR) & LSR_THRE))
        out(RBR, s[i++]);
    return i;
}

void uart_tx_irq(bool on)
{
    if (!through_kernel)
        out(IER, IER_RX | (on ? IER_THRE : 0));
}

int uart_getc(void)
{
    if (through_kernel)
        return -1;
    if (!(in(LSR) & LSR_DR))
        return -1;
    return (int)(in(RBR) & 0xff);
}
