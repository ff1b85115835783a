/* The simulator's TCP: a fixed table of server-side connections to the service hosts' ports
 * (plan.h), each with a bounded send buffer that doubles as the echo's receive window. */
#pragma once

#include "wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_CONN_MAX 32
#define TCP_BUF_SIZE 16384 /* per connection: 32 of them are 512 KiB, the table's whole size */
#define TCP_MSS 1460       /* a 1500-byte MTU less the IPv4 and TCP headers */
#define TCP_MSS_MIN 64     /* a peer's smaller MSS is raised to this: bounded segments per push */
#define TCP_RTO_MS 200     /* first retransmission timeout; doubles up to TCP_RTO_MAX_MS */
#define TCP_RTO_MAX_MS 3200
#define TCP_RETRIES_MAX 8 /* then the connection is reset: a peer gone for ~15 s */
#define TCP_IDLE_MS 60000 /* a connection that hears nothing for this long is forgotten */

enum tcp_service { TCP_SVC_ECHO, TCP_SVC_DISCARD, TCP_SVC_BANNER, TCP_SVC_CHARGEN };

struct tcp_conn {
    bool used;
    enum tcp_service svc;
    uint8_t guest_mac[ETH_ALEN];
    uint32_t guest_ip, host_ip;
    uint16_t guest_port, host_port;
    uint16_t peer_wnd, peer_mss;
    uint32_t irs, rcv_nxt; /* the guest's initial sequence number; the next byte expected */
    uint32_t iss;          /* ours: the SYN-ACK's sequence number */
    uint32_t snd_una;      /* the first byte not acked; buf[0] is this byte once established */
    uint32_t snd_nxt;      /* the next byte to send (goes back to snd_una on a timeout) */
    uint32_t snd_max;      /* one past the highest byte ever sent */
    uint32_t fin_seq;      /* our FIN's sequence number, once sent */
    bool syn_acked, fin_queued, fin_sent_once, fin_acked, peer_fin;
    uint64_t chargen_offset; /* chargen: stream bytes generated so far */
    uint64_t rto_at, last_heard;
    unsigned rto_ms, retries;
    size_t buf_len;
    uint8_t buf[TCP_BUF_SIZE]; /* bytes from snd_una on: in flight, then not yet sent */
};

struct tcp_table {
    uint32_t isn_next;
    struct tcp_conn conn[TCP_CONN_MAX];
};

/* How many slots are in use (tests, the exit summary). */
unsigned tcp_conns_in_use(const struct tcp_table *t);
