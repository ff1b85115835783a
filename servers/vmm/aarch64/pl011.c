/* The PL011 UART model. Registers are 32-bit slots that take 8-, 16- and 32-bit accesses
 * (Linux uses 16-bit ones by default); a read returns the addressed bytes of the slot, a write
 * counts only at the slot's start. 64-bit accesses are refused with an abort, as the APB
 * peripheral (and QEMU's model) would. The control register's enables do not gate transfers,
 * as in QEMU, so firmware that never sets UARTEN still prints. */
#include "aarch64/pl011.h"
#include <hv/abi/error.h>
#include <hv/bits.h>

#include <stddef.h>

static const uint8_t pl011_ids[8] = {
    0x11, 0x10, 0x14, 0x00, /* UARTPeriphID0..3: part 0x011, designer 0x41 (Arm), rev 1 */
    0x0d, 0xf0, 0x05, 0xb1, /* UARTPCellID0..3: the PrimeCell identification 0xb105f00d */
};

static unsigned depth(const struct pl011 *u)
{
    return (u->lcr_h & UARTLCR_H_FEN) ? PL011_FIFO : 1; /* FIFO off: a one-byte holding register */
}

/* The receive interrupt's FIFO level (IFLS.RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 full). */
static unsigned rx_trigger(const struct pl011 *u)
{
    static const unsigned level[8] = {2, 4, 8, 12, 14, 8, 8, 8}; /* 5..7 reserved: 1/2 */
    return (u->lcr_h & UARTLCR_H_FEN) ? level[(u->ifls >> 3) & 7] : 1;
}

/* Tells the GIC the output level; inside a guest access only once, at its end (each call
 * with the line high may mean an injection). */
static void update_irq(struct pl011 *u)
{
    if (!u->in_access)
        vmm_irq_set(&u->irq, (u->ris & u->imsc) != 0);
}

static size_t rx_room(void *dev)
{
    struct pl011 *u = dev;
    return depth(u) - u->count;
}

/* Bytes from the console server. There is no clock here, so the receive timeout (RT) is
 * raised as soon as a batch has arrived: the batch is all there is until the next one. */
static size_t rx_receive(void *dev, const uint8_t *bytes, size_t len)
{
    struct pl011 *u = dev;
    size_t n = 0;
    while (n < len && u->count < depth(u)) {
        u->fifo[(u->head + u->count) % PL011_FIFO] = bytes[n++];
        u->count++;
    }
    if (n) {
        u->ris |= UART_INT_RT;
        if (u->count >= rx_trigger(u))
            u->ris |= UART_INT_RX;
        update_irq(u);
    }
    return n;
}

static uint32_t rx_pop(struct pl011 *u)
{
    if (u->count == 0)
        return 0; /* the TRM leaves an empty read undefined: 0 with no error bits */
    uint32_t c = u->fifo[u->head];
    u->head = (u->head + 1) % PL011_FIFO;
    u->count--;
    if (u->count < rx_trigger(u))
        u->ris &= ~UART_INT_RX;
    if (u->count == 0)
        u->ris &= ~UART_INT_RT;
    vmm_console_refill(u->vmm); /* may add bytes (and raise RX/RT again) */
    return c;
}

static uint32_t flags(const struct pl011 *u)
{
    uint32_t fr = UARTFR_TXFE; /* transmission is instant: never busy, never full */
    if (u->count == 0)
        fr |= UARTFR_RXFE;
    if (u->count == depth(u))
        fr |= UARTFR_RXFF;
    return fr;
}

/* The registers that only hold what was last written, in their implemented bits. */
static const struct plain_reg {
    uint64_t off;
    size_t field; /* the offset of its uint32_t in struct pl011 */
    uint32_t mask;
} plain_regs[] = {
    {UARTILPR, offsetof(struct pl011, ilpr), 0xff},
    {UARTIBRD, offsetof(struct pl011, ibrd), 0xffff},
    {UARTFBRD, offsetof(struct pl011, fbrd), 0x3f},
    {UARTCR, offsetof(struct pl011, cr), 0xffff},
    {UARTIFLS, offsetof(struct pl011, ifls), 0x3f},
    {UARTIMSC, offsetof(struct pl011, imsc), UART_INT_ALL},
    {UARTDMACR, offsetof(struct pl011, dmacr), 0x7},
};

