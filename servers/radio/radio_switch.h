/* The radio server's switch: ports for the partitions and the uplink (the physical NIC), a
 * bounded queue per port and direction, the policy applied to every frame, deficit round robin
 * onto the uplink, and drop counters per port and reason. Free of system calls: the server's
 * threads (and the host tests and fuzzers) move frames in and out through these calls.
 *
 * Threads (docs/network.md, "Threads and whose CPU time"): every queue has one producer and
 * one consumer, and every counter one writer, so no call takes a lock:
 *  - port p's thread: radio_switch_from_partition(p) and egress_room/free(p) (the producer of
 *    egress[p], the writer of count[p].in_*), and peek/pop/next_for(p) (the consumer of
 *    ingress[p], the writer of count[p].out_frames, out_bytes and out_drops[RADIO_DROP_RX_BUFFER]);
 *  - the link thread: radio_switch_from_uplink (the producer of every ingress queue, the writer
 *    of count[RADIO_UPLINK].in_* and of the partitions' other out_drops) and
 *    peek/pop/next_for(RADIO_UPLINK) (the consumer of every egress queue, the round robin's
 *    state, count[RADIO_UPLINK].out_*);
 *  - any thread: radio_switch_queued, radio_switch_counters (read with radio_counter_read),
 *    radio_switch_format_drops: figures a moment old. */
#pragma once

#include "radio_drop.h"
#include "radio_frame.h"
#include "radio_policy.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Frames one queue holds. Every queue is a fixed array, so the switch's memory is
 * sizeof(struct radio_switch) whatever the partitions send. */
#define RADIO_QUEUE_SLOTS 32u
/* Bytes a port may put on the uplink per round of the deficit round robin (Shreedhar and
 * Varghese): at least one largest frame, so every non-empty queue sends in every round. */
#define RADIO_QUANTUM RADIO_FRAME_MAX
/* The uplink's index in the counters (partitions are 0 .. nports-1). */
#define RADIO_UPLINK RADIO_MAX_PORTS

struct radio_slot {
    uint16_t len;
    /* Word-aligned, as the NIC's buffers are: libhv's memcpy copies 8 bytes a step only
     * between pointers of one alignment, a byte a step (4 instructions under TCG) otherwise,
     * and the link thread copies every frame into or out of a slot on the server's budget. */
    _Alignas(8) uint8_t data[RADIO_FRAME_MAX];
};

struct radio_queue {
    /* Indices into slot[], 0 .. RADIO_QUEUE_SLOTS: the consumer alone writes head (after it
     * is done with the slot), the producer alone tail (after it filled the slot). */
    unsigned head, tail;
    /* One slot more than a queue holds: a partition's frame is copied into the free one (at
     * tail) and checked there, so even a full queue sees every frame's reason before
     * `queue-full`; it also tells a full queue from an empty one. */
    struct radio_slot slot[RADIO_QUEUE_SLOTS + 1];
};

/* Frames in q (0 .. RADIO_QUEUE_SLOTS), as the calling thread may see them. */
unsigned radio_queue_count(const struct radio_queue *q);

/* A counter another thread writes (struct radio_counters): read whole. */
static inline uint64_t radio_counter_read(const uint64_t *c)
{
    return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* Per port, seen from the switch: "in" is what the port brought (a partition's sends, the
 * uplink's receives), "out" what was on its way to the port. A frame a partition sends and the
 * policy refuses is an in_drop of that partition; an uplink frame refused for a partition (a
 * corporate reply to personal) an out_drop of that partition; an uplink frame addressed to no
 * partition an in_drop of the uplink. [RADIO_PASS] is unused. */
struct radio_counters {
    uint64_t in_frames;
    uint64_t in_drops[RADIO_DROP_COUNT];
    uint64_t out_frames, out_bytes; /* handed to the port's consumer */
    uint64_t out_drops[RADIO_DROP_COUNT];
};

struct radio_switch {
    struct radio_policy policy;
    /* egress[p]: from partition p towards the uplink; ingress[p]: from the uplink to p. */
    struct radio_queue egress[RADIO_MAX_PORTS];
    struct radio_queue ingress[RADIO_MAX_PORTS];
    /* Deficit round robin over the egress queues. */
    uint32_t deficit[RADIO_MAX_PORTS];
    unsigned rr;                                      /* the port whose turn it is */
    bool turn_started;                                /* rr's quantum has been added this turn */
    struct radio_counters count[RADIO_MAX_PORTS + 1]; /* [RADIO_UPLINK]: the uplink */
};

/* A switch with the policy pol (copied) and empty queues. */
void radio_switch_init(struct radio_switch *sw, const struct radio_policy *pol);

/* Partition port sent frame[0, len). It is copied into the port's egress queue first and
 * checked in the copy (the guest may change its buffer meanwhile). Returns RADIO_PASS when
 * queued for the uplink, else the reason it was dropped (and counted). */
enum radio_drop radio_switch_from_partition(struct radio_switch *sw, unsigned port,
                                            const uint8_t *frame, size_t len);
/* Whether port's egress queue has room: the main loop takes a partition's transmit buffers
 * only while it does, so a flooding guest waits on its own ring instead of losing frames. */
bool radio_switch_egress_room(const struct radio_switch *sw, unsigned port);
/* How many more frames port's egress queue takes (0 for a port the switch lacks): a loop that
 * takes a batch of transmit chains at once takes one only when the whole batch fits. */
unsigned radio_switch_egress_free(const struct radio_switch *sw, unsigned port);

/* The uplink received frame[0, len) (the server's own buffer, stable during the call).
 * Returns RADIO_PASS with *port set when queued for that partition, else the reason it was
 * dropped; *port is then the partition counted, or RADIO_UPLINK. */
enum radio_drop radio_switch_from_uplink(struct radio_switch *sw, const uint8_t *frame, size_t len,
                                         unsigned *port);

/* The next frame for port (a partition, or RADIO_UPLINK: chosen by deficit round robin among
 * the partitions' egress queues), left queued: NULL when there is none. Calling it again before
 * radio_switch_pop gives the same frame. */
const uint8_t *radio_switch_peek(struct radio_switch *sw, unsigned port, size_t *len);
/* Removes the frame radio_switch_peek gave for port (it was delivered). */
void radio_switch_pop(struct radio_switch *sw, unsigned port);
/* peek + copy into buf + pop. Returns the frame's length, or 0 when there was none; a frame
 * longer than cap is dropped (RADIO_DROP_RX_BUFFER) and 0 returned. */
size_t radio_switch_next_for(struct radio_switch *sw, unsigned port, uint8_t *buf, size_t cap);

/* Frames queued for port (RADIO_UPLINK: all egress queues together). */
unsigned radio_switch_queued(const struct radio_switch *sw, unsigned port);
const struct radio_counters *radio_switch_counters(const struct radio_switch *sw, unsigned port);
/* One log line of port's drops, into buf ("personal: in 3 dropped (spoof-ip 3), out 1 dropped
 * (unreachable 1)"); returns the untruncated length. */
int radio_switch_format_drops(const struct radio_switch *sw, unsigned port, char *buf, size_t size);
