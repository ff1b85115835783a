/* The PL011 UART a partition sees at 0x0900_0000 (SPI 1, INTID 33), as on QEMU virt: a
 * 16-byte receive FIFO fed by the console server, transmission that completes at once (each
 * byte goes to the console server as it is written), and the interrupt output
 * RIS & IMSC. Register layout from the PL011 TRM (ARM DDI 0183), section 3. */
#pragma once

#include "core/irq_line.h"
#include "core/vmm.h"
#include <hv/proto/guest_layout_aarch64.h>
#include <stdbool.h>
#include <stdint.h>

/* Where the partition's device tree says it is. */
#define PL011_BASE HV_A64_GUEST_UART
#define PL011_SIZE HV_A64_GUEST_UART_SIZE
#define PL011_INTID (32 + HV_A64_GUEST_UART_SPI)

#define UARTDR 0x000
#define UARTRSR 0x004 /* read: RSR; write: ECR */
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048
#define UARTPERIPHID0 0xfe0
#define UARTPCELLID0 0xff0

#define UARTFR_BUSY (1u << 3)
#define UARTFR_RXFE (1u << 4)
#define UARTFR_TXFF (1u << 5)
#define UARTFR_RXFF (1u << 6)
#define UARTFR_TXFE (1u << 7)
#define UARTLCR_H_FEN (1u << 4)
#define UARTCR_RESET 0x300u  /* TXE | RXE */
#define UARTIFLS_RESET 0x12u /* both FIFO levels at 1/2 */

/* Interrupt bits of IMSC, RIS, MIS and ICR. */
#define UART_INT_RX (1u << 4)
#define UART_INT_TX (1u << 5)
#define UART_INT_RT (1u << 6)
#define UART_INT_ALL 0x7ffu

#define PL011_FIFO 16

struct pl011 {
    struct vmm *vmm;
    struct vmm_irq_line irq;
    uint8_t fifo[PL011_FIFO];
    unsigned head, count; /* receive FIFO */
    uint32_t rsr;         /* receive errors of the last byte read (never set here) */
    uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr, ilpr;
    bool in_access; /* inside a guest access: the line is updated at its end */
    uint64_t bad_accesses;
};

/* Resets the UART, puts it on vmm's bus at PL011_BASE and makes it the console's input. */
int pl011_init(struct pl011 *u, struct vmm *vmm, struct vmm_irq_line irq);
