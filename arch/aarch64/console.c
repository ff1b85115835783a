/* PL011 console output for the kernel: polled, usable before interrupts and the MMU. */
#include "sysreg.h"
#include <arch.h>
#include <platform.h>

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1u << 5)

static volatile uint32_t *uart_reg(unsigned off)
{
    return (volatile uint32_t *)(KERNEL_VIRT_OFFSET + PLAT_UART_BASE + off);
}

void arch_console_putc(char c)
{
    if (c == '\n')
        arch_console_putc('\r');
    while (*uart_reg(UART_FR) & UART_FR_TXFF)
        ;
    *uart_reg(UART_DR) = (uint8_t)c;
}
