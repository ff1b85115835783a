/* The simulated mobile network's fixed address plan (docs/network.md, shared with the radio
 * server): the router on the link, and the hosts of the "internet" and "corporate" sides. */
#pragma once

#include <stdint.h>

/* IPv4 addresses in host byte order, written as dotted quads for grep-ability. */
#define NETSIM_IP(a, b, c, d)                                                                      \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* The link (192.0.2.0/24) and its router, every partition's default gateway. */
#define NETSIM_LINK_NET NETSIM_IP(192, 0, 2, 0)
#define NETSIM_ROUTER_IP NETSIM_IP(192, 0, 2, 1)
/* Locally administered, fixed so captures and the radio server's tests can name it. */
#define NETSIM_ROUTER_MAC                                                                          \
    {                                                                                              \
        0x02, 0x00, 0x5e, 0x00, 0x02, 0x01                                                         \
    }

/* "Internet": 203.0.113.0/24 behind the router; its service host. */
#define NETSIM_INTERNET_NET NETSIM_IP(203, 0, 113, 0)
#define NETSIM_INTERNET_SERVICE_IP NETSIM_IP(203, 0, 113, 10)

/* "Corporate network": 198.51.100.0/24 behind the router; its gateway and service host. */
#define NETSIM_CORPORATE_NET NETSIM_IP(198, 51, 100, 0)
#define NETSIM_CORPORATE_GATEWAY_IP NETSIM_IP(198, 51, 100, 1)
#define NETSIM_CORPORATE_SERVICE_IP NETSIM_IP(198, 51, 100, 10)

#define NETSIM_NET_MASK24 0xffffff00u

/* The services of a service host (TCP and, for echo, UDP). */
#define NETSIM_PORT_ECHO 7     /* UDP and TCP: sends back what it gets */
#define NETSIM_PORT_DISCARD 9  /* TCP: takes everything, sends nothing (bulk send benchmark) */
#define NETSIM_PORT_BANNER 17  /* TCP: one line naming the side, then closes (like qotd) */
#define NETSIM_PORT_CHARGEN 19 /* TCP: sends a pattern until the peer closes (bulk receive) */
