/* The 16550A UART model. Transmission is instantaneous: THR and the shift register are always
 * empty by the time the guest looks, which is what a 16550 with an infinitely fast line does. */
#include "x86_64/devices/uart16550.h"

#include <hv/string.h>

static unsigned rx_capacity(const struct uart16550 *u)
{
    /* With the FIFO off the 16550 is an 16450: one holding register. */
    return (u->fcr & UART_FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

/* The highest-priority interrupt the UART asserts now (datasheet table "IIR"). */
static uint8_t uart_iir_id(const struct uart16550 *u)
{
    if ((u->ier & UART_IER_ELSI) && u->lsr_errors)
        return UART_IIR_RLSI;
    if ((u->ier & UART_IER_ERBFI) && u->rx_count)
        return UART_IIR_RDI;
    if ((u->ier & UART_IER_ETBEI) && u->thre_pending)
        return UART_IIR_THRI;
    /* No modem-status interrupt: the modem lines never change on their own. */
    return UART_IIR_NO_INT;
}

static void uart_update_irq(struct uart16550 *u)
{
    bool level = uart_iir_id(u) != UART_IIR_NO_INT;
    if (level != u->irq_level) {
        u->irq_level = level;
        if (u->irq)
            u->irq(u->ctx, level);
    }
}

void uart_init(struct uart16550 *u, uart_tx_fn *tx, uart_irq_fn *irq, void *ctx)
{
    memset(u, 0, sizeof(*u));
    u->tx = tx;
    u->irq = irq;
    u->ctx = ctx;
    /* Reset values: 8N1 would be LCR=3, but the datasheet's master reset clears LCR. */
    u->dll = 0x0c; /* 9600 baud, what PC firmware leaves behind */
}

static bool rx_put(struct uart16550 *u, uint8_t byte)
{
    if (u->rx_count >= rx_capacity(u))
        return false;
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
    return true;
}

static uint8_t rx_get(struct uart16550 *u)
{
    if (!u->rx_count)
        return 0; /* RBR keeps no value worth more than this once empty */
    uint8_t byte = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    u->rx_count--;
    return byte;
}

size_t uart_rx_space(const struct uart16550 *u)
{
    /* In loopback the receiver listens to the transmitter only. */
    if (u->mcr & UART_MCR_LOOP)
        return 0;
    return rx_capacity(u) - u->rx_count;
}

size_t uart_rx_push(struct uart16550 *u, const uint8_t *buf, size_t n)
{
    size_t done = 0;
    while (done < n && uart_rx_space(u) > 0 && rx_put(u, buf[done]))
        done++;
    uart_update_irq(u);
    return done;
}

static void uart_transmit(struct uart16550 *u, uint8_t byte)
{
    if (u->mcr & UART_MCR_LOOP) {
        /* Loopback: the byte arrives at our own receiver; a full receiver overruns. */
        if (!rx_put(u, byte))
            u->lsr_errors |= UART_LSR_OE;
    } else if (u->tx) {
        u->tx(u->ctx, byte);
    }
    /* The holding register is empty again at once, which raises THRE if enabled. */
    u->thre_pending = true;
}

static uint8_t uart_msr(const struct uart16550 *u)
{
    if (u->mcr & UART_MCR_LOOP) {
        /* Loopback wires DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD (the 8250 probe checks it). */
        uint8_t m = 0;
        if (u->mcr & UART_MCR_RTS)
            m |= UART_MSR_CTS;
        if (u->mcr & UART_MCR_DTR)
            m |= UART_MSR_DSR;
        if (u->mcr & UART_MCR_OUT1)
            m |= UART_MSR_RI;
        if (u->mcr & UART_MCR_OUT2)
            m |= UART_MSR_DCD;
        return m;
    }
    /* A console is always there and ready: carrier, data set ready, clear to send. */
    return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
}

uint8_t uart_read(struct uart16550 *u, unsigned offset)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    uint8_t v;
    switch (offset) {
    case UART_RBR_THR_DLL:
        if (dlab)
            return u->dll;
        v = rx_get(u);
        break;
    case UART_IER_DLM:
        return dlab ? u->dlm : u->ier;
    case UART_IIR_FCR:
        v = uart_iir_id(u);
        /* Reading IIR while it reports THRE is what acknowledges that interrupt. */
        if (v == UART_IIR_THRI)
            u->thre_pending = false;
        if (u->fcr & UART_FCR_ENABLE)
            v |= UART_IIR_FIFO_ON;
        break;
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->mcr;
    case UART_LSR:
        v = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_errors;
        if (u->rx_count)
            v |= UART_LSR_DR;
        u->lsr_errors = 0; /* error bits clear on read */
        break;
    case UART_MSR:
        return uart_msr(u);
    case UART_SCR:
        return u->scr;
    default:
        return 0xff;
    }
    uart_update_irq(u);
    return v;
}

static void uart_write_fcr(struct uart16550 *u, uint8_t value)
{
    bool was_on = u->fcr & UART_FCR_ENABLE;
    /* Turning the FIFO on or off empties it; so does the clear bit. */
    if ((value & UART_FCR_CLEAR_RX) || was_on != (bool)(value & UART_FCR_ENABLE)) {
        u->rx_count = 0;
        u->rx_head = 0;
    }
    /* Keep the enable and the trigger level; the clear bits are self-clearing, and bit 5
     * (64-byte FIFO) belongs to the 16750, which Linux tells apart by it reading back. */
    u->fcr = value & 0xc9;
}

void uart_write(struct uart16550 *u, unsigned offset, uint8_t value)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (offset) {
    case UART_RBR_THR_DLL:
        if (dlab)
            u->dll = value;
        else
            uart_transmit(u, value);
        break;
    case UART_IER_DLM:
        if (dlab) {
            u->dlm = value;
        } else {
            uint8_t old = u->ier;
            /* Bits 4-7 are not implemented: Linux reads them back to tell other chips apart. */
            u->ier = value & 0x0f;
            /* Enabling THRE while the holding register is empty asserts it at once; Linux's
             * UART_BUG_THRE test turns it off and on and expects it every time. */
            if ((u->ier & UART_IER_ETBEI) && !(old & UART_IER_ETBEI))
                u->thre_pending = true;
        }
        break;
    case UART_IIR_FCR:
        uart_write_fcr(u, value);
        break;
    case UART_LCR:
        u->lcr = value;
        break;
    case UART_MCR:
        u->mcr = value & 0x1f;
        break;
    case UART_SCR:
        u->scr = value;
        break;
    default:
        /* LSR and MSR writes are factory-test only; other offsets are not ours. */
        return;
    }
    uart_update_irq(u);
}
