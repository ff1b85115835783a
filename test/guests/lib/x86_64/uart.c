/* The console on the PC's COM1, a 16550 at 0x3f8 (PC16550D data sheet): 115200 8N1, FIFOs on,
 * bytes written once the transmit holding register is empty, read while LSR.DR says one is
 * waiting, polled. */
#include <guest/console.h>
#include <guest/x86.h>

#define COM1 0x3f8
#define THR 0
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20

void arch_console_init(void)
{
    outb(COM1 + IER, 0);
    outb(COM1 + LCR, 0x80); /* DLAB: the divisor latch */
    outb(COM1 + 0, 1);      /* 115200 baud */
    outb(COM1 + 1, 0);
    outb(COM1 + LCR, 0x03); /* 8 bits, no parity, one stop bit */
    outb(COM1 + FCR, 0x07); /* FIFOs on and cleared */
    outb(COM1 + MCR, 0x03); /* DTR, RTS */
}

void arch_console_putc(char c)
{
    /* Bounded: a UART that never drains must not hang the guest (the byte is dropped). */
    for (unsigned i = 0; i < 100000 && !(inb(COM1 + LSR) & LSR_THRE); i++)
        ;
    outb(COM1 + THR, (uint8_t)c);
}

int arch_console_getc(void)
{
    if (!(inb(COM1 + LSR) & LSR_DR))
        return -1;
    return inb(COM1 + THR); /* RBR: the receive buffer shares THR's port */
}
