/* The Ethernet, ARP and IPv4 header fields the radio switch's policy reads, parsed from an
 * untrusted frame with every length checked before it is read. */
#pragma once

#include "radio_drop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADIO_ETH_HLEN 14u
/* An Ethernet frame without FCS or VLAN tag at MTU 1500: what a virtio-net device without
 * GSO/TSO features (the radio server offers none) carries. */
#define RADIO_FRAME_MAX 1514u
#define RADIO_ETHERTYPE_IPV4 0x0800u
#define RADIO_ETHERTYPE_ARP 0x0806u
#define RADIO_ARP_LEN 28u /* Ethernet/IPv4 ARP (RFC 826) */
#define RADIO_ARP_REQUEST 1u
#define RADIO_ARP_REPLY 2u
#define RADIO_IPV4_MIN_HLEN 20u

struct radio_frame {
    uint8_t dst_mac[6], src_mac[6];
    uint16_t ethertype; /* RADIO_ETHERTYPE_IPV4 or _ARP once parsed */
    /* ARP (Ethernet/IPv4 only). IPv4 addresses here and below in host order. */
    uint16_t arp_op; /* RADIO_ARP_REQUEST / _REPLY */
    uint8_t arp_sha[6], arp_tha[6];
    uint32_t arp_spa, arp_tpa;
    /* IPv4. */
    uint32_t ip_src, ip_dst;
    uint8_t ip_proto;
    uint16_t ip_header_len;  /* bytes, 20..60 */
    uint16_t ip_total_len;   /* bytes, header included; the frame may carry padding after */
    uint32_t ip_frag_offset; /* bytes */
    bool ip_more_fragments;
    bool ip_source_route; /* a loose or strict source route option (RFC 791 3.1) */
};

/* Fills f from buf[0, len) or says why the frame is dropped; f's fields are copies, so buf
 * may change afterwards without changing what was checked. */
enum radio_drop radio_frame_parse(const uint8_t *buf, size_t len, struct radio_frame *f);

static inline bool radio_mac_is_multicast(const uint8_t mac[6])
{
    return mac[0] & 1; /* the I/G bit; broadcast is the all-ones multicast */
}

bool radio_mac_is_broadcast(const uint8_t mac[6]);