static const struct plain_reg *plain_reg(uint64_t off)
{
    for (size_t i = 0; i < ARRAY_SIZE(plain_regs); i++) {
        if (plain_regs[i].off == off)
            return &plain_regs[i];
    }
    return NULL;
}

static uint32_t *plain_field(struct pl011 *u, const struct plain_reg *r)
{
    return (uint32_t *)(void *)((char *)u + r->field);
}

/* The value of the 32-bit slot at off; reading DR pops the FIFO. false: reserved. */
static bool slot_read(struct pl011 *u, uint64_t off, uint32_t *v)
{
    if (off != UARTFR && off != UARTDR)
        vmm_console_flush(u->vmm); /* a burst of output is over (FR is polled per byte) */
    const struct plain_reg *r = plain_reg(off);
    if (r) {
        *v = *plain_field(u, r);
        return true;
    }
    switch (off) {
    case UARTDR:
        *v = rx_pop(u);
        return true;
    case UARTRSR:
        *v = u->rsr;
        return true;
    case UARTFR:
        *v = flags(u);
        return true;
    case UARTLCR_H:
        *v = u->lcr_h;
        return true;
    case UARTRIS:
        *v = u->ris;
        return true;
    case UARTMIS:
        *v = u->ris & u->imsc;
        return true;
    }
    if (off >= UARTPERIPHID0 && off <= 0xffc) {
        *v = pl011_ids[(off - UARTPERIPHID0) / 4];
        return true;
    }
    return false; /* ICR is write-only; everything else reserved */
}

static bool slot_write(struct pl011 *u, uint64_t off, uint32_t v)
{
    if (off != UARTDR)
        vmm_console_flush(u->vmm); /* a burst of output is over */
    const struct plain_reg *r = plain_reg(off);
    if (r) {
        *plain_field(u, r) = v & r->mask;
        return true;
    }
    switch (off) {
    case UARTDR: {
        uint8_t c = (uint8_t)v;
        vmm_console_output(u->vmm, &c, 1);
        u->ris |= UART_INT_TX; /* the byte left at once: the transmit FIFO is empty again */
        return true;
    }
    case UARTRSR:
        u->rsr = 0;
        return true; /* ECR: any write clears the error flags */
    case UARTLCR_H:
        /* Switching the FIFOs on or off empties them (as QEMU does). */
        if ((v ^ u->lcr_h) & UARTLCR_H_FEN) {
            u->count = 0;
            u->ris &= ~(UART_INT_RX | UART_INT_RT);
        }
        u->lcr_h = v & 0xff;
        vmm_console_refill(u->vmm);
        return true;
    case UARTICR:
        u->ris &= ~(v & UART_INT_ALL);
        return true;
    }
    return false; /* FR, RIS, MIS and the IDs are read-only; the rest reserved */
}

static bool pl011_read(void *dev, uint64_t off, unsigned size, uint64_t *value)
{
    struct pl011 *u = dev;
    *value = 0;
    unsigned lane = off & 3;
    if (size == 8)
        return false;
    uint32_t v = 0;
    u->in_access = true;
    if (lane + size > 4 || (lane && off - lane == UARTDR) || !slot_read(u, off - lane, &v)) {
        /* A read across two slots, of DR's error byte alone, or of a reserved slot. */
        u->bad_accesses++;
    } else {
        *value = v >> (8 * lane);
    }
    u->in_access = false;
    update_irq(u);
    return true;
}

static bool pl011_write(void *dev, uint64_t off, unsigned size, uint64_t value)
{
    struct pl011 *u = dev;
    if (size == 8)
        return false;
    u->in_access = true;
    if ((off & 3) || !slot_write(u, off, (uint32_t)value))
        u->bad_accesses++;
    u->in_access = false;
    update_irq(u);
    return true;
}

static const struct vmm_mmio_ops pl011_ops = {.read = pl011_read, .write = pl011_write};

int pl011_init(struct pl011 *u, struct vmm *vmm, struct vmm_irq_line irq)
{
    *u = (struct pl011){
        .vmm = vmm,
        .irq = irq,
        .cr = UARTCR_RESET,
        .ifls = UARTIFLS_RESET,
    };
    int r = vmm_bus_add(&vmm->bus, PL011_BASE, PL011_SIZE, &pl011_ops, u, "pl011");
    if (r == HV_OK)
        vmm_console_attach(vmm, &(struct vmm_console_dev){rx_room, rx_receive, u});
    return r;
}
