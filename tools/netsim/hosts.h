/* The hosts of the simulated network and the side each address is routed to (plan.h). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Where a received frame went. */
enum netsim_route {
    NETSIM_ROUTE_DROPPED,   /* not routed: malformed, not IPv4/ARP, not for the router, ... */
    NETSIM_ROUTE_ROUTER,    /* for the router itself (ARP, ICMP echo to 192.0.2.1) */
    NETSIM_ROUTE_INTERNET,  /* to 203.0.113.0/24 */
    NETSIM_ROUTE_CORPORATE, /* to 198.51.100.0/24 */
};

struct netsim_host {
    uint32_t ip;
    enum netsim_route side;
    bool services; /* UDP echo and the TCP services; otherwise ICMP echo only */
    const char *name;
};

/* The side an IPv4 destination is routed to: DROPPED when outside the plan, and for
 * addresses on the link other than the router (the carrier does not hairpin). */
enum netsim_route netsim_route_of(uint32_t ip);

/* The host at ip, or NULL. */
const struct netsim_host *netsim_host_find(uint32_t ip);
