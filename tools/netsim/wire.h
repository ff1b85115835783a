/* Wire formats of the frames the simulator reads and writes: Ethernet II, ARP, IPv4, ICMP,
 * UDP and TCP headers as byte offsets, big-endian field access, and the Internet checksum.
 * Readers take untrusted bytes: every parser checks lengths before it reads. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN 6
#define ETH_HLEN 14
/* The largest frame taken: 1500 bytes of MTU, the Ethernet header and one VLAN tag. */
#define NETSIM_FRAME_MAX 1518
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_IPV6 0x86dd

#define ARP_LEN 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

#define IPV4_HLEN 20
#define IPV4_PROTO_ICMP 1
#define IPV4_PROTO_TCP 6
#define IPV4_PROTO_UDP 17
#define IPV4_TTL 64

#define ICMP_HLEN 8
#define ICMP_ECHO_REPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO_REQUEST 8
#define ICMP_UNREACH_PROTOCOL 2
#define ICMP_UNREACH_PORT 3

#define UDP_HLEN 8

#define TCP_HLEN 20
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

static inline uint16_t wire_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t wire_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void wire_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static inline void wire_put_be32(uint8_t *p, uint32_t v)
{
    wire_put_be16(p, (uint16_t)(v >> 16)), wire_put_be16(p + 2, (uint16_t)v);
}

/* An IPv4 packet found in a frame, after its header was checked. */
struct wire_ipv4 {
    uint32_t src, dst;
    uint8_t proto;
    const uint8_t *header; /* the IP header, options included */
    size_t header_len;
    const uint8_t *payload; /* what follows the header, up to the total length */
    size_t payload_len;
};

enum wire_ipv4_error {
    WIRE_IPV4_OK,
    WIRE_IPV4_SHORT,    /* fewer bytes than a header, or than the header/total length says */
    WIRE_IPV4_VERSION,  /* not version 4, or a header length under 20 */
    WIRE_IPV4_CHECKSUM, /* the header checksum does not add up */
    WIRE_IPV4_FRAGMENT, /* a fragment: the simulator does not reassemble */
};

/* Checks the IPv4 header at p (len bytes: the frame's rest, Ethernet padding included). */
enum wire_ipv4_error wire_ipv4_parse(const uint8_t *p, size_t len, struct wire_ipv4 *out);

/* The Internet checksum (RFC 1071) of len bytes, folded, starting from a partial sum. */
uint32_t wire_sum(const uint8_t *p, size_t len, uint32_t sum);
uint16_t wire_fold(uint32_t sum);
/* The checksum of a TCP or UDP segment with its IPv4 pseudo header; 0 when it verifies. */
uint16_t wire_l4_checksum(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *seg,
                          size_t len);

/* Writes an Ethernet + IPv4 header into out (room for ETH_HLEN + IPV4_HLEN + l4_len) and
 * returns where the layer-4 bytes go; wire_ipv4_seal fills in the IP header checksum once they
 * are written. */
uint8_t *wire_ipv4_start(uint8_t *out, const uint8_t dst_mac[ETH_ALEN],
                         const uint8_t src_mac[ETH_ALEN], uint32_t src, uint32_t dst, uint8_t proto,
                         size_t l4_len, uint16_t id);
void wire_ipv4_seal(uint8_t *frame);
