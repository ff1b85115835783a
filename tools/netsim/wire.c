/* IPv4 header checks, the Internet checksum and frame headers for replies (wire.h). */
#include "wire.h"

#include <string.h>

uint32_t wire_sum(const uint8_t *p, size_t len, uint32_t sum)
{
    for (; len >= 2; p += 2, len -= 2)
        sum += wire_be16(p);
    if (len)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

uint16_t wire_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t wire_l4_checksum(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *seg, size_t len)
{
    uint8_t pseudo[12];
    wire_put_be32(pseudo, src);
    wire_put_be32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = proto;
    wire_put_be16(pseudo + 10, (uint16_t)len);
    /* A segment is at most a frame long, so the 32-bit sum cannot overflow. */
    return wire_fold(wire_sum(seg, len, wire_sum(pseudo, sizeof(pseudo), 0)));
}

enum wire_ipv4_error wire_ipv4_parse(const uint8_t *p, size_t len, struct wire_ipv4 *out)
{
    if (len < IPV4_HLEN)
        return WIRE_IPV4_SHORT;
    size_t hlen = (size_t)(p[0] & 0x0f) * 4;
    if (p[0] >> 4 != 4 || hlen < IPV4_HLEN)
        return WIRE_IPV4_VERSION;
    size_t total = wire_be16(p + 2);
    if (hlen > len || total < hlen || total > len)
        return WIRE_IPV4_SHORT;
    if (wire_fold(wire_sum(p, hlen, 0)) != 0)
        return WIRE_IPV4_CHECKSUM;
    /* More-fragments set, or a fragment offset: a piece of a bigger datagram. */
    if (wire_be16(p + 6) & 0x3fff)
        return WIRE_IPV4_FRAGMENT;
    out->proto = p[9];
    out->src = wire_be32(p + 12);
    out->dst = wire_be32(p + 16);
    out->header = p;
    out->header_len = hlen;
    out->payload = p + hlen;
    out->payload_len = total - hlen;
    return WIRE_IPV4_OK;
}

uint8_t *wire_ipv4_start(uint8_t *out, const uint8_t dst_mac[ETH_ALEN],
                         const uint8_t src_mac[ETH_ALEN], uint32_t src, uint32_t dst, uint8_t proto,
                         size_t l4_len, uint16_t id)
{
    memcpy(out, dst_mac, ETH_ALEN);
    memcpy(out + ETH_ALEN, src_mac, ETH_ALEN);
    wire_put_be16(out + 12, ETH_TYPE_IPV4);
    uint8_t *ip = out + ETH_HLEN;
    ip[0] = 0x45; /* version 4, no options */
    ip[1] = 0;
    wire_put_be16(ip + 2, (uint16_t)(IPV4_HLEN + l4_len));
    wire_put_be16(ip + 4, id);
    wire_put_be16(ip + 6, 0x4000); /* don't fragment */
    ip[8] = IPV4_TTL;
    ip[9] = proto;
    wire_put_be16(ip + 10, 0);
    wire_put_be32(ip + 12, src);
    wire_put_be32(ip + 16, dst);
    return ip + IPV4_HLEN;
}

void wire_ipv4_seal(uint8_t *frame)
{
    uint8_t *ip = frame + ETH_HLEN;
    wire_put_be16(ip + 10, 0);
    wire_put_be16(ip + 10, wire_fold(wire_sum(ip, IPV4_HLEN, 0)));
}
