/* 16550 UART console output for the kernel: polled, usable before interrupts and paging. */
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
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_DIVISOR_115200 1

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
    static bool ready;

    if (!ready) {
        uart_init();
        ready = true;
    }
    if (c == '\n')
        arch_console_putc('\r');
    while (!(inb(PLAT_COM1_PORT + UART_LSR) & UART_LSR_THRE))
        ;
    outb(PLAT_COM1_PORT + UART_THR, (uint8_t)c);
}
