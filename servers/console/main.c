/* The console server: owns the physical UART. Its main thread takes clients' output (calls on
 * its endpoint, the badge says which client) into the transmit queue; its input thread waits
 * for the UART's interrupt, hands typed bytes to the client with focus through that client's
 * ring, and sends more of the queue when the UART has room again. */
#include "console.h"
#include "uart.h"
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/proto/focus.h>
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

static void signal_clients(void)
{
    for (unsigned i = 0; i < con.nclients; i++)
        if (pending_notify & 1u << i)
            hv_signal(HV_CONSOLE_SLOT_CLIENT_NTFN + i);
    pending_notify = 0;
}

/* ---- following the focus owner (config->follow_focus, docs/trusted-path.md) ---- */

static const struct hv_focus_page *focus_page = (const void *)HV_CONSOLE_FOCUS_VA;
static uint32_t focus_seen; /* the generation last acted on */

/* The owner signalled (or answered us): acts on where the page says the focus is now. */
static void follow_page(void)
{
    uint64_t word = hv_focus_read(focus_page);
    if (!hv_focus_moved(word, &focus_seen))
        return;
    console_lock();
    console_focus_moved(&con, hv_focus_partition(word));
    tx_pump();
    console_unlock();
}

/* Ctrl-T's request, made to the owner by a call outside the console's lock: the owner may log
 * through this server's main thread meanwhile. It moves the focus in its page before it
 * answers, so the page is read right after. */
static void ask_owner(void)
{
    uint64_t label, arg;
    console_lock();
    bool asked = console_take_request(&con, &label, &arg);
    console_unlock();
    if (!asked)
        return;
    struct hv_msg m = {.info = hv_msginfo(label, 1), .w = {arg}};
    int r = hv_call(HV_CONSOLE_SLOT_FOCUS_EP, &m);
    uint64_t err = hv_msginfo_label(m.info);
    console_lock();
    if (r)
        console_follow_lost(&con, label, arg);
    else if (err)
        console_focus_refused(&con, label, arg, (int)err);
    tx_pump();
    console_unlock();
    if (!r)
        follow_page();
}

/* Hands every byte in the receive FIFO to the console and sends what waits to go out, then
 * signals the clients that got input. A Ctrl-T request stops the reading until the owner
 * answered: what was typed after it goes where the focus went. */
static void uart_service(void)
{
    for (;;) {
        int ch;
        console_lock();
        while (!con.request_pending && (ch = uart_getc()) >= 0)
            console_input(&con, (uint8_t)ch);
        tx_pump();
        console_unlock();
        signal_clients();
        if (!con.request_pending)
            return;
        ask_owner();
    }
}

static void rx_loop(void)
{
    uint64_t bits;
    for (;;) {
        hv_wait(HV_CONSOLE_SLOT_IRQ_NTFN, &bits);
        if (bits & HV_CONSOLE_BIT_FOCUS)
            follow_page();
        if (!(bits & HV_CONSOLE_BIT_UART))
            continue;
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
    bool server = m->badge >= HV_CONSOLE_BADGE_SERVER_FIRST &&
                  m->badge < HV_CONSOLE_BADGE_SERVER(HV_CONSOLE_SERVERS);
    if ((m->badge > con.nclients && !server) || ((m->badge == 0 || server) && !log))
        return HV_EPERM;
    if ((op != HV_CONSOLE_WRITE && !log) || (end && !log) || count > HV_CONSOLE_WRITE_MAX ||
        count > hv_msginfo_len(m->info) * 8u)
        return HV_EINVAL;
    uint8_t bytes[HV_CONSOLE_WRITE_MAX];
    for (unsigned i = 0; i < count; i++)
        bytes[i] = (uint8_t)(m->w[i / 8] >> (8 * (i % 8)));
    console_lock();
    if (log)
        console_log(&con,
                    server ? CONSOLE_WRITER_SERVER(m->badge - HV_CONSOLE_BADGE_SERVER_FIRST)
                           : (unsigned)m->badge,
                    bytes, count, end != 0);
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
    unsigned first = config->focus;
    bool follow = config->follow_focus != 0;
    if (follow && focus_page->version != HV_FOCUS_VERSION) {
        hv_printf("console: focus page version %u, not %u: the console keeps its own focus\n",
                  focus_page->version, HV_FOCUS_VERSION);
        follow = false;
    }
    if (follow) {
        uint64_t word = hv_focus_read(focus_page);
        focus_seen = hv_focus_generation(word);
        first = hv_focus_partition(word) < config->nclients ? hv_focus_partition(word) : 0;
    }
    if (!console_init(&con, &io, config->nclients, config->names, first)) {
        hv_printf("console: bad configuration (%u clients)\n", config->nclients);
        return;
    }
    if (follow)
        console_follow(&con);
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
