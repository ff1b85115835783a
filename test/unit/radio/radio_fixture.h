/* Frames and policies for the radio switch's tests and fuzzers: the addresses of
 * /work/notes/net-plan.md (the simulated radio link), network records as mkimage writes them,
 * and builders of Ethernet/ARP/IPv4 frames. */
#pragma once

#include "radio_policy.h"
#include "radio_switch.h"

#include <stddef.h>
#include <stdint.h>

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define IP_PERSONAL IP(192, 0, 2, 10)
#define IP_WORK IP(192, 0, 2, 20)
#define IP_ROUTER IP(192, 0, 2, 1)
#define IP_CORP_GW IP(198, 51, 100, 1)
#define IP_CORP_SVC IP(198, 51, 100, 10)
#define IP_NET_SVC IP(203, 0, 113, 10)
#define PORT_PERSONAL 0u
#define PORT_WORK 1u

extern const uint8_t mac_personal[6], mac_work[6], mac_router[6], mac_broadcast[6];

/* The default system's records (platform/<board>/system.dts): networks corporate 198.51.100.0/24
 * and internet 0.0.0.0/0; personal reaches the internet, work both. */
void fixture_records(struct hv_pt_net *personal, struct hv_pt_net *work);
/* The policy built from them (ports: personal 0, work 1), and a switch with it. */
void fixture_policy(struct radio_policy *pol);
void fixture_switch(struct radio_switch *sw);

/* An IPv4 frame of len bytes in total (at least 34), protocol proto, into buf; returns len. */
size_t frame_ipv4(uint8_t *buf, size_t len, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                  uint32_t src, uint32_t dst, uint8_t proto);
/* An ARP frame (42 bytes) into buf; returns 42. */
size_t frame_arp(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint16_t op,
                 const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa);
