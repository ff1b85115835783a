/* The console on QEMU virt's PL011 (PrimeCell UART PL011 TRM, 3.3): bytes into UARTDR once the
 * transmit FIFO has room, bytes out of it while the receive FIFO holds some, polled. */
#include <guest/a64.h>
#include <guest/console.h>

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTCR 0x30
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

void arch_console_init(void)
{
    mmio_write32(VIRT_UART + UARTCR, CR_UARTEN | CR_TXE | CR_RXE);
}

void arch_console_putc(char c)
{
    /* Bounded: a UART that never drains must not hang the guest (the byte is dropped). */
    for (unsigned i = 0; i < 1000000 && (mmio_read32(VIRT_UART + UARTFR) & FR_TXFF); i++)
        ;
    mmio_write32(VIRT_UART + UARTDR, (uint8_t)c);
}

int arch_console_getc(void)
{
    if (mmio_read32(VIRT_UART + UARTFR) & FR_RXFE)
        return -1;
    return (int)(mmio_read32(VIRT_UART + UARTDR) & 0xff);
}
