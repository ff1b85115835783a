/* The protocol handlers behind netsim_rx (netsim.c): each gets a checked frame, answers
 * through netsim_send, and says what it did. Internal to the simulator. */
#pragma once

#include "netsim.h"

/* What the IPv4 handlers need of a received packet. */
struct netsim_ipv4_in {
    const uint8_t *src_mac; /* where answers go */
    const struct wire_ipv4 *ip;
    const struct netsim_host *host; /* the destination host (never NULL here) */
};

enum netsim_verdict arp_input(struct netsim *sim, const uint8_t *frame, size_t len,
                              struct netsim_event *ev);
enum netsim_verdict icmp_input(struct netsim *sim, const struct netsim_ipv4_in *in,
                               struct netsim_event *ev);
enum netsim_verdict udp_input(struct netsim *sim, const struct netsim_ipv4_in *in,
                              struct netsim_event *ev);
enum netsim_verdict tcp_input(struct netsim *sim, const struct netsim_ipv4_in *in, uint64_t now_ms,
                              struct netsim_event *ev);
void tcp_tick(struct netsim *sim, uint64_t now_ms);

/* ICMP destination unreachable (code) about the packet in, from in's destination host. */
void icmp_send_unreachable(struct netsim *sim, const struct netsim_ipv4_in *in, uint8_t code);
