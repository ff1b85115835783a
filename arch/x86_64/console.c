/* 16550 UART console output for the kernel: polled, usable before interrupts and paging. The
 * console server owns the same UART and could wedge it: the kernel puts back the line controls
 * it needs before each byte and never waits for the line without bound (SEC-M3). */
#include "io.h"
#include <arch.h>
#include <platform.h>

/* 16550 registers, as offsets from the base port (PC16550D datasheet). */
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_FCR_ENABLE_CLEAR 0x07 /* FIFOs on, both cleared */
#define UART_LCR_8N1 0x03
#define UART_LCR_DLAB 0x80
#define UART_MCR_DTR_RTS 0x03
#define UART_MCR_LOOP 0x10 /* loopback: output would go to the receiver */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_DIVISOR_115200 1
/* Polls of a busy transmitter before a byte is dropped: far longer than a 115200-baud line
 * needs to take a byte, short enough that a wedged UART costs the kernel little. */
#define TX_POLLS_MAX 100000u

static void uart_init(void)
{
    /* The firmware may or may not have set the line up; polled output needs no interrupts. */
    outb(PLAT_COM1_PORT + UART_IER, 0);
    outb(PLAT_COM1_PORT + UART_LCR, UART_LCR_DLAB);
    outb(PLAT_COM1_PORT + UART_DLL, UART_DIVISOR_115200);
    outb(PLAT_COM1_PORT + UART_DLM, 0);
    outb(PLAT_COM1_PORT + UART_LCR, UART_LCR_8N1);
    outb(PLAT_COM1_PORT + UART_FCR, UART_FCR_ENABLE_CLEAR);
    outb(PLAT_COM1_PORT + UART_MCR, UART_MCR_DTR_RTS);
}

void arch_console_putc(char c)
{
    static bool ready, wedged;

    if (!ready) {
        uart_init();
        ready = true;
    }
    if (c == '\n')
        arch_console_putc('\r');
    /* DLAB set would turn THR into the divisor latch; loopback would swallow the byte. */
    if (inb(PLAT_COM1_PORT + UART_LCR) != UART_LCR_8N1)
        outb(PLAT_COM1_PORT + UART_LCR, UART_LCR_8N1);
    uint8_t mcr = inb(PLAT_COM1_PORT + UART_MCR);
    if (mcr & UART_MCR_LOOP)
        outb(PLAT_COM1_PORT + UART_MCR, mcr & ~UART_MCR_LOOP);
    unsigned polls = wedged ? 1 : TX_POLLS_MAX;
    while (!(inb(PLAT_COM1_PORT + UART_LSR) & UART_LSR_THRE) && --polls)
        ;
    wedged = polls == 0;
    if (!wedged)
        outb(PLAT_COM1_PORT + UART_THR, (uint8_t)c);
}
