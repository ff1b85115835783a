/* The radio server: owns the physical NIC (the phone's radio) through the caps the root task gave
 * it (register pages, interrupt, DMA memory), brings it up with libhv's driver side, checks the
 * link with an ARP probe for the router, and switches the partitions' frames onto it under the
 * policy the manifest's records make (docs/network.md). Each partition's virtio-net device is
 * run in its RAM (net_port.c) for its VMM, which speaks the device protocol (hv/proto/vdev.h,
 * net.h) on the server's endpoint; the badge alone says which partition a call is for. */
#include "net_port.h"
#include "radio_calls.h"
#include "radio_switch.h"
#include "vnet_nic.h"

#include <hv/abi/error.h>
#include <hv/bytes.h>
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
static unsigned nports; /* ports served: 0 when the policy was refused */
/* The cost figures of the shared pages (hv_net_shared): wake-ups of the event thread, the
 * NIC's interrupts among them, and the interrupts signalled to each port's VMM. */
static uint64_t wakeups, nic_irqs, signals[HV_RADIO_MAX_PORTS];

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

/* ---- frames through the switch ---- */

static void from_link(void *ctx, const uint8_t *f, uint32_t len)
{
    (void)ctx;
    unsigned port;
    if (!router_reply(f, len))
        (void)radio_switch_from_uplink(&sw, f, len, &port); /* a drop is counted there */
}

static void from_partition(void *ctx, const uint8_t *f, uint32_t len)
{
    unsigned port = (unsigned)(uintptr_t)ctx;
    (void)radio_switch_from_partition(&sw, port, f, len);
}

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
 * refusals, when there are any, on a second line (one would not fit the console's 160 bytes). */
static uint64_t drops_seen[HV_RADIO_MAX_PORTS], drops_counted[HV_RADIO_MAX_PORTS];

static void say_drops(unsigned c, uint64_t total)
{
    bool say = false;
    while (drops_seen[c] < total)
        say |= hv_count_and_check(&drops_counted[c]), drops_seen[c]++;
    if (!say)
        return;
    static char line[160];
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
        in_drops += k->in_drops[r];
        out_drops += k->out_drops[r];
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
    sh->wakeups = wakeups;
    sh->nic_irqs = nic_irqs;
    say_drops(c, in_drops + out_drops);
}

/* One pass: the link's frames in, each partition's sends (while its egress queue has room for
 * a batch), the link's share out by deficit round robin, each partition's frames into its
 * receive ring, and the interrupts the guests asked for. Every loop is bounded. */
static void pass(void)
{
    if (nic_up)
        vnet_nic_poll(&nic, from_link, NULL);
    for (unsigned c = 0; c < nports; c++)
        for (unsigned n = 0; n < 4 && radio_switch_egress_free(&sw, c) >= NET_PORT_TX_BATCH; n++)
            if (!net_port_tx(&ports[c], from_partition, (void *)(uintptr_t)c))
                break;
    size_t len;
    const uint8_t *f;
    for (unsigned n = 0; nic_up && n < VNET_BUFS && (f = radio_switch_peek(&sw, RADIO_UPLINK, &len));
         n++) {
        if (!vnet_nic_send(&nic, f, (uint32_t)len))
            break; /* the NIC's ring is full: the frame waits in its queue */
        radio_switch_pop(&sw, RADIO_UPLINK);
    }
    for (unsigned c = 0; c < nports; c++) {
        for (unsigned n = 0; n < RADIO_QUEUE_SLOTS && (f = radio_switch_peek(&sw, c, &len)); n++) {
            uint64_t no_buffer = ports[c].stats.drops[NET_PORT_DROP_NO_BUFFER];
            if (!net_port_rx(&ports[c], f, (uint32_t)len) &&
                ports[c].stats.drops[NET_PORT_DROP_NO_BUFFER] != no_buffer)
                break; /* no buffer posted: the frame waits, up to the queue's bound */
            radio_switch_pop(&sw, c);
        }
        if (net_port_irq_wanted(&ports[c])) {
            __atomic_or_fetch(&shared_page(c)->irq, HV_VDEV_IRQ_USED, __ATOMIC_RELEASE);
            hv_signal(HV_DEVICE_SLOT_VMM_EVENTS + c);
            signals[c]++;
        }
        publish(c);
    }
}

/* ---- the VMMs' calls ---- */

static struct hv_net_shared *shared_pages[HV_RADIO_MAX_PORTS];
static struct radio_clients clients = {.net = ports, .shared = shared_pages};

static void answer_vmm(uint64_t badge, struct hv_msg *m)
{
    uint64_t label;
    unsigned words;
    clients.ports = config->ports;
    clients.nports = nports;
    clients.configured = config->nports < HV_RADIO_MAX_PORTS ? config->nports : HV_RADIO_MAX_PORTS;
    bool set_up = radio_call(&clients, badge, hv_msginfo_label(m->info), m->w,
                             hv_msginfo_len(m->info), &label, &words);
    m->info = hv_msginfo(label, words);
    if (set_up)
        pass();
}

/* ---- serving ---- */

/* A wake-up of the notification: the NIC's interrupt (acknowledged to the device, then to the
 * kernel), the VMMs' doorbells; either way one pass. */
static void events(uint64_t bits)
{
    wakeups++;
    if (nic_up && (bits & HV_DEVICE_BIT_IRQ)) {
        nic_irqs++;
        device_server_ack_irq(nic.t);
    }
    pass();
    if (nic.broken && nic_up) {
        nic_up = false;
        hv_printf("radio: the NIC broke a rule (%s): it is stopped\n", vqd_result_name(nic.why));
    }
}

static _Noreturn void serve_forever(void)
{
    device_server_serve("radio", config->prio, &nports, events, answer_vmm);
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
