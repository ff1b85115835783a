/* PL011 console output for the kernel: polled, usable before interrupts and the MMU. The
 * console server owns the same UART and could wedge it: the kernel puts back the controls it
 * needs before each byte and never waits for the line without bound (SEC-M3). */
#include "sysreg.h"
#include <arch.h>
#include <platform.h>

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_CR 0x30
#define UART_FR_TXFF (1u << 5)
#define UART_CR_UARTEN (1u << 0)
#define UART_CR_LBE (1u << 7) /* loopback: output would go to the receiver */
#define UART_CR_TXE (1u << 8)
/* Polls of a full FIFO before a byte is dropped: far longer than a 115200-baud line needs to
 * take a byte, short enough that a wedged UART costs the kernel little. */
#define TX_POLLS_MAX 100000u

static volatile uint32_t *uart_reg(unsigned off)
{
    return (volatile uint32_t *)(KERNEL_VIRT_OFFSET + PLAT_UART_BASE + off);
}

void arch_console_putc(char c)
{
    static bool wedged; /* the last byte timed out: don't wait again until one goes out */

    if (c == '\n')
        arch_console_putc('\r');
    uint32_t cr = *uart_reg(UART_CR);
    if ((cr & (UART_CR_UARTEN | UART_CR_TXE | UART_CR_LBE)) != (UART_CR_UARTEN | UART_CR_TXE))
        *uart_reg(UART_CR) = (cr | UART_CR_UARTEN | UART_CR_TXE) & ~UART_CR_LBE;
    unsigned polls = wedged ? 1 : TX_POLLS_MAX;
    while ((*uart_reg(UART_FR) & UART_FR_TXFF) && --polls)
        ;
    wedged = polls == 0;
    if (!wedged)
        *uart_reg(UART_DR) = (uint8_t)c;
}
