/* Parses the Ethernet, ARP and IPv4 headers of an untrusted frame for the radio switch's policy
 * (docs/network.md, "Frames"): bounds first, then fields; anything else is a drop reason. */
#include "radio_frame.h"

#include <string.h>

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool radio_mac_is_broadcast(const uint8_t mac[6])
{
    static const uint8_t all_ones[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    return !memcmp(mac, all_ones, 6);
}

/* RFC 826 for Ethernet and IPv4 only: the only ARP the link carries. */
static enum radio_drop parse_arp(const uint8_t *p, size_t len, struct radio_frame *f)
{
    if (len < RADIO_ARP_LEN)
        return RADIO_DROP_RUNT;
    if (be16(p) != 1 || be16(p + 2) != RADIO_ETHERTYPE_IPV4 || p[4] != 6 || p[5] != 4)
        return RADIO_DROP_ARP_FORMAT;
    f->arp_op = be16(p + 6);
    if (f->arp_op != RADIO_ARP_REQUEST && f->arp_op != RADIO_ARP_REPLY)
        return RADIO_DROP_ARP_FORMAT;
    memcpy(f->arp_sha, p + 8, 6);
    f->arp_spa = be32(p + 14);
    memcpy(f->arp_tha, p + 18, 6);
    f->arp_tpa = be32(p + 24);
    return RADIO_PASS;
}

/* RFC 791 3.1: the options between the fixed header and hlen, each one byte (end of list 0,
 * no-operation 1) or type, length >= 2, data, inside the header. A source route is noted: the
 * destination field is then only the next hop, and the policy must not judge by it. */
static enum radio_drop parse_ipv4_options(const uint8_t *p, unsigned hlen, struct radio_frame *f)
{
    for (unsigned i = RADIO_IPV4_MIN_HLEN; i < hlen;) {
        uint8_t type = p[i];
        if (type == 0)
            break;
        if (type == 1) {
            i++;
            continue;
        }
        if (i + 1 >= hlen || p[i + 1] < 2 || i + p[i + 1] > hlen)
            return RADIO_DROP_IP_HEADER;
        if (type == 0x83 || type == 0x89) /* LSRR, SSRR */
            f->ip_source_route = true;
        i += p[i + 1];
    }
    return RADIO_PASS;
}

/* RFC 791. Fragments are accepted: every rule reads addresses only, which every fragment
 * carries (docs/network.md says what changes when rules read ports). */
static enum radio_drop parse_ipv4(const uint8_t *p, size_t len, struct radio_frame *f)
{
    if (len < RADIO_IPV4_MIN_HLEN)
        return RADIO_DROP_RUNT;
    unsigned version = p[0] >> 4, hlen = (p[0] & 0xfu) * 4u, total = be16(p + 2);
    if (version != 4 || hlen < RADIO_IPV4_MIN_HLEN || hlen > len || total < hlen || total > len)
        return RADIO_DROP_IP_HEADER;
    uint16_t frag = be16(p + 6);
    if (frag & 0x8000u) /* the reserved flag must be 0 */
        return RADIO_DROP_IP_HEADER;
    f->ip_more_fragments = frag & 0x2000u;
    f->ip_frag_offset = (frag & 0x1fffu) * 8u;
    /* A datagram ends at most at 65535 bytes: a fragment reaching past that overflows the
     * receiver's reassembly (the "ping of death" shape). */
    if (f->ip_frag_offset + (total - hlen) > 65535u)
        return RADIO_DROP_IP_FRAGMENT;
    if (parse_ipv4_options(p, hlen, f) != RADIO_PASS)
        return RADIO_DROP_IP_HEADER;
    f->ip_header_len = (uint16_t)hlen;
    f->ip_total_len = (uint16_t)total;
    f->ip_proto = p[9];
    f->ip_src = be32(p + 12);
    f->ip_dst = be32(p + 16);
    return RADIO_PASS;
}

enum radio_drop radio_frame_parse(const uint8_t *buf, size_t len, struct radio_frame *f)
{
    memset(f, 0, sizeof(*f));
    if (len < RADIO_ETH_HLEN)
        return RADIO_DROP_RUNT;
    if (len > RADIO_FRAME_MAX)
        return RADIO_DROP_OVERSIZE;
    memcpy(f->dst_mac, buf, 6);
    memcpy(f->src_mac, buf + 6, 6);
    f->ethertype = be16(buf + 12);
    const uint8_t *p = buf + RADIO_ETH_HLEN;
    size_t n = len - RADIO_ETH_HLEN;
    if (f->ethertype == RADIO_ETHERTYPE_ARP)
        return parse_arp(p, n, f);
    if (f->ethertype == RADIO_ETHERTYPE_IPV4)
        return parse_ipv4(p, n, f);
    return RADIO_DROP_ETHERTYPE;
}
