/* The 16550 model: what Linux's 8250 driver probes, THRE and RX interrupts, FIFO, loopback,
 * DLAB, and hostile register values. */
#include "check_run.h"
#include "x86_64/devices/uart16550.h"

#include <string.h>

static struct uart16550 u;
static uint8_t txbuf[64];
static unsigned ntx;
static bool irq;
static unsigned irq_changes;

static void tx(void *ctx, uint8_t b)
{
    if (ntx < sizeof(txbuf))
        txbuf[ntx++] = b;
}

static void on_irq(void *ctx, bool level)
{
    irq = level;
    irq_changes++;
}

static void setup(void)
{
    ntx = 0;
    irq = false;
    irq_changes = 0;
    uart_init(&u, tx, on_irq, NULL);
}

START_TEST(probe_like_8250_autoconfig)
{
    /* IER: only the low four bits exist. */
    uart_write(&u, UART_IER_DLM, 0);
    ck_assert_uint_eq(uart_read(&u, UART_IER_DLM) & 0x0f, 0);
    uart_write(&u, UART_IER_DLM, 0xff);
    ck_assert_uint_eq(uart_read(&u, UART_IER_DLM), 0x0f);
    uart_write(&u, UART_IER_DLM, 0);
    /* Loopback test: MCR LOOP|OUT2|RTS -> MSR CTS|DCD. */
    uart_write(&u, UART_MCR, UART_MCR_LOOP | 0x0a);
    ck_assert_uint_eq(uart_read(&u, UART_MSR) & 0xf0, 0x90);
    uart_write(&u, UART_MCR, 0);
    /* FIFO: IIR bits 7:6 = 3 means 16550A; bit 5 clear (not a 16750). */
    uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
    ck_assert_uint_eq(uart_read(&u, UART_IIR_FCR) >> 6, 3);
    uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE | 0x20);
    ck_assert_uint_eq(uart_read(&u, UART_IIR_FCR) >> 5, 6);
    /* With LCR=0xbf, offset 2 is still IIR (no EFR): not zero, so no 16650 either. */
    uart_write(&u, UART_LCR, 0xbf);
    ck_assert_uint_ne(uart_read(&u, UART_IIR_FCR), 0);
    uart_write(&u, UART_LCR, 0x03);
    /* Scratch. */
    uart_write(&u, UART_SCR, 0x5a);
    ck_assert_uint_eq(uart_read(&u, UART_SCR), 0x5a);
    /* LSR never reads 0xff (the driver's "no UART" answer); transmitter empty. */
    uint8_t lsr = uart_read(&u, UART_LSR);
    ck_assert_uint_ne(lsr, 0xff);
    ck_assert_uint_eq(lsr & (UART_LSR_THRE | UART_LSR_TEMT), UART_LSR_THRE | UART_LSR_TEMT);
}
END_TEST

START_TEST(dlab_switches_registers)
{
    uart_write(&u, UART_IER_DLM, 0x05);
    uart_write(&u, UART_LCR, UART_LCR_DLAB | 3);
    uart_write(&u, UART_RBR_THR_DLL, 0x01);
    uart_write(&u, UART_IER_DLM, 0x00);
    ck_assert_uint_eq(uart_read(&u, UART_RBR_THR_DLL), 0x01);
    ck_assert_uint_eq(uart_read(&u, UART_IER_DLM), 0x00);
    ck_assert_uint_eq(ntx, 0); /* a divisor write is not a byte sent */
    uart_write(&u, UART_LCR, 3);
    ck_assert_uint_eq(uart_read(&u, UART_IER_DLM), 0x05);
}
END_TEST

