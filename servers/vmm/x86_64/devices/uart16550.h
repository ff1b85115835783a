/* A 16550A UART as a guest sees it at an I/O base (0x3f8 for COM1): the registers Linux's
 * 8250 driver probes, a 16-byte receive FIFO fed by console input, and an interrupt line. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register offsets from the base (8250/16550 datasheets). DLAB=1 turns 0/1 into DLL/DLM. */
enum {
    UART_RBR_THR_DLL = 0,
    UART_IER_DLM = 1,
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define UART_IER_ERBFI 0x01 /* received data available */
#define UART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define UART_IER_ELSI 0x04  /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_FIFO_ON 0xc0

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

#define UART_FIFO_SIZE 16

/* tx: one byte the guest sent (not called in loopback mode). irq: the interrupt output level. */
typedef void uart_tx_fn(void *ctx, uint8_t byte);
typedef void uart_irq_fn(void *ctx, bool level);

struct uart16550 {
    uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
    uint8_t lsr_errors; /* OE, latched until LSR is read */
    bool thre_pending;  /* THR-empty interrupt, cleared by an IIR read or a THR write */
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    bool irq_level;
    uart_tx_fn *tx;
    uart_irq_fn *irq;
    void *ctx;
};

void uart_init(struct uart16550 *u, uart_tx_fn *tx, uart_irq_fn *irq, void *ctx);
/* Register access at offset 0..7 from the base; other offsets read 0xff and ignore writes. */
uint8_t uart_read(struct uart16550 *u, unsigned offset);
void uart_write(struct uart16550 *u, unsigned offset, uint8_t value);
/* Console input: queues up to n bytes and returns how many fit (the rest stay with the caller,
 * to offer again after the guest has read some: input is never dropped here). */
size_t uart_rx_push(struct uart16550 *u, const uint8_t *buf, size_t n);
/* Bytes the receive FIFO can take now. */
size_t uart_rx_space(const struct uart16550 *u);
