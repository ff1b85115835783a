/* The radio server: owns the physical NIC (the phone's radio) through the caps the root task gave
 * it (register pages, interrupt, DMA memory), brings it up with libhv's driver side, checks the
 * link with an ARP probe for the router, and switches the partitions' frames onto it under the
 * policy the manifest's records make (docs/network.md). Each partition's virtio-net device is
 * run in its RAM (net_port.c) by a thread of the server on that partition's scheduling context;
 * its VMM speaks the device protocol (hv/proto/vdev.h, net.h) on the server's endpoint, and the
 * badge alone says which partition a call is for. */
#include "net_port.h"
#include "radio_calls.h"
#include "radio_switch.h"
#include "vnet_nic.h"

#include <hv/abi/error.h>
#include <hv/bytes.h>
#include <hv/device_handoff.h>
#include <hv/device_server.h>
#include <hv/fmt.h>
#include <hv/log_limit.h>
#include <hv/print.h>
#include <hv/proto/net.h>
#include <hv/proto/radio.h>
#include <hv/string.h>
#include <hv/sys.h>
#include <hv/virtio/virtio_net.h>
#include <hv/virtio/virtio_spec.h>

/* The mobile network's router on the link (docs/network.md's address plan): 192.0.2.1. */
static const uint8_t router_ip[4] = {192, 0, 2, 1};

#define ETH_HLEN 14
#define ETH_P_ARP 0x0806
#define ARP_LEN 28

static const struct hv_radio_config *config = (const void *)HV_DEVICE_CONFIG_VA;
static struct device_server device;
static struct vnet_nic nic;
static bool nic_up, router_known;
static struct radio_switch sw;
static struct net_port ports[HV_RADIO_MAX_PORTS];
static struct virtio_mem_region ram_regions[HV_RADIO_MAX_PORTS];
static unsigned nports; /* ports served: 0 when the policy was refused; set before any port
                         * thread starts */
/* The cost figures of the shared pages (hv_net_shared), each written by one thread: the NIC's
 * interrupts and the link thread's signals waking port threads (the link thread's); the
 * interrupts signalled to each port's VMM and that port's thread's signals to the server's
 * threads (kicks of the link thread, its own next round) (that port's thread's). The page's
 * `wakeups` is the sum of the signals between the server's threads, all ports together: each
 * one message (docs/network.md, "Benchmark"). */
static uint64_t nic_irqs, link_signals, signals[HV_RADIO_MAX_PORTS];
static uint64_t port_signals[HV_RADIO_MAX_PORTS];

