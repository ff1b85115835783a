/* The console server: owns the physical UART. Its main thread takes clients' output (calls on
 * its endpoint, the badge says which client) into the transmit queue; its input thread waits
 * for the UART's interrupt, hands typed bytes to the client with focus through that client's
 * ring, and sends more of the queue when the UART has room again. */
#include "console.h"
#include "uart.h"
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/sys.h>

static struct console con;
static const struct hv_console_config *config = (const void *)HV_CONSOLE_CONFIG_VA;
static uint8_t rx_stack[8192] __attribute__((aligned(16)));

/* Both threads use the console (output and focus changes from either): one at a time. They
 * run at one priority, so a yield lets the holder finish. */
static volatile int console_busy;

static void console_lock(void)
{
    while (__atomic_exchange_n(&console_busy, 1, __ATOMIC_ACQUIRE))
        hv_yield();
}

static void console_unlock(void)
{
    __atomic_store_n(&console_busy, 0, __ATOMIC_RELEASE);
}

static unsigned uart_take(void *ctx, const uint8_t *s, unsigned n)
{
    (void)ctx;
    return uart_tx(s, n);
}

/* Gives the UART what it takes; while bytes wait, its transmit interrupt wakes the input
 * thread to go on. Never waits for the line (SEC-H4). Called with the console locked. */
static void tx_pump(void)
{
    static bool irq_on;
    bool waiting = console_tx_pump(&con);
    if (waiting != irq_on)
        uart_tx_irq(waiting);
    irq_on = waiting;
}

static uint32_t pending_notify; /* clients to signal once the typed bytes are in */

static void notify(void *ctx, unsigned client)
{
    (void)ctx;
    pending_notify |= 1u << client;
}

/* Hands every byte in the receive FIFO to the console and sends what waits to go out, then
 * signals the clients that got input. */
static void uart_service(void)
{
    int ch;
    console_lock();
    while ((ch = uart_getc()) >= 0)
        console_input(&con, (uint8_t)ch);
    tx_pump();
    console_unlock();
    for (unsigned i = 0; i < con.nclients; i++)
        if (pending_notify & 1u << i)
            hv_signal(HV_CONSOLE_SLOT_CLIENT_NTFN + i);
    pending_notify = 0;
}

static void rx_loop(void)
{
    uint64_t bits;
    for (;;) {
        hv_wait(HV_CONSOLE_SLOT_IRQ_NTFN, &bits);
        uart_service();
        hv_sys(HV_SYS_IRQ_ACK, HV_CONSOLE_SLOT_IRQ, 0, 0, 0, 0, 0);
        /* The 16550's line is edge-triggered at the IOAPIC, and an edge on a masked line is
         * lost: a byte that came between the drain and the ack left the line high with no
         * edge to come. Reading it now drops the line, so the next byte raises a new edge. */
        uart_service();
    }
}

/* A client's write (label HV_CONSOLE_WRITE | count << 8) or anyone's log line (label
 * HV_CONSOLE_LOG | count << 8, maybe | HV_CONSOLE_LOG_END), the bytes in the words. */
static uint64_t serve(const struct hv_msg *m)
{
    uint64_t label = hv_msginfo_label(m->info);
    uint64_t op = label & 0xff, end = label & HV_CONSOLE_LOG_END;
    unsigned count = (unsigned)((label & ~(uint64_t)HV_CONSOLE_LOG_END) >> 8);
    bool log = op == HV_CONSOLE_LOG;
    if (m->badge > con.nclients || (m->badge == 0 && !log))
        return HV_EPERM;
    if ((op != HV_CONSOLE_WRITE && !log) || (end && !log) || count > HV_CONSOLE_WRITE_MAX ||
        count > hv_msginfo_len(m->info) * 8u)
        return HV_EINVAL;
    uint8_t bytes[HV_CONSOLE_WRITE_MAX];
    for (unsigned i = 0; i < count; i++)
        bytes[i] = (uint8_t)(m->w[i / 8] >> (8 * (i % 8)));
    console_lock();
    if (log)
        console_log(&con, (unsigned)m->badge, bytes, count, end != 0);
    else
        console_output(&con, (unsigned)m->badge - 1, bytes, count);
    tx_pump();
    console_unlock();
    return HV_OK;
}

void hv_main(uint64_t arg)
{
    (void)arg;
    struct console_io io = {uart_take, notify, 0};
    if (!console_init(&con, &io, config->nclients, config->names, config->focus)) {
        hv_printf("console: bad configuration (%u clients)\n", config->nclients);
        return;
    }
    for (unsigned i = 0; i < con.nclients; i++)
        con.clients[i].ring = (struct hv_console_ring *)(HV_CONSOLE_RINGS_VA + i * 4096ull);
    uart_init();
    int r = hv_thread_configure(HV_CONSOLE_SLOT_RX_THREAD, HV_SLOT_SELF_CNODE,
                                HV_CONSOLE_SLOT_VSPACE, 0, config->prio, HV_SC_INHERIT,
                                (uint64_t)(uintptr_t)rx_loop,
                                (uint64_t)(uintptr_t)(rx_stack + sizeof(rx_stack)));
    if (!r)
        r = hv_thread_resume(HV_CONSOLE_SLOT_RX_THREAD);
    if (r)
        hv_printf("console: no input thread (error %d): output only\n", r);
    hv_sys(HV_SYS_IRQ_ACK, HV_CONSOLE_SLOT_IRQ, 0, 0, 0, 0, 0);

    struct hv_msg m = {0};
    hv_recv(HV_CONSOLE_SLOT_EP, &m);
    for (;;) {
        uint64_t err = serve(&m);
        m.info = hv_msginfo(err, 0);
        hv_reply_recv(HV_CONSOLE_SLOT_EP, &m);
    }
}
