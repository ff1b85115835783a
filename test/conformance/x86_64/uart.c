/* COM1 checks (PC16550D data sheet, the register set Linux's 8250 driver probes): the scratch
 * register holds what is written, and with the FIFOs on the IIR says "16550A". */
#include <guest/check.h>
#include <guest/x86.h>

#define COM1 0x3f8

CHECK(uart_scratch, "UART-X1")
{
    outb(COM1 + 7, 0x5a);
    uint8_t a = inb(COM1 + 7);
    outb(COM1 + 7, 0xa5);
    uint8_t b = inb(COM1 + 7);
    report(a == 0x5a && b == 0xa5, "SCR reads 0x%x after 0x5a, 0x%x after 0xa5", a, b);
}

/* FCR bit 0 on: IIR bits 7:6 read 0b11 (FIFOs enabled, a 16550A); idle, LSR has THRE and TEMT. */
CHECK(uart_16550a, "UART-X2")
{
    outb(COM1 + 2, 0x07);
    uint8_t iir = inb(COM1 + 2), lsr = inb(COM1 + 5);
    report((iir & 0xc0) == 0xc0 && (lsr & 0x60) == 0x60, "IIR 0x%x, LSR 0x%x", iir, lsr);
}
