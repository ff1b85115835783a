/* ICMP: every host of the plan answers echo requests; unreachables for closed UDP ports. */
#include "handlers.h"
#include "plan.h"

#include <string.h>

static const uint8_t router_mac[ETH_ALEN] = NETSIM_ROUTER_MAC;

enum netsim_verdict icmp_input(struct netsim *sim, const struct netsim_ipv4_in *in,
                               struct netsim_event *ev)
{
    const struct wire_ipv4 *ip = in->ip;
    if (ip->payload_len < ICMP_HLEN)
        return NETSIM_SHORT;
    ev->detail = ip->payload[0];
    if (wire_fold(wire_sum(ip->payload, ip->payload_len, 0)) != 0)
        return NETSIM_BAD_CHECKSUM;
    if (ip->payload[0] != ICMP_ECHO_REQUEST || ip->payload[1] != 0)
        return NETSIM_IGNORED;

    /* The reply is the request with its type changed: identifier, sequence and data kept. */
    uint8_t out[NETSIM_FRAME_MAX];
    if (ETH_HLEN + IPV4_HLEN + ip->payload_len > sizeof(out))
        return NETSIM_OVERSIZED; /* options made the request longer than a reply can be */
    uint8_t *icmp = wire_ipv4_start(out, in->src_mac, router_mac, in->host->ip, ip->src,
                                    IPV4_PROTO_ICMP, ip->payload_len, netsim_next_ip_id(sim));
    memcpy(icmp, ip->payload, ip->payload_len);
    icmp[0] = ICMP_ECHO_REPLY;
    wire_put_be16(icmp + 2, 0);
    wire_put_be16(icmp + 2, wire_fold(wire_sum(icmp, ip->payload_len, 0)));
    wire_ipv4_seal(out);
    netsim_send(sim, out, ETH_HLEN + IPV4_HLEN + ip->payload_len);
    return NETSIM_ANSWERED;
}

void icmp_send_unreachable(struct netsim *sim, const struct netsim_ipv4_in *in, uint8_t code)
{
    /* RFC 792: the offending IP header and the first 8 bytes of its payload. */
    const struct wire_ipv4 *ip = in->ip;
    size_t quoted = ip->header_len + (ip->payload_len < 8 ? ip->payload_len : 8);
    size_t len = ICMP_HLEN + quoted;
    uint8_t out[ETH_HLEN + IPV4_HLEN + ICMP_HLEN + 60 + 8];
    uint8_t *icmp = wire_ipv4_start(out, in->src_mac, router_mac, in->host->ip, ip->src,
                                    IPV4_PROTO_ICMP, len, netsim_next_ip_id(sim));
    memset(icmp, 0, ICMP_HLEN);
    icmp[0] = ICMP_DEST_UNREACH;
    icmp[1] = code;
    memcpy(icmp + ICMP_HLEN, ip->header, quoted);
    wire_put_be16(icmp + 2, wire_fold(wire_sum(icmp, len, 0)));
    wire_ipv4_seal(out);
    netsim_send(sim, out, ETH_HLEN + IPV4_HLEN + len);
}
