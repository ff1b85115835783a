/* Frames a guest would send, built for the simulator's unit tests and fuzzer seeds, and a
 * recorder of what the simulator sends back. */
#pragma once

#include "netsim.h"

#include <stddef.h>
#include <stdint.h>

#define GUEST_IP NETSIM_IP(192, 0, 2, 20)
extern const uint8_t guest_mac[ETH_ALEN];
extern const uint8_t router_mac_bytes[ETH_ALEN];

struct sent {
    unsigned n;
    size_t len[64];
    uint8_t frame[64][NETSIM_FRAME_MAX];
};

/* netsim_send_fn recording into a struct sent (beyond 64 frames, only counted). */
void sent_record(void *ctx, const uint8_t *frame, size_t len);

/* Each returns the frame's length in out (room for NETSIM_FRAME_MAX). */
size_t frame_arp_request(uint8_t *out, uint32_t target_ip);
size_t frame_icmp_echo(uint8_t *out, uint32_t dst, uint16_t id, uint16_t seq, const void *data,
                       size_t len);
size_t frame_udp(uint8_t *out, uint32_t dst, uint16_t sport, uint16_t dport, const void *data,
                 size_t len);
size_t frame_tcp(uint8_t *out, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq,
                 uint32_t ack, uint8_t flags, uint16_t window, const void *data, size_t len);
/* The same with options (options_len a multiple of 4, at most 40) and any source address. */
size_t frame_tcp_options(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                         uint32_t seq, uint32_t ack, uint8_t flags, uint16_t window,
                         const uint8_t *options, size_t options_len, const void *data, size_t len);
/* An IPv4 packet of any protocol from src, payload as given (no layer-4 checksum made). */
size_t frame_ipv4(uint8_t *out, uint32_t src, uint32_t dst, uint8_t proto, const void *data,
                  size_t len);

/* Field access of a sent IPv4 frame: the layer-4 header, and its length. */
const uint8_t *sent_l4(const struct sent *s, unsigned i, size_t *len);
