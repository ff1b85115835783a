/* The radio server: owns the physical NIC (the phone's radio) through the caps the root task gave
 * it (register pages, interrupt, DMA memory), brings it up with libhv's driver side, and checks
 * the link by asking who the mobile network's router is (an ARP probe: it claims no address).
 * The partitions' ports and the policy switch between them and the link come next
 * (docs/network.md). */
#include "vnet_nic.h"

#include <hv/bytes.h>
#include <hv/device_server.h>
#include <hv/fmt.h>
#include <hv/print.h>
#include <hv/proto/radio.h>
#include <hv/string.h>
#include <hv/sys.h>
#include <hv/virtio/virtio_spec.h>

/* The mobile network's router on the link (docs/network.md's address plan): 192.0.2.1. */
static const uint8_t router_ip[4] = {192, 0, 2, 1};

#define ETH_HLEN 14
#define ETH_P_ARP 0x0806
#define ARP_LEN 28

static const struct hv_radio_config *config = (const void *)HV_RADIO_CONFIG_VA;
static struct device_server device;
static struct vnet_nic nic;
static bool router_known;
static uint64_t frames_seen;

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
    hv_put_be16(a, 1);         /* Ethernet */
    hv_put_be16(a + 2, 0x0800); /* IPv4 */
    a[4] = 6;
    a[5] = 4;
    hv_put_be16(a + 6, 1); /* request */
    memcpy(a + 8, nic.mac, 6);
    memset(a + 14, 0, 4 + 6);
    memcpy(a + 24, router_ip, 4);
    return vnet_nic_send(&nic, f, sizeof(f));
}

/* The router's ARP reply (to us) says the link works in both directions. */
static void frame_in(void *ctx, const uint8_t *f, uint32_t len)
{
    (void)ctx;
    frames_seen++;
    if (router_known || len < ETH_HLEN + ARP_LEN || hv_be16(f + 12) != ETH_P_ARP)
        return;
    const uint8_t *a = f + ETH_HLEN;
    if (hv_be16(a) != 1 || hv_be16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4 ||
        hv_be16(a + 6) != 2 || memcmp(a + 14, router_ip, 4) != 0)
        return;
    char mac[18];
    mac_text(mac, a + 8);
    router_known = true;
    hv_printf("radio: link up: router 192.0.2.1 is at %s\n", mac);
}

static _Noreturn void idle(void)
{
    for (;;) {
        uint64_t bits;
        hv_wait(HV_DEVICE_SLOT_IRQ_NTFN, &bits);
    }
}

void hv_main(uint64_t arg)
{
    (void)arg;
    hv_print_to_console(HV_DEVICE_SLOT_LOG);
    if (config->version != HV_RADIO_CONFIG_VERSION) {
        hv_printf("radio: configuration version %u, not %u\n", config->version,
                  HV_RADIO_CONFIG_VERSION);
        idle();
    }
    enum virtio_drv_error e;
    struct virtio_dma dma;
    struct virtio_transport *t =
        device_server_probe(&device, "radio", &config->dev, VIRTIO_ID_NET, &e);
    if (e == VIRTIO_DRV_OK && !device_server_dma(&device, &dma))
        idle();
    if (e == VIRTIO_DRV_OK)
        e = vnet_nic_init(&nic, t, &dma);
    if (e != VIRTIO_DRV_OK) {
        hv_printf("radio: NIC at %s refused: %s\n", config->dev.location,
                  virtio_drv_error_name(e));
        idle();
    }
    char mac[18];
    mac_text(mac, nic.mac);
    hv_printf("radio: NIC at %s (irq %u): MAC %s, %s transport\n", config->dev.location,
              config->dev.irq, mac, t->legacy ? "legacy" : "virtio 1.x");
    /* An interrupt from before the reset is acked away: the line is bound and unmasked. */
    device_server_ack_irq(t);
    if (!send_router_probe())
        hv_printf("radio: the probe for the router did not go out\n");
    for (;;) {
        uint64_t bits;
        device_server_wait_irq(t, &bits);
        vnet_nic_poll(&nic, frame_in, NULL);
        if (nic.broken) {
            hv_printf("radio: the NIC broke a rule (%s): it is stopped\n",
                      vqd_result_name(nic.why));
            idle();
        }
    }
}
