/* The line log's words for a received frame (netsim_format_event): one line, key=value
 * fields in a fixed order, so a test can parse it (docs/network.md, "The log"). */
#include "netsim.h"

#include <stdio.h>

static const char *const route_names[] = {
    [NETSIM_ROUTE_DROPPED] = "dropped",
    [NETSIM_ROUTE_ROUTER] = "router",
    [NETSIM_ROUTE_INTERNET] = "internet",
    [NETSIM_ROUTE_CORPORATE] = "corporate",
};

static const char *const verdict_names[NETSIM_VERDICT_COUNT] = {
    [NETSIM_ANSWERED] = "answered",
    [NETSIM_ACCEPTED] = "accepted",
    [NETSIM_UNREACHABLE] = "unreachable",
    [NETSIM_NO_HOST] = "no-host",
    [NETSIM_IGNORED] = "ignored",
    [NETSIM_SHORT] = "short",
    [NETSIM_OVERSIZED] = "oversized",
    [NETSIM_BAD_CHECKSUM] = "bad-checksum",
    [NETSIM_BAD_HEADER] = "bad-header",
    [NETSIM_FRAGMENT] = "fragment",
    [NETSIM_NOT_FOR_ROUTER] = "not-for-router",
    [NETSIM_BAD_SOURCE] = "bad-source",
    [NETSIM_UNSUPPORTED] = "unsupported",
    [NETSIM_NO_ROUTE] = "no-route",
    [NETSIM_TABLE_FULL] = "table-full",
};

const char *netsim_route_name(enum netsim_route r)
{
    return (unsigned)r < sizeof(route_names) / sizeof(route_names[0]) ? route_names[r] : "?";
}

const char *netsim_verdict_name(enum netsim_verdict v)
{
    return (unsigned)v < NETSIM_VERDICT_COUNT ? verdict_names[v] : "?";
}

/* kind=... : what the frame was, with its detail (type, op, protocol, port). */
static int format_kind(char *buf, size_t size, const struct netsim_event *ev)
{
    switch (ev->kind) {
    case NETSIM_KIND_MALFORMED:
        return snprintf(buf, size, "malformed");
    case NETSIM_KIND_ETHER:
        return snprintf(buf, size, "ether/0x%04x", ev->detail);
    case NETSIM_KIND_IPV6:
        return snprintf(buf, size, "ipv6");
    case NETSIM_KIND_ARP:
        return ev->detail == ARP_OP_REQUEST ? snprintf(buf, size, "arp/request")
               : ev->detail == ARP_OP_REPLY ? snprintf(buf, size, "arp/reply")
                                            : snprintf(buf, size, "arp/%u", ev->detail);
    case NETSIM_KIND_IPV4_BAD:
        return snprintf(buf, size, "ipv4-bad");
    case NETSIM_KIND_IPV4:
        return snprintf(buf, size, "ipv4/%u", ev->detail);
    case NETSIM_KIND_ICMP:
        return ev->detail == ICMP_ECHO_REQUEST ? snprintf(buf, size, "icmp/echo-request")
                                               : snprintf(buf, size, "icmp/%u", ev->detail);
    case NETSIM_KIND_UDP:
        return snprintf(buf, size, "udp/%u", ev->detail);
    case NETSIM_KIND_TCP: {
        char flags[8];
        unsigned n = 0;
        static const struct {
            uint8_t bit;
            char c;
        } names[] = {
            {TCP_SYN, 'S'}, {TCP_ACK, 'A'}, {TCP_PSH, 'P'}, {TCP_FIN, 'F'}, {TCP_RST, 'R'}};
        for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (ev->tcp_flags & names[i].bit)
                flags[n++] = names[i].c;
        flags[n] = '\0';
        return snprintf(buf, size, "tcp/%u flags=%s", ev->detail, n ? flags : "-");
    }
    }
    return snprintf(buf, size, "?");
}

static void format_mac(char out[18], const uint8_t m[ETH_ALEN])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void format_ip(char out[16], bool has, uint32_t ip)
{
    if (!has)
        snprintf(out, 16, "-");
    else
        snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 0xff, ip >> 8 & 0xff, ip & 0xff);
}

int netsim_format_event(char *buf, size_t size, const struct netsim_event *ev, uint64_t now_ms)
{
    char smac[18], dmac[18], src[16], dst[16], kind[48];
    format_mac(smac, ev->src_mac);
    format_mac(dmac, ev->dst_mac);
    format_ip(src, ev->has_ip, ev->src_ip);
    format_ip(dst, ev->has_ip, ev->dst_ip);
    format_kind(kind, sizeof(kind), ev);
    return snprintf(buf, size,
                    "rx=%llu t=%llu len=%zu smac=%s dmac=%s src=%s dst=%s kind=%s route=%s "
                    "verdict=%s",
                    (unsigned long long)ev->seq, (unsigned long long)now_ms, ev->len, smac, dmac,
                    src, dst, kind, netsim_route_name(ev->route), netsim_verdict_name(ev->verdict));
}
