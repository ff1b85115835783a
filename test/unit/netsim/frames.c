/* Guest frames for the simulator's tests (frames.h). */
#include "frames.h"

#include "plan.h"

#include <string.h>

const uint8_t guest_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x00, 0x02, 0x14};
const uint8_t router_mac_bytes[ETH_ALEN] = NETSIM_ROUTER_MAC;

void sent_record(void *ctx, const uint8_t *frame, size_t len)
{
    struct sent *s = ctx;
    if (s->n < 64 && len <= NETSIM_FRAME_MAX) {
        memcpy(s->frame[s->n], frame, len);
        s->len[s->n] = len;
    }
    s->n++;
}

size_t frame_arp_request(uint8_t *out, uint32_t target_ip)
{
    memset(out, 0xff, ETH_ALEN);
    memcpy(out + ETH_ALEN, guest_mac, ETH_ALEN);
    wire_put_be16(out + 12, ETH_TYPE_ARP);
    uint8_t *a = out + ETH_HLEN;
    wire_put_be16(a, 1);
    wire_put_be16(a + 2, ETH_TYPE_IPV4);
    a[4] = 6;
    a[5] = 4;
    wire_put_be16(a + 6, ARP_OP_REQUEST);
    memcpy(a + 8, guest_mac, ETH_ALEN);
    wire_put_be32(a + 14, GUEST_IP);
    memset(a + 18, 0, ETH_ALEN);
    wire_put_be32(a + 24, target_ip);
    return ETH_HLEN + ARP_LEN;
}

static uint8_t *ipv4(uint8_t *out, uint32_t dst, uint8_t proto, size_t l4_len)
{
    static uint16_t id;
    return wire_ipv4_start(out, router_mac_bytes, guest_mac, GUEST_IP, dst, proto, l4_len, ++id);
}

size_t frame_icmp_echo(uint8_t *out, uint32_t dst, uint16_t id, uint16_t seq, const void *data,
                       size_t len)
{
    uint8_t *i = ipv4(out, dst, IPV4_PROTO_ICMP, ICMP_HLEN + len);
    i[0] = ICMP_ECHO_REQUEST;
    i[1] = 0;
    wire_put_be16(i + 2, 0);
    wire_put_be16(i + 4, id);
    wire_put_be16(i + 6, seq);
    memcpy(i + ICMP_HLEN, data, len);
    wire_put_be16(i + 2, wire_fold(wire_sum(i, ICMP_HLEN + len, 0)));
    wire_ipv4_seal(out);
    return ETH_HLEN + IPV4_HLEN + ICMP_HLEN + len;
}

size_t frame_udp(uint8_t *out, uint32_t dst, uint16_t sport, uint16_t dport, const void *data,
                 size_t len)
{
    uint8_t *u = ipv4(out, dst, IPV4_PROTO_UDP, UDP_HLEN + len);
    wire_put_be16(u, sport);
    wire_put_be16(u + 2, dport);
    wire_put_be16(u + 4, (uint16_t)(UDP_HLEN + len));
    wire_put_be16(u + 6, 0);
    memcpy(u + UDP_HLEN, data, len);
    wire_put_be16(u + 6, wire_l4_checksum(GUEST_IP, dst, IPV4_PROTO_UDP, u, UDP_HLEN + len));
    wire_ipv4_seal(out);
    return ETH_HLEN + IPV4_HLEN + UDP_HLEN + len;
}

size_t frame_tcp_options(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                         uint32_t seq, uint32_t ack, uint8_t flags, uint16_t window,
                         const uint8_t *options, size_t options_len, const void *data, size_t len)
{
    static uint16_t id;
    size_t hlen = TCP_HLEN + options_len;
    uint8_t *t = wire_ipv4_start(out, router_mac_bytes, guest_mac, src, dst, IPV4_PROTO_TCP,
                                 hlen + len, ++id);
    wire_put_be16(t, sport);
    wire_put_be16(t + 2, dport);
    wire_put_be32(t + 4, seq);
    wire_put_be32(t + 8, ack);
    t[12] = (uint8_t)(hlen / 4 << 4);
    t[13] = flags;
    wire_put_be16(t + 14, window);
    wire_put_be32(t + 16, 0);
    if (options_len)
        memcpy(t + TCP_HLEN, options, options_len);
    if (len)
        memcpy(t + hlen, data, len);
    wire_put_be16(t + 16, wire_l4_checksum(src, dst, IPV4_PROTO_TCP, t, hlen + len));
    wire_ipv4_seal(out);
    return ETH_HLEN + IPV4_HLEN + hlen + len;
}

size_t frame_tcp(uint8_t *out, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq,
                 uint32_t ack, uint8_t flags, uint16_t window, const void *data, size_t len)
{
    return frame_tcp_options(out, GUEST_IP, dst, sport, dport, seq, ack, flags, window, NULL, 0,
                             data, len);
}

size_t frame_ipv4(uint8_t *out, uint32_t src, uint32_t dst, uint8_t proto, const void *data,
                  size_t len)
{
    static uint16_t id;
    uint8_t *p = wire_ipv4_start(out, router_mac_bytes, guest_mac, src, dst, proto, len, ++id);
    if (len)
        memcpy(p, data, len);
    wire_ipv4_seal(out);
    return ETH_HLEN + IPV4_HLEN + len;
}

const uint8_t *sent_l4(const struct sent *s, unsigned i, size_t *len)
{
    const uint8_t *ip = s->frame[i] + ETH_HLEN;
    size_t hlen = (size_t)(ip[0] & 0xf) * 4;
    *len = wire_be16(ip + 2) - hlen;
    return ip + hlen;
}
