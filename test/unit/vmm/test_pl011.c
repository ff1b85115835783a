/* Unit tests for the PL011 model: identification, FIFO and flags, input flow control through
 * the console path, transmit, interrupts and their delivery to the GIC, access rules. */
#include "check_run.h"
#include "vmm_fixture.h"
#include <hv/abi/error.h>
#include <string.h>

#define U(off) (PL011_BASE + (off))

static void setup(void)
{
    fixture_setup();
}

/* The GIC side Linux sets up for the UART's SPI, so that deliveries can be counted. */
static void gic_ready(void)
{
    bus_write(GICD_BASE + GICD_IGROUPR + 4, 4, 1u << (PL011_INTID - 32));
    bus_write(GICD_BASE + GICD_ISENABLER + 4, 4, 1u << (PL011_INTID - 32));
    bus_write(GICD_BASE + GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
    bus_write(GICR_BASE + GICR_WAKER, 4, 0);
}

static uint32_t fr(void)
{
    return (uint32_t)bus_read(U(UARTFR), 2);
}

START_TEST(amba_identification)
{
    uint32_t periph = 0, cell = 0;
    for (unsigned i = 0; i < 4; i++) {
        periph |= (uint32_t)(bus_read(U(UARTPERIPHID0 + 4 * i), 4) & 0xff) << (8 * i);
        cell |= (uint32_t)(bus_read(U(UARTPCELLID0 + 4 * i), 4) & 0xff) << (8 * i);
    }
    ck_assert_uint_eq(periph & 0x000fffff, 0x00041011); /* what Linux's amba-pl011 matches */
    ck_assert_uint_eq(cell, 0xb105f00d);
}
END_TEST

START_TEST(reset_values)
{
    ck_assert_uint_eq(fr(), UARTFR_TXFE | UARTFR_RXFE);
    ck_assert_uint_eq(bus_read(U(UARTCR), 4), UARTCR_RESET);
    ck_assert_uint_eq(bus_read(U(UARTIFLS), 4), UARTIFLS_RESET);
    ck_assert_uint_eq(bus_read(U(UARTIMSC), 4), 0);
    ck_assert_uint_eq(bus_read(U(UARTRIS), 4), 0);
    ck_assert_uint_eq(bus_read(U(UARTLCR_H), 4), 0);
}
END_TEST

START_TEST(control_registers_keep_their_width)
{
    bus_write(U(UARTIBRD), 4, 0xffffffff);
    bus_write(U(UARTFBRD), 4, 0xffffffff);
    bus_write(U(UARTLCR_H), 2, 0x70);
    bus_write(U(UARTCR), 2, 0x0301);
    bus_write(U(UARTIFLS), 4, 0xff);
    bus_write(U(UARTDMACR), 4, 0xff);
    bus_write(U(UARTILPR), 1, 0x42);
    ck_assert_uint_eq(bus_read(U(UARTIBRD), 4), 0xffff);
    ck_assert_uint_eq(bus_read(U(UARTFBRD), 4), 0x3f);
    ck_assert_uint_eq(bus_read(U(UARTLCR_H), 4), 0x70);
    ck_assert_uint_eq(bus_read(U(UARTCR), 4), 0x0301);
    ck_assert_uint_eq(bus_read(U(UARTIFLS), 4), 0x3f);
    ck_assert_uint_eq(bus_read(U(UARTDMACR), 4), 0x7);
    ck_assert_uint_eq(bus_read(U(UARTILPR), 4), 0x42);
    /* Byte reads return the addressed byte of the register. */
    ck_assert_uint_eq(bus_read(U(UARTCR + 1), 1), 0x03);
}
END_TEST

START_TEST(transmit_goes_to_the_console_a_line_at_a_time)
{
    const char *msg = "hello\n";
    for (const char *p = msg; *p; p++) {
        ck_assert_uint_eq(fr() & UARTFR_TXFF, 0);
        bus_write(U(UARTDR), 2, (uint8_t)*p | 0x100); /* bits above the byte are not data */
    }
    ck_assert_uint_eq(env.nout, strlen(msg));
    ck_assert_mem_eq(env.out, msg, strlen(msg));
    ck_assert_uint_eq(fr() & (UARTFR_BUSY | UARTFR_TXFE), UARTFR_TXFE);
    /* Without a newline the bytes wait (one console message per line), until the guest
     * touches the UART other than to poll FR or write DR: Linux rewrites CR after a burst. */
    bus_write(U(UARTDR), 1, 'x'); /* strb works too */
    bus_write(U(UARTDR), 1, 'y');
    ck_assert_uint_eq(env.nout, strlen(msg));
    bus_write(U(UARTCR), 4, UARTCR_RESET);
    ck_assert_uint_eq(env.nout, strlen(msg) + 2);
    ck_assert_mem_eq(env.out + strlen(msg), "xy", 2);
}
END_TEST

START_TEST(long_output_goes_in_full_messages)
{
    for (unsigned i = 0; i < 100; i++)
        bus_write(U(UARTDR), 4, 'a' + i % 26);
    ck_assert_uint_eq(env.nout, 96); /* two full messages of 48; 4 bytes wait */
    bus_read(U(UARTIMSC), 4);        /* any other register access flushes */
    ck_assert_uint_eq(env.nout, 100);
    ck_assert_uint_eq(env.out[99], 'a' + 99 % 26);
}
END_TEST

START_TEST(fifo_disabled_holds_one_byte)
{
    ck_assert_uint_eq(vmm_console_input(&a64.vmm, (const uint8_t *)"ab", 2), 1);
    ck_assert_uint_eq(fr() & (UARTFR_RXFE | UARTFR_RXFF), UARTFR_RXFF);
    ck_assert_uint_eq(bus_read(U(UARTDR), 4), 'a');
    ck_assert_uint_eq(fr() & UARTFR_RXFE, UARTFR_RXFE);
    ck_assert_uint_eq(bus_read(U(UARTDR), 4), 0); /* empty: 0 */
}
END_TEST

START_TEST(fifo_of_sixteen_with_flags)
{
    bus_write(U(UARTLCR_H), 4, UARTLCR_H_FEN | 0x60);
    char in[20];
    for (unsigned i = 0; i < sizeof(in); i++)
        in[i] = (char)('A' + i);
    ck_assert_uint_eq(vmm_console_input(&a64.vmm, (const uint8_t *)in, sizeof(in)), PL011_FIFO);
    ck_assert_uint_eq(fr() & (UARTFR_RXFE | UARTFR_RXFF), UARTFR_RXFF);
    for (unsigned i = 0; i < PL011_FIFO; i++) {
        ck_assert_uint_eq(fr() & UARTFR_RXFE, 0);
        ck_assert_uint_eq(bus_read(U(UARTDR), 4), (uint64_t)('A' + i));
    }
    ck_assert_uint_eq(fr() & (UARTFR_RXFE | UARTFR_RXFF), UARTFR_RXFE);
    /* Switching the FIFO off empties it. */
    vmm_console_input(&a64.vmm, (const uint8_t *)"xyz", 3);
    bus_write(U(UARTLCR_H), 4, 0x60);
    ck_assert_uint_eq(fr() & UARTFR_RXFE, UARTFR_RXFE);
}
END_TEST

START_TEST(input_waits_in_the_ring_and_is_pulled_as_the_guest_reads)
{
    bus_write(U(UARTLCR_H), 4, UARTLCR_H_FEN);
    const char *text = "the quick brown fox jumps over the lazy dog";
    fake_console_queue(text);
    vmm_console_refill(&a64.vmm); /* what the input message does */
    ck_assert_uint_eq(env.in_pos, PL011_FIFO);
    char got[64] = {0};
    for (size_t i = 0; i < strlen(text); i++) {
        ck_assert_uint_eq(fr() & UARTFR_RXFE, 0);
        got[i] = (char)bus_read(U(UARTDR), 1);
    }
    ck_assert_str_eq(got, text);
    ck_assert_uint_eq(fr() & UARTFR_RXFE, UARTFR_RXFE);
    ck_assert_uint_eq(a64.vmm.console_dropped, 0);
}
END_TEST

START_TEST(receive_interrupts_follow_the_fifo)
{
    gic_ready();
    bus_write(U(UARTLCR_H), 4, UARTLCR_H_FEN);
    bus_write(U(UARTIMSC), 4, UART_INT_RX | UART_INT_RT);
    vmm_console_input(&a64.vmm, (const uint8_t *)"abc", 3);
    /* Below the 1/2 trigger: a receive timeout (there is no more to wait for), no RX. */
    ck_assert_uint_eq(bus_read(U(UARTRIS), 4) & (UART_INT_RX | UART_INT_RT), UART_INT_RT);
    ck_assert_uint_eq(bus_read(U(UARTMIS), 4), UART_INT_RT);
    ck_assert_uint_ge(injected(PL011_INTID), 1);
    vmm_console_input(&a64.vmm, (const uint8_t *)"defghijk", 8); /* 11 >= 8 */
    ck_assert_uint_eq(bus_read(U(UARTRIS), 4) & UART_INT_RX, UART_INT_RX);
    /* Reading below the trigger drops RX; emptying drops RT; the line goes low. */
    for (unsigned i = 0; i < 4; i++)
        bus_read(U(UARTDR), 4);
    ck_assert_uint_eq(bus_read(U(UARTRIS), 4) & UART_INT_RX, 0);
    for (unsigned i = 0; i < 7; i++)
        bus_read(U(UARTDR), 4);
    ck_assert_uint_eq(bus_read(U(UARTRIS), 4) & (UART_INT_RX | UART_INT_RT), 0);
    clear_injects();
    bus_read(U(UARTFR), 4);
    ck_assert_uint_eq(injected(PL011_INTID), 0);
}
END_TEST

START_TEST(line_left_high_is_reasserted_after_each_access)
{
    gic_ready();
    bus_write(U(UARTIMSC), 4, UART_INT_RT);
    vmm_console_input(&a64.vmm, (const uint8_t *)"a", 1);
    ck_assert_uint_eq(injected(PL011_INTID), 1);
    bus_read(U(UARTMIS), 4); /* still high after the access: injected again */
    ck_assert_uint_eq(injected(PL011_INTID), 2);
    bus_read(U(UARTDR), 4); /* drained: low */
    bus_read(U(UARTMIS), 4);
    ck_assert_uint_eq(injected(PL011_INTID), 2);
}
END_TEST

START_TEST(transmit_interrupt_and_clear)
{
    gic_ready();
    bus_write(U(UARTIMSC), 4, UART_INT_TX);
    ck_assert_uint_eq(injected(PL011_INTID), 0);
    bus_write(U(UARTDR), 4, 'z');
    ck_assert_uint_eq(bus_read(U(UARTRIS), 4), UART_INT_TX);
    ck_assert_uint_ge(injected(PL011_INTID), 1);
    bus_write(U(UARTICR), 4, UART_INT_TX);
    ck_assert_uint_eq(bus_read(U(UARTRIS), 4), 0);
    ck_assert_uint_eq(bus_read(U(UARTMIS), 4), 0);
    /* Masked, the raw status still shows; MIS does not. */
    bus_write(U(UARTIMSC), 4, 0);
    bus_write(U(UARTDR), 4, 'z');
    ck_assert_uint_eq(bus_read(U(UARTRIS), 4), UART_INT_TX);
    ck_assert_uint_eq(bus_read(U(UARTMIS), 4), 0);
    /* ICR of RT/RX clears them even with bytes waiting; the next batch raises RT again. */
    vmm_console_input(&a64.vmm, (const uint8_t *)"q", 1);
    bus_write(U(UARTICR), 4, UART_INT_ALL);
    ck_assert_uint_eq(bus_read(U(UARTRIS), 4), 0);
}
END_TEST

START_TEST(read_only_write_only_and_reserved)
{
    uint64_t before = a64.uart.bad_accesses;
    bus_write(U(UARTFR), 4, 0);
    bus_write(U(UARTRIS), 4, 0xff);
    bus_write(U(UARTMIS), 4, 0xff);
    bus_write(U(UARTPERIPHID0), 4, 0);
    ck_assert_uint_eq(bus_read(U(UARTICR), 4), 0);
    ck_assert_uint_eq(bus_read(U(0x008), 4), 0);
    ck_assert_uint_eq(bus_read(U(0x800), 4), 0);
    bus_write(U(0x800), 4, 1);
    bus_write(U(UARTCR + 2), 2, 0xffff); /* a write into the middle of a register */
    ck_assert_uint_eq(bus_read(U(UARTCR), 4), UARTCR_RESET);
    ck_assert_uint_eq(bus_read(U(UARTFR + 3), 2), 0); /* across two registers */
    ck_assert_uint_eq(a64.uart.bad_accesses - before, 10);
    ck_assert_uint_eq(bus_read(U(UARTPERIPHID0), 4), 0x11);
    /* RSR/ECR: no errors are ever recorded; a write clears. */
    bus_write(U(UARTRSR), 4, 0);
    ck_assert_uint_eq(bus_read(U(UARTRSR), 4), 0);
}
END_TEST

START_TEST(doubleword_access_aborts)
{
    uint64_t v;
    ck_assert_int_eq(vmm_bus_read(&a64.vmm.bus, U(UARTDR), 8, &v), VMM_BUS_DEVICE);
    ck_assert_int_eq(vmm_bus_write(&a64.vmm.bus, U(UARTDR), 8, 'x'), VMM_BUS_DEVICE);
    ck_assert_uint_eq(env.nout, 0);
    /* Through an exit, that is an abort for the guest. */
    uint64_t reply[6];
    unsigned len;
    run_exit(esr_dabt(3, 0, 0, 1, false), U(UARTDR), 0, 0, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
}
END_TEST

START_TEST(guest_store_through_an_exit_prints)
{
    uint64_t reply[6];
    unsigned len;
    /* strb w1, [x0] with x0 = UARTDR: what an early printk does. */
    run_exit(esr_dabt(0, 0, 1, 0, true), U(UARTDR), '!', 0, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    run_exit(esr_dabt(0, 0, 1, 0, true), U(UARTDR), '\n', 0, 0, reply, &len);
    ck_assert_uint_eq(env.nout, 2);
    ck_assert_mem_eq(env.out, "!\n", 2);
}
END_TEST

static Suite *pl011_suite(void)
{
    Suite *s = suite_create("pl011");
    TCase *t = tcase_create("pl011");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, amba_identification);
    tcase_add_test(t, reset_values);
    tcase_add_test(t, control_registers_keep_their_width);
    tcase_add_test(t, transmit_goes_to_the_console_a_line_at_a_time);
    tcase_add_test(t, long_output_goes_in_full_messages);
    tcase_add_test(t, fifo_disabled_holds_one_byte);
    tcase_add_test(t, fifo_of_sixteen_with_flags);
    tcase_add_test(t, input_waits_in_the_ring_and_is_pulled_as_the_guest_reads);
    tcase_add_test(t, receive_interrupts_follow_the_fifo);
    tcase_add_test(t, line_left_high_is_reasserted_after_each_access);
    tcase_add_test(t, transmit_interrupt_and_clear);
    tcase_add_test(t, read_only_write_only_and_reserved);
    tcase_add_test(t, doubleword_access_aborts);
    tcase_add_test(t, guest_store_through_an_exit_prints);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(pl011_suite());
}