static void mac_text(char out[18], const uint8_t m[6])
{
    fmt_snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* RFC 5227's probe: "who has 192.0.2.1?" with sender address 0.0.0.0, so that nothing on the
 * link learns an address for this MAC. */
static bool send_router_probe(void)
{
    uint8_t f[ETH_HLEN + ARP_LEN];
    memset(f, 0xff, 6); /* broadcast */
    memcpy(f + 6, nic.mac, 6);
    hv_put_be16(f + 12, ETH_P_ARP);
    uint8_t *a = f + ETH_HLEN;
    hv_put_be16(a, 1);          /* Ethernet */
    hv_put_be16(a + 2, 0x0800); /* IPv4 */
    a[4] = 6;
    a[5] = 4;
    hv_put_be16(a + 6, 1); /* request */
    memcpy(a + 8, nic.mac, 6);
    memset(a + 14, 0, 4 + 6);
    memcpy(a + 24, router_ip, 4);
    return vnet_nic_send(&nic, f, sizeof(f));
}

/* The router's answer to our probe (to the NIC's own MAC) says the link works both ways. */
static bool router_reply(const uint8_t *f, uint32_t len)
{
    if (len < ETH_HLEN + ARP_LEN || hv_be16(f + 12) != ETH_P_ARP || memcmp(f, nic.mac, 6) != 0)
        return false;
    const uint8_t *a = f + ETH_HLEN;
    if (hv_be16(a) != 1 || hv_be16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4 ||
        hv_be16(a + 6) != 2 || memcmp(a + 14, router_ip, 4) != 0)
        return false;
    if (!router_known) {
        char mac[18];
        mac_text(mac, a + 8);
        router_known = true;
        hv_printf("radio: link up: router 192.0.2.1 is at %s\n", mac);
    }
    return true;
}

/*
 * Three kinds of thread (docs/network.md, "Threads and whose CPU time"), none of which waits
 * for another while it holds anything the others need:
 *  - one per port, on its partition's scheduling context at its VMM's priority (started by
 *    the root task): takes the guest's sent frames from its transmit ring, checks them and
 *    copies them into the port's queue to the link (radio_switch_from_partition), kicking the
 *    link thread; writes the frames the link thread queued for it into the guest's receive
 *    ring; signals its VMM; keeps its counters and drop lines; and answers its VMM's calls. It
 *    alone touches that partition's device (net_port) and is the one producer of its egress
 *    queue and consumer of its ingress queue, so a partition whose budget is spent stops its
 *    own traffic only;
 *  - the link thread, on the server's own small budget at the server's priority: the NIC's
 *    interrupt and rings, the frames the NIC received into the ports' ingress queues (the
 *    policy's ingress decision), and the ports' egress queues onto the NIC by deficit round
 *    robin; it wakes a port's thread when it queued frames for it or made room it waits for;
 *  - the main thread: receives the VMMs' calls (lent the caller's budget) and hands each to
 *    the caller's port thread, waiting for its answer.
 * Frames move between them through the switch's queues (one producer, one consumer each).
 */

/* ---- the link thread ---- */

static uint32_t ports_to_wake; /* the link thread's, during one pass */

/* Port c stopped taking its guest's frames for want of room in its egress queue: the link
 * thread wakes it once it made room (written by both; see egress_room_for_batch and
 * link_pass). */
static bool egress_waiting[HV_RADIO_MAX_PORTS];

static void from_link(void *ctx, const uint8_t *f, uint32_t len)
{
    (void)ctx;
    unsigned port;
    if (router_reply(f, len))
        return;
    /* Queued for a port, or dropped and counted against it: either way its thread has
     * something to do (deliver, or say the drop); a frame for no port is the uplink's drop. */
    (void)radio_switch_from_uplink(&sw, f, len, &port);
    if (port < nports)
        ports_to_wake |= 1u << port;
}

/* One pass: the link's frames into the ports' queues, the ports' frames onto the link by
 * deficit round robin while the NIC has room, and the ports told. Every loop is bounded. */
static void link_pass(void)
{
    if (nic_up)
        vnet_nic_poll(&nic, from_link, NULL);
    size_t len;
    const uint8_t *f;
    for (unsigned n = 0; nic_up && n < VNET_BUFS && (f = radio_switch_peek(&sw, RADIO_UPLINK, &len));
         n++) {
        if (!vnet_nic_send(&nic, f, (uint32_t)len))
            break; /* the NIC's ring is full: the frame waits in its queue */
        radio_switch_pop(&sw, RADIO_UPLINK);
    }
    /* Pairs with egress_room_for_batch's fence: it sees the room made above, or this its flag. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned c = 0; c < nports; c++)
        if (__atomic_load_n(&egress_waiting[c], __ATOMIC_RELAXED) &&
            radio_switch_egress_free(&sw, c) >= NET_PORT_TX_BATCH &&
            __atomic_exchange_n(&egress_waiting[c], false, __ATOMIC_SEQ_CST))
            ports_to_wake |= 1u << c;
    for (unsigned c = 0; c < nports; c++)
        if (ports_to_wake & (1u << c)) {
            hv_signal(HV_RADIO_SLOT_PORT_WAKE + c);
            __atomic_store_n(&link_signals, link_signals + 1, __ATOMIC_RELAXED);
        }
    ports_to_wake = 0;
}

static uint8_t link_stack[4 * 4096] __attribute__((aligned(16)));

/* A wake-up of the server's notification: the NIC's interrupt (acknowledged to the device,
 * then to the kernel) and the port threads' kicks; either way one pass. */
static void link_loop(void)
{
    for (;;) {
        uint64_t bits;
        if (hv_wait(HV_DEVICE_SLOT_IRQ_NTFN, &bits) != 0) {
            hv_thread_suspend(HV_DEVICE_SLOT_EVENT_THREAD);
            continue;
        }
        if (nic_up && (bits & HV_DEVICE_BIT_IRQ)) {
            __atomic_store_n(&nic_irqs, nic_irqs + 1, __ATOMIC_RELAXED);
            device_server_ack_irq(nic.t);
        }
        link_pass();
        if (nic.broken && nic_up) {
            nic_up = false;
            hv_printf("radio: the NIC broke a rule (%s): it is stopped\n",
                      vqd_result_name(nic.why));
        }
    }
}

/* ---- a port's thread ---- */

static struct hv_net_shared *shared_page(unsigned c)
{
    return (struct hv_net_shared *)HV_DEVICE_SHARED_VA(c);
}

/* What the port's device refused before the switch saw a frame (a giant, a bad chain, ...):
 * every drop reason of net_port but "no buffer", after which the frame waits in its queue. */
static bool device_drop(enum net_port_drop why)
{
    return why != NET_PORT_DROP_NO_BUFFER;
}

/* Drops said on the console server's log: a port's line whenever its total drops reach 1, 2,
 * 4, 8, ... (a flood costs a line per doubling), with every reason counted so far; the device's
 * refusals, when there are any, on a second line (one would not fit the console's 160 bytes).
 * Port c's thread's. */
static uint64_t drops_seen[HV_RADIO_MAX_PORTS], drops_counted[HV_RADIO_MAX_PORTS];

static void say_drops(unsigned c, uint64_t total)
{
    bool say = false;
    while (drops_seen[c] < total)
        say |= hv_count_and_check(&drops_counted[c]), drops_seen[c]++;
    if (!say)
        return;
    char line[160];
    radio_switch_format_drops(&sw, c, line, sizeof(line));
    hv_printf("radio: %s\n", line);
    int n = 0;
    for (unsigned r = 0; r < NET_PORT_DROPS; r++)
        if (device_drop(r) && ports[c].stats.drops[r] && n >= 0 && (size_t)n < sizeof(line))
            n += fmt_snprintf(line + n, sizeof(line) - (size_t)n, "%s %s %lu", n ? "," : "",
                              net_port_drop_name(r), (unsigned long)ports[c].stats.drops[r]);
    if (n > 0)
        hv_printf("radio: %s: device dropped%s\n", config->ports[c].partition, line);
}

static void publish(unsigned c)
{
    const struct radio_counters *k = radio_switch_counters(&sw, c);
    struct hv_net_shared *sh = shared_page(c);
    uint64_t in_drops = 0, out_drops = 0;
    for (unsigned r = 0; r < RADIO_DROP_COUNT; r++) {
        in_drops += radio_counter_read(&k->in_drops[r]);
        out_drops += radio_counter_read(&k->out_drops[r]); /* the link thread's, mostly */
    }
    /* The device's refusals count as the guest's: a small receive buffer on the way in, the
     * rest (runts, giants, offload requests, bad chains on either queue) on the way out. */
    for (unsigned r = 0; r < NET_PORT_DROPS; r++) {
        if (r == NET_PORT_DROP_SMALL_BUFFER)
            out_drops += ports[c].stats.drops[r];
        else if (device_drop(r))
            in_drops += ports[c].stats.drops[r];
    }
    sh->tx_frames = ports[c].stats.tx_frames;
    sh->rx_frames = ports[c].stats.rx_frames;
    sh->tx_dropped = in_drops;
    sh->rx_dropped = out_drops;
    sh->signals = signals[c];
    uint64_t internal = __atomic_load_n(&link_signals, __ATOMIC_RELAXED);
    for (unsigned k = 0; k < nports; k++)
        internal += __atomic_load_n(&port_signals[k], __ATOMIC_RELAXED);
    sh->wakeups = internal;
    sh->nic_irqs = __atomic_load_n(&nic_irqs, __ATOMIC_RELAXED);
    say_drops(c, in_drops + out_drops);
}

/* A sent frame, checked and queued for the link (or counted as dropped) in the port's thread. */
struct port_tx {
    unsigned port;
    bool queued;
};

static void from_partition(void *ctx, const uint8_t *f, uint32_t len)
{
    struct port_tx *tx = ctx;
    if (radio_switch_from_partition(&sw, tx->port, f, len) == RADIO_PASS)
        tx->queued = true;
}

/* Whether port c's egress queue has room for a batch; if not, asks the link thread for a
 * wake-up when it has (the flag, then the room looked at again: see link_pass). */
static bool egress_room_for_batch(unsigned c)
{
    if (radio_switch_egress_free(&sw, c) >= NET_PORT_TX_BATCH)
        return true;
    __atomic_store_n(&egress_waiting[c], true, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (radio_switch_egress_free(&sw, c) < NET_PORT_TX_BATCH)
        return false;
    __atomic_store_n(&egress_waiting[c], false, __ATOMIC_RELAXED);
    return true;
}

/* Batches port c's thread takes from its guest per wake-up before it lets its calls in: the
 * transmit ring's whole size, even when every frame is refused. */
#define PORT_TX_BATCHES (NET_PORT_QUEUE_MAX / NET_PORT_TX_BATCH)

/* Port c's pass: its guest's sends (a batch only while the egress queue has room for it: a
 * flooding guest waits on its own ring), the frames queued for it into its receive ring, the
 * interrupt its guest asked for, its counters. Every loop is bounded; returns true when its
 * guest may have more to send (the thread comes round again). */
static bool port_pass(unsigned c)
{
    struct net_port *p = &ports[c];
    struct port_tx tx = {c, false};
    bool more = false;
    for (unsigned n = 0; n < PORT_TX_BATCHES; n++) {
        if (!egress_room_for_batch(c))
            break; /* the link thread wakes this thread once it made room */
        more = net_port_tx(p, from_partition, &tx);
        if (!more)
            break;
    }
    if (tx.queued) {
        hv_signal(HV_RADIO_SLOT_UPLINK_BELL);
        __atomic_store_n(&port_signals[c], port_signals[c] + 1, __ATOMIC_RELAXED);
    }
    size_t len;
    const uint8_t *f;
    for (unsigned n = 0; n < RADIO_QUEUE_SLOTS && (f = radio_switch_peek(&sw, c, &len)); n++) {
        uint64_t no_buffer = p->stats.drops[NET_PORT_DROP_NO_BUFFER];
        if (!net_port_rx(p, f, (uint32_t)len) &&
            p->stats.drops[NET_PORT_DROP_NO_BUFFER] != no_buffer)
            break; /* no buffer posted: the frame waits, up to the queue's bound */
        radio_switch_pop(&sw, c);
    }
    if (net_port_irq_wanted(p)) {
        __atomic_or_fetch(&shared_page(c)->irq, HV_VDEV_IRQ_USED, __ATOMIC_RELEASE);
        hv_signal(HV_DEVICE_SLOT_VMM_EVENTS + c);
        signals[c]++;
    }
    publish(c);
    return more && radio_switch_egress_free(&sw, c) >= NET_PORT_TX_BATCH;
}

/* A call the main thread hands to port c's thread: full from the hand-over to the answer. */
static struct device_handoff calls[HV_RADIO_MAX_PORTS];

static struct hv_net_shared *shared_pages[HV_RADIO_MAX_PORTS];
static struct radio_clients clients = {.net = ports, .shared = shared_pages};

/* Port c's VMM's call, handed over by the main thread. */
static void answer_call(unsigned c)
{
    struct device_handoff *h = &calls[c];
    (void)radio_call(&clients, h->badge, h->label, h->w, h->len, &h->reply_label,
                     &h->reply_words); /* a queue set up: the pass that follows looks at it */
    device_handoff_answered(h, HV_RADIO_SLOT_CALL_DONE);
}

static void port_loop(unsigned c)
{
    for (;;) {
        uint64_t bits;
        if (hv_wait(HV_RADIO_SLOT_PORT_NTFN + c, &bits) != 0)
            return; /* the cap is gone: the thread stops (hv_main) */
        if (device_handoff_pending(&calls[c]))
            answer_call(c);
        /* A guest with more to send than a pass takes comes round again after a look at its
         * calls: its own notification, so the rest waits only on its own budget. */
        if (port_pass(c)) {
            hv_signal(HV_RADIO_SLOT_PORT_WAKE + c);
            __atomic_store_n(&port_signals[c], port_signals[c] + 1, __ATOMIC_RELAXED);
        }
    }
}

/* ---- the main thread: the VMMs' calls ---- */

/* A VMM's call; the badge (port + 1) alone says which partition it speaks for. Its port's
 * thread answers it (it alone touches that partition's device), on the caller's budget. */
static void answer_vmm(uint64_t badge, struct hv_msg *m)
{
    uint64_t label = hv_msginfo_label(m->info);
    unsigned len = hv_msginfo_len(m->info);
    if (badge == 0 || badge > nports) {
        uint64_t reply;
        unsigned words;
        (void)radio_call(&clients, badge, label, m->w, len, &reply, &words); /* refused */
        m->info = hv_msginfo(reply, words);
        return;
    }
    unsigned c = (unsigned)badge - 1;
    device_handoff_call(&calls[c], badge, m, HV_RADIO_SLOT_PORT_WAKE + c, HV_RADIO_SLOT_CALL_DONE);
}

/* Starts the link thread, says the server answers, then serves the VMMs' calls forever. */
static _Noreturn void serve_forever(void)
{
    clients.ports = config->ports;
    clients.nports = nports;
    clients.configured = config->nports < HV_RADIO_MAX_PORTS ? config->nports : HV_RADIO_MAX_PORTS;
    int r = hv_thread_configure(HV_DEVICE_SLOT_EVENT_THREAD, HV_SLOT_SELF_CNODE,
                                HV_DEVICE_SLOT_VSPACE, HV_DEVICE_SLOT_FAULT, config->prio,
                                HV_SC_INHERIT, (uint64_t)(uintptr_t)link_loop,
                                (uint64_t)(uintptr_t)(link_stack + sizeof(link_stack)));
    if (!r)
        r = hv_thread_resume(HV_DEVICE_SLOT_EVENT_THREAD);
    if (r) {
        hv_printf("radio: no link thread (error %d): no partition is served\n", r);
        nports = 0;
        clients.nports = 0;
    }
    hv_printf("radio: serving %u partition(s)\n", nports);
    hv_signal(HV_DEVICE_SLOT_READY);
    struct hv_msg m = {0};
    hv_recv(HV_DEVICE_SLOT_EP, &m);
    for (;;) {
        answer_vmm(m.badge, &m);
        hv_reply_recv(HV_DEVICE_SLOT_EP, &m);
    }
}

/* ---- bring-up ---- */

static void bring_up_nic(void)
{
    enum virtio_drv_error e;
    struct virtio_dma dma;
    struct virtio_transport *t =
        device_server_probe(&device, "radio", &config->dev, VIRTIO_ID_NET, &e);
    if (e == VIRTIO_DRV_OK && !device_server_dma(&device, &dma))
        return;
    if (e == VIRTIO_DRV_OK)
        e = vnet_nic_init(&nic, t, &dma);
    if (e != VIRTIO_DRV_OK) {
        hv_printf("radio: NIC at %s refused: %s\n", config->dev.location,
                  virtio_drv_error_name(e));
        return;
    }
    char mac[18];
    mac_text(mac, nic.mac);
    hv_printf("radio: NIC at %s (irq %u): MAC %s, %s transport\n", config->dev.location,
              config->dev.irq, mac, t->legacy ? "legacy" : "virtio 1.x");
    nic_up = true;
    /* An interrupt from before the reset is acked away: the line is bound and unmasked. */
    device_server_ack_irq(t);
    if (!send_router_probe())
        hv_printf("radio: the probe for the router did not go out\n");
}

/* The policy from the partitions' records, checked again here (they are this server's input);
 * a refused table serves no partition rather than guessing. */
static void build_ports(void)
{
    static struct radio_policy pol;
    static char why[160];
    struct radio_port_spec spec[HV_RADIO_MAX_PORTS];
    unsigned n = config->nports < HV_RADIO_MAX_PORTS ? config->nports : HV_RADIO_MAX_PORTS;
    for (unsigned c = 0; c < n; c++)
        spec[c] = (struct radio_port_spec){config->ports[c].partition, &config->ports[c].net};
    if (n && radio_policy_build(&pol, spec, n, why, sizeof(why)) != 0) {
        hv_printf("radio: the network records are refused: %s: no partition is served\n", why);
        return;
    }
    radio_switch_init(&sw, &pol);
    for (unsigned c = 0; c < n; c++) {
        const struct hv_radio_port *p = &config->ports[c];
        if (p->ram_size > HV_DEVICE_RAM_MAX)
            return;
        ram_regions[c] = (struct virtio_mem_region){p->ram_gpa, p->ram_size,
                                                    (void *)HV_DEVICE_RAM_VA(c)};
        net_port_init(&ports[c], &(struct virtio_mem){&ram_regions[c], 1});
        char mac[18];
        mac_text(mac, p->net.mac);
        hv_printf("radio: port %s: MAC %s, %u.%u.%u.%u/%u\n", p->partition, mac, p->net.ipv4[0],
                  p->net.ipv4[1], p->net.ipv4[2], p->net.ipv4[3], p->net.ipv4_prefix_len);
    }
    for (unsigned c = 0; c < n; c++)
        shared_pages[c] = shared_page(c);
    nports = n;
}

void hv_main(uint64_t arg)
{
    (void)arg;
    int port = device_worker_of_stack(HV_RADIO_MAX_PORTS);
    if (port >= 0) {
        /* Started once the server answers: nports is set for good. */
        if ((unsigned)port < __atomic_load_n(&nports, __ATOMIC_ACQUIRE))
            port_loop((unsigned)port);
        /* No port for it, or its notification gone: it stops with its own cap (returning
         * would suspend the main thread). */
        for (;;)
            hv_thread_suspend(HV_RADIO_SLOT_PORT_THREAD + (unsigned)port);
    }
    hv_print_to_console(HV_DEVICE_SLOT_LOG);
    if (config->version != HV_RADIO_CONFIG_VERSION) {
        hv_printf("radio: configuration version %u, not %u\n", config->version,
                  HV_RADIO_CONFIG_VERSION);
        serve_forever(); /* the root task waits for it: it answers, serving nobody */
    }
    bring_up_nic();
    build_ports();
    serve_forever();
}
