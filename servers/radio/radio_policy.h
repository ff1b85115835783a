/* The radio server's policy table: the system's networks (named IPv4 prefixes, the most specific
 * one a destination falls in is its network) and each port's MAC, address and reach set, filled
 * from the partition table's network records (hv_pt_net), and the egress and ingress decisions
 * made from it alone. */
#pragma once

#include "radio_drop.h"
#include "radio_frame.h"

#include <hv/proto/partition_table.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADIO_MAX_PORTS HV_PT_NET_MAX_PORTS
#define RADIO_MAX_NETWORKS HV_PT_NET_MAX_NETWORKS
#define RADIO_NO_PORT (-1)
#define RADIO_NO_NETWORK (-1)

struct radio_network {
    char name[HV_PT_NET_NAME_MAX];
    uint32_t prefix, mask; /* host order; prefix & ~mask == 0 */
    unsigned len;
};

/* One partition's port. reach has bit n set when the port may reach networks[n]; rules that
 * grow later (per-port L4 rules, VPN only) belong here, read by the same two decisions. */
struct radio_port_policy {
    char name[HV_PT_NAME_MAX];
    uint8_t mac[6];
    uint32_t ip;        /* host order */
    uint32_t link_mask; /* of the port's own prefix: its link's directed broadcast */
    uint32_t reach;
};

struct radio_policy {
    unsigned nnetworks;
    struct radio_network networks[RADIO_MAX_NETWORKS];
    unsigned nports;
    struct radio_port_policy port[RADIO_MAX_PORTS];
};

/* One port as the root task hands it over: the partition's name and its record. */
struct radio_port_spec {
    const char *name;
    const struct hv_pt_net *net;
};

/* Builds pol from n port specs (ports numbered as given), checking every record as untrusted
 * input: kind, unicast MAC, host address, prefixes, names, reach values, the same network list
 * in every record, no two ports with one MAC or address. Returns 0, or -1 with why[] saying
 * which port and what (pol is then unusable). */
int radio_policy_build(struct radio_policy *pol, const struct radio_port_spec *spec, unsigned n,
                       char *why, size_t why_size);

/* The index of the most specific network holding ip, or RADIO_NO_NETWORK. */
int radio_policy_network_of(const struct radio_policy *pol, uint32_t ip);
/* Whether port may exchange traffic with ip: ip's network is in its reach set. */
bool radio_policy_may_reach(const struct radio_policy *pol, unsigned port, uint32_t ip);
int radio_policy_port_of_mac(const struct radio_policy *pol, const uint8_t mac[6]);
int radio_policy_port_of_ip(const struct radio_policy *pol, uint32_t ip);

/* A parsed frame port sent: RADIO_PASS if it may go to the uplink, else why not. */
enum radio_drop radio_policy_egress(const struct radio_policy *pol, unsigned port,
                                    const struct radio_frame *f);
/* A parsed frame from the uplink: RADIO_PASS with *port the one partition it is for, or why
 * it goes to none. *port is the partition a drop is counted against, or RADIO_NO_PORT when the
 * frame was addressed to none (counted against the uplink). */
enum radio_drop radio_policy_ingress(const struct radio_policy *pol, const struct radio_frame *f,
                                     int *port);
