/* The simulator's frame path (netsim.h): Ethernet checks, the route of each IPv4 packet, and
 * the hand-off to the ARP, ICMP, UDP and TCP handlers. */
#include "handlers.h"
#include "plan.h"

#include <stdio.h>
#include <string.h>

static const uint8_t router_mac[ETH_ALEN] = NETSIM_ROUTER_MAC;
static const uint8_t broadcast_mac[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void netsim_init(struct netsim *sim, netsim_send_fn *send, void *ctx)
{
    memset(sim, 0, sizeof(*sim));
    sim->send = send;
    sim->send_ctx = ctx;
}

void netsim_send(struct netsim *sim, const uint8_t *frame, size_t len)
{
    sim->counters.tx++;
    sim->counters.tx_bytes += len;
    sim->send(sim->send_ctx, frame, len);
}

uint16_t netsim_next_ip_id(struct netsim *sim)
{
    return ++sim->ip_id;
}

/* Source addresses no host on the link may send from. */
static bool bad_source_ip(uint32_t ip)
{
    return ip == 0 || ip == 0xffffffffu || (ip >> 28) == 0xe || (ip >> 24) == 127;
}

static enum netsim_verdict ipv4_input(struct netsim *sim, const uint8_t *frame, size_t len,
                                      uint64_t now_ms, struct netsim_event *ev)
{
    static const enum netsim_verdict header_verdict[] = {
        [WIRE_IPV4_SHORT] = NETSIM_SHORT,
        [WIRE_IPV4_VERSION] = NETSIM_BAD_HEADER,
        [WIRE_IPV4_CHECKSUM] = NETSIM_BAD_CHECKSUM,
        [WIRE_IPV4_FRAGMENT] = NETSIM_FRAGMENT,
    };
    struct wire_ipv4 ip;
    enum wire_ipv4_error error = wire_ipv4_parse(frame + ETH_HLEN, len - ETH_HLEN, &ip);
    if (error != WIRE_IPV4_OK) {
        ev->kind = NETSIM_KIND_IPV4_BAD;
        return header_verdict[error];
    }
    ev->has_ip = true;
    ev->src_ip = ip.src;
    ev->dst_ip = ip.dst;
    ev->detail = ip.proto;
    ev->kind = ip.proto == IPV4_PROTO_ICMP  ? NETSIM_KIND_ICMP
               : ip.proto == IPV4_PROTO_UDP ? NETSIM_KIND_UDP
               : ip.proto == IPV4_PROTO_TCP ? NETSIM_KIND_TCP
                                            : NETSIM_KIND_IPV4;
    if (bad_source_ip(ip.src))
        return NETSIM_BAD_SOURCE;
    /* Broadcast to the router's MAC is not a thing; the link's broadcasts go nowhere. */
    enum netsim_route route = netsim_route_of(ip.dst);
    if (route == NETSIM_ROUTE_DROPPED)
        return NETSIM_NO_ROUTE;
    ev->route = route;
    const struct netsim_host *host = netsim_host_find(ip.dst);
    if (!host)
        return NETSIM_NO_HOST;
    struct netsim_ipv4_in in = {frame + ETH_ALEN, &ip, host};
    switch (ip.proto) {
    case IPV4_PROTO_ICMP:
        return icmp_input(sim, &in, ev);
    case IPV4_PROTO_UDP:
        return udp_input(sim, &in, ev);
    case IPV4_PROTO_TCP:
        return tcp_input(sim, &in, now_ms, ev);
    default:
        icmp_send_unreachable(sim, &in, ICMP_UNREACH_PROTOCOL);
        return NETSIM_UNREACHABLE;
    }
}

static enum netsim_verdict frame_input(struct netsim *sim, const uint8_t *frame, size_t len,
                                       uint64_t now_ms, struct netsim_event *ev)
{
    if (len < ETH_HLEN)
        return NETSIM_SHORT;
    memcpy(ev->dst_mac, frame, ETH_ALEN);
    memcpy(ev->src_mac, frame + ETH_ALEN, ETH_ALEN);
    if (len > NETSIM_FRAME_MAX)
        return NETSIM_OVERSIZED;
    uint16_t type = wire_be16(frame + 12);
    ev->detail = type;
    ev->kind = type == ETH_TYPE_ARP    ? NETSIM_KIND_ARP
               : type == ETH_TYPE_IPV4 ? NETSIM_KIND_IPV4
               : type == ETH_TYPE_IPV6 ? NETSIM_KIND_IPV6
                                       : NETSIM_KIND_ETHER;
    if (frame[ETH_ALEN] & 1)
        return NETSIM_BAD_SOURCE; /* a group address as the source */
    bool to_router = memcmp(frame, router_mac, ETH_ALEN) == 0;
    bool broadcast = memcmp(frame, broadcast_mac, ETH_ALEN) == 0;
    if (type == ETH_TYPE_ARP && (to_router || broadcast))
        return arp_input(sim, frame, len, ev);
    if (!to_router)
        return NETSIM_NOT_FOR_ROUTER;
    if (type != ETH_TYPE_IPV4)
        return NETSIM_UNSUPPORTED;
    return ipv4_input(sim, frame, len, now_ms, ev);
}

void netsim_rx(struct netsim *sim, const uint8_t *frame, size_t len, uint64_t now_ms,
               struct netsim_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->seq = ++sim->counters.rx;
    ev->len = len;
    ev->kind = NETSIM_KIND_MALFORMED;
    ev->route = NETSIM_ROUTE_DROPPED;
    sim->counters.rx_bytes += len;
    ev->verdict = frame_input(sim, frame, len, now_ms, ev);
    sim->counters.route[ev->route]++;
    sim->counters.verdict[ev->verdict]++;
}

void netsim_tick(struct netsim *sim, uint64_t now_ms)
{
    tcp_tick(sim, now_ms);
}