START_TEST(thre_interrupt_semantics)
{
    /* Enabling THRI with the transmitter empty asserts it; reading IIR acknowledges. */
    uart_write(&u, UART_IER_DLM, UART_IER_ETBEI);
    ck_assert(irq);
    ck_assert_uint_eq(uart_read(&u, UART_IIR_FCR) & 0x0f, UART_IIR_THRI);
    ck_assert(!irq);
    ck_assert_uint_eq(uart_read(&u, UART_IIR_FCR) & 0x0f, UART_IIR_NO_INT);
    /* Off and on again: asserted again (the UART_BUG_THRE test). */
    uart_write(&u, UART_IER_DLM, 0);
    uart_write(&u, UART_IER_DLM, UART_IER_ETBEI);
    ck_assert_uint_eq(uart_read(&u, UART_IIR_FCR) & 0x0f, UART_IIR_THRI);
    /* Sending a byte empties THR at once: THRE again. */
    uart_write(&u, UART_RBR_THR_DLL, 'x');
    ck_assert(irq);
    ck_assert_uint_eq(ntx, 1);
    ck_assert_uint_eq(txbuf[0], 'x');
}
END_TEST

START_TEST(rx_fifo_and_interrupt)
{
    uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
    uart_write(&u, UART_IER_DLM, UART_IER_ERBFI);
    ck_assert(!irq);
    ck_assert_uint_eq(uart_rx_space(&u), 16);
    const uint8_t in[20] = "abcdefghijklmnopqrs";
    ck_assert_uint_eq(uart_rx_push(&u, in, 20), 16); /* the rest stays with the caller */
    ck_assert(irq);
    ck_assert_uint_eq(uart_read(&u, UART_IIR_FCR) & 0x0f, UART_IIR_RDI);
    ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
    for (unsigned i = 0; i < 16; i++)
        ck_assert_uint_eq(uart_read(&u, UART_RBR_THR_DLL), in[i]);
    ck_assert(!irq);
    ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
    /* Reading an empty RBR is harmless. */
    ck_assert_uint_eq(uart_read(&u, UART_RBR_THR_DLL), 0);
    /* FIFO off: one byte of holding register. */
    uart_write(&u, UART_IIR_FCR, 0);
    ck_assert_uint_eq(uart_rx_push(&u, in, 3), 1);
    /* Clearing the FIFO drops what is there. */
    uart_write(&u, UART_IIR_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
    ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
}
END_TEST

START_TEST(loopback_overrun)
{
    uart_write(&u, UART_MCR, UART_MCR_LOOP);
    uart_write(&u, UART_IER_DLM, UART_IER_ELSI);
    ck_assert_uint_eq(uart_rx_space(&u), 0); /* console input waits during loopback */
    uart_write(&u, UART_RBR_THR_DLL, 'a');   /* FIFO off: one byte fits */
    uart_write(&u, UART_RBR_THR_DLL, 'b');   /* overrun */
    ck_assert_uint_eq(ntx, 0);
    ck_assert_uint_eq(uart_read(&u, UART_IIR_FCR) & 0x0f, UART_IIR_RLSI);
    uint8_t lsr = uart_read(&u, UART_LSR);
    ck_assert_uint_eq(lsr & (UART_LSR_OE | UART_LSR_DR), UART_LSR_OE | UART_LSR_DR);
    ck_assert_uint_eq(uart_read(&u, UART_LSR) & UART_LSR_OE, 0); /* cleared by the read */
    ck_assert_uint_eq(uart_read(&u, UART_RBR_THR_DLL), 'a');
}
END_TEST

START_TEST(hostile_offsets_and_values)
{
    for (unsigned off = 8; off < 300; off += 7) {
        ck_assert_uint_eq(uart_read(&u, off), 0xff);
        uart_write(&u, off, 0xff);
    }
    for (unsigned v = 0; v < 256; v++)
        for (unsigned off = 0; off < 8; off++)
            uart_write(&u, off, (uint8_t)v);
    /* Whatever was written, reads are defined and the MCR keeps 5 bits. */
    ck_assert_uint_eq(uart_read(&u, UART_MCR) & ~0x1fu, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("uart16550");
    TCase *tc = tcase_create("uart");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, probe_like_8250_autoconfig);
    tcase_add_test(tc, dlab_switches_registers);
    tcase_add_test(tc, thre_interrupt_semantics);
    tcase_add_test(tc, rx_fifo_and_interrupt);
    tcase_add_test(tc, loopback_overrun);
    tcase_add_test(tc, hostile_offsets_and_values);
    suite_add_tcase(s, tc);
    return check_run(s);
}
