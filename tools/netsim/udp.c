/* UDP: the service hosts echo datagrams to port 7; other ports are unreachable. */
#include "handlers.h"
#include "plan.h"

#include <string.h>

static const uint8_t router_mac[ETH_ALEN] = NETSIM_ROUTER_MAC;

enum netsim_verdict udp_input(struct netsim *sim, const struct netsim_ipv4_in *in,
                              struct netsim_event *ev)
{
    const struct wire_ipv4 *ip = in->ip;
    if (ip->payload_len < UDP_HLEN)
        return NETSIM_SHORT;
    const uint8_t *udp = ip->payload;
    uint16_t sport = wire_be16(udp), dport = wire_be16(udp + 2), len = wire_be16(udp + 4);
    ev->detail = dport;
    if (len < UDP_HLEN || len > ip->payload_len)
        return NETSIM_SHORT;
    /* A zero checksum means the sender computed none (allowed over IPv4). */
    if (wire_be16(udp + 6) != 0 &&
        wire_l4_checksum(ip->src, ip->dst, IPV4_PROTO_UDP, udp, len) != 0)
        return NETSIM_BAD_CHECKSUM;
    if (!in->host->services || dport != NETSIM_PORT_ECHO) {
        icmp_send_unreachable(sim, in, ICMP_UNREACH_PORT);
        return NETSIM_UNREACHABLE;
    }

    uint8_t out[NETSIM_FRAME_MAX];
    if (ETH_HLEN + IPV4_HLEN + (size_t)len > NETSIM_FRAME_MAX)
        return NETSIM_OVERSIZED; /* IP options made the datagram longer than a reply can be */
    uint8_t *r = wire_ipv4_start(out, in->src_mac, router_mac, in->host->ip, ip->src,
                                 IPV4_PROTO_UDP, len, netsim_next_ip_id(sim));
    wire_put_be16(r, dport);
    wire_put_be16(r + 2, sport);
    wire_put_be16(r + 4, len);
    wire_put_be16(r + 6, 0);
    memcpy(r + UDP_HLEN, udp + UDP_HLEN, len - UDP_HLEN);
    uint16_t sum = wire_l4_checksum(in->host->ip, ip->src, IPV4_PROTO_UDP, r, len);
    wire_put_be16(r + 6, sum ? sum : 0xffff); /* 0 would mean "no checksum" */
    wire_ipv4_seal(out);
    netsim_send(sim, out, ETH_HLEN + IPV4_HLEN + len);
    return NETSIM_ANSWERED;
}
