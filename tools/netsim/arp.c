/* ARP: the router answers requests for its own address; nothing else is spoken for. */
#include "handlers.h"
#include "plan.h"

#include <string.h>

static const uint8_t router_mac[ETH_ALEN] = NETSIM_ROUTER_MAC;

enum netsim_verdict arp_input(struct netsim *sim, const uint8_t *frame, size_t len,
                              struct netsim_event *ev)
{
    if (len < ETH_HLEN + ARP_LEN)
        return NETSIM_SHORT;
    const uint8_t *arp = frame + ETH_HLEN;
    uint16_t op = wire_be16(arp + 6);
    ev->detail = op;
    /* Ethernet hardware, IPv4 protocol, and their address sizes: anything else is not ARP for
     * IPv4 over Ethernet. */
    if (wire_be16(arp) != 1 || wire_be16(arp + 2) != ETH_TYPE_IPV4 || arp[4] != ETH_ALEN ||
        arp[5] != 4)
        return NETSIM_BAD_HEADER;
    ev->has_ip = true;
    ev->src_ip = wire_be32(arp + 14);
    ev->dst_ip = wire_be32(arp + 24);
    if (op != ARP_OP_REQUEST || ev->dst_ip != NETSIM_ROUTER_IP)
        return NETSIM_IGNORED;
    ev->route = NETSIM_ROUTE_ROUTER;

    uint8_t out[ETH_HLEN + ARP_LEN];
    const uint8_t *sender_mac = arp + 8;
    memcpy(out, frame + ETH_ALEN, ETH_ALEN); /* to the frame's sender */
    memcpy(out + ETH_ALEN, router_mac, ETH_ALEN);
    wire_put_be16(out + 12, ETH_TYPE_ARP);
    uint8_t *r = out + ETH_HLEN;
    memcpy(r, arp, 6); /* hardware type, protocol type, address sizes */
    wire_put_be16(r + 6, ARP_OP_REPLY);
    memcpy(r + 8, router_mac, ETH_ALEN);
    wire_put_be32(r + 14, NETSIM_ROUTER_IP);
    memcpy(r + 18, sender_mac, ETH_ALEN);
    memcpy(r + 24, arp + 14, 4);
    netsim_send(sim, out, sizeof(out));
    return NETSIM_ANSWERED;
}
