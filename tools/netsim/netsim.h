/* The network simulator's core: takes one received Ethernet frame at a time, says what it was
 * and where it was routed, and answers through a send callback. No I/O and no clock of its
 * own (the caller passes the time), so unit tests and the fuzzer drive it directly. */
#pragma once

#include "hosts.h"
#include "tcp.h"
#include "wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a received frame was. */
enum netsim_kind {
    NETSIM_KIND_MALFORMED, /* too short or too long for an Ethernet frame */
    NETSIM_KIND_ETHER,     /* an Ethernet type the simulator does not speak (ether=...) */
    NETSIM_KIND_IPV6,
    NETSIM_KIND_ARP,      /* op=... */
    NETSIM_KIND_IPV4_BAD, /* an IPv4 header that does not check out */
    NETSIM_KIND_IPV4,     /* another IPv4 protocol (proto=...) */
    NETSIM_KIND_ICMP,     /* type=... */
    NETSIM_KIND_UDP,      /* port=... */
    NETSIM_KIND_TCP,      /* port=..., flags=... */
};

/* What the simulator did with it. */
enum netsim_verdict {
    NETSIM_ANSWERED,    /* a reply (or TCP segments) went back */
    NETSIM_ACCEPTED,    /* taken without a reply (an ACK that needs none, RST, ...) */
    NETSIM_UNREACHABLE, /* a closed port: ICMP port unreachable or a TCP RST went back */
    NETSIM_NO_HOST,     /* routed to a side, but no such host there: nothing back */
    NETSIM_IGNORED,     /* well formed but nothing to do (ICMP not echo, ARP for others) */
    NETSIM_SHORT,       /* shorter than its headers say */
    NETSIM_OVERSIZED,   /* longer than NETSIM_FRAME_MAX */
    NETSIM_BAD_CHECKSUM,
    NETSIM_BAD_HEADER, /* a header field no sender may use */
    NETSIM_FRAGMENT,
    NETSIM_NOT_FOR_ROUTER, /* Ethernet destination neither the router nor broadcast */
    NETSIM_BAD_SOURCE,     /* multicast source MAC, or an impossible source IP */
    NETSIM_UNSUPPORTED,    /* a protocol or Ethernet type the simulator doesn't speak */
    NETSIM_NO_ROUTE,       /* an IPv4 destination outside the plan (or on the link) */
    NETSIM_TABLE_FULL,     /* a TCP SYN with every connection slot taken: RST */
    NETSIM_VERDICT_COUNT
};

/* One received frame, as the line log writes it. */
struct netsim_event {
    uint64_t seq; /* 1 for the first frame received */
    size_t len;
    uint8_t src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
    bool has_ip;
    uint32_t src_ip, dst_ip;
    enum netsim_kind kind;
    unsigned detail; /* ether type, ARP op, IP protocol, ICMP type or destination port */
    uint8_t tcp_flags;
    enum netsim_route route;
    enum netsim_verdict verdict;
};

struct netsim_counters {
    uint64_t rx, tx, tx_bytes, rx_bytes;
    uint64_t route[4]; /* by enum netsim_route */
    uint64_t verdict[NETSIM_VERDICT_COUNT];
};

typedef void netsim_send_fn(void *ctx, const uint8_t *frame, size_t len);

struct netsim {
    netsim_send_fn *send;
    void *send_ctx;
    uint16_t ip_id;
    struct netsim_counters counters;
    struct tcp_table tcp;
};

void netsim_init(struct netsim *sim, netsim_send_fn *send, void *ctx);

/* Handles one frame received at now_ms; fills *ev (always) and sends any answer. */
void netsim_rx(struct netsim *sim, const uint8_t *frame, size_t len, uint64_t now_ms,
               struct netsim_event *ev);

/* Retransmits and expires TCP state; call at least every NETSIM_TICK_MS. */
#define NETSIM_TICK_MS 50
void netsim_tick(struct netsim *sim, uint64_t now_ms);

const char *netsim_route_name(enum netsim_route r);
const char *netsim_verdict_name(enum netsim_verdict v);

/* One log line for ev (no newline) into buf; returns its length as snprintf does. */
int netsim_format_event(char *buf, size_t size, const struct netsim_event *ev, uint64_t now_ms);

/* Internal: the protocol handlers (arp.c, icmp.c, udp.c, tcp.c) send through these. */
void netsim_send(struct netsim *sim, const uint8_t *frame, size_t len);
uint16_t netsim_next_ip_id(struct netsim *sim);
