/* One partition's virtio-net device as the radio server runs it: the receive and transmit
 * queues in the partition's RAM (which the server maps), frames taken from the guest's
 * transmit buffers and written into its receive buffers in place, with no offloads. Free of
 * system calls, so host tests and fuzzers drive it; the switch decides where frames go. */
#pragma once

#include <hv/virtio/virtio_faults.h>
#include <hv/virtio/virtio_mem.h>
#include <hv/virtio/virtqueue.h>
#include <stdbool.h>
#include <stdint.h>

#define NET_PORT_RX 0u /* receiveq1 */
#define NET_PORT_TX 1u /* transmitq1 */
#define NET_PORT_QUEUE_MAX 256u
#define NET_PORT_HDR 12u        /* VIRTIO_NET_HDR_SIZE: with num_buffers (VERSION_1) */
#define NET_PORT_FRAME_MAX 1514u /* the frames a NIC without jumbo frames carries */
#define NET_PORT_FRAME_MIN 14u   /* an Ethernet header */
#define NET_PORT_TX_BATCH 16u   /* frames one pass takes from a guest: fairness between ports */
#define NET_PORT_FRAME_AT 4u    /* where a sent frame's header goes in net_port.frame */

/* Why a frame the guest sent went nowhere. */
enum net_port_drop {
    NET_PORT_DROP_RUNT,       /* shorter than an Ethernet header */
    NET_PORT_DROP_GIANT,      /* longer than NET_PORT_FRAME_MAX */
    NET_PORT_DROP_OFFLOAD,    /* a header asking for checksum or segmentation offload */
    NET_PORT_DROP_CHAIN,      /* a malformed descriptor chain (libhv refused it) */
    NET_PORT_DROP_NO_BUFFER,  /* receive: the guest had no buffer posted */
    NET_PORT_DROP_SMALL_BUFFER, /* receive: its buffer was smaller than header + frame */
    NET_PORT_DROPS
};

/* The reason's name for the log ("giant", "chain", ...). */
const char *net_port_drop_name(enum net_port_drop why);

struct net_port_stats {
    uint64_t tx_frames, rx_frames;
    uint64_t drops[NET_PORT_DROPS];
};

struct net_port {
    struct virtio_mem mem; /* the partition's RAM as the server maps it */
    struct virtq q[2];
    struct virtio_faults faults;
    bool pushed; /* used entries since the last interrupt decision */
    struct net_port_stats stats;
    /* A transmitted frame, read once: header at NET_PORT_FRAME_AT, the frame after it on a
     * word boundary, as the switch's slots are (radio_switch.h: so its copy goes by words). */
    _Alignas(8) uint8_t frame[NET_PORT_FRAME_AT + NET_PORT_HDR + NET_PORT_FRAME_MAX];
};

enum net_port_setup {
    NET_PORT_SETUP_OK = 0,
    NET_PORT_SETUP_BAD_QUEUE = -1, /* neither queue 0 nor 1, or larger than NET_PORT_QUEUE_MAX */
    NET_PORT_SETUP_LIVE = -2,      /* the queue is already running: reset first */
    NET_PORT_SETUP_BAD_RING = -3,  /* libhv refused the ring placement or size */
    NET_PORT_SETUP_NO_VERSION_1 = -4, /* the driver did not accept VERSION_1 */
};

void net_port_init(struct net_port *p, const struct virtio_mem *mem);

/* The guest made queue q ready with these rings and features. */
enum net_port_setup net_port_queue_setup(struct net_port *p, unsigned q,
                                         const struct virtq_config *cfg);

/* The guest reset the device: both queues stop; its memory is its own again. */
void net_port_reset(struct net_port *p);

/* Takes up to NET_PORT_TX_BATCH frames the guest sent and hands each good one to out (which
 * must copy what it keeps). Returns true if more may be waiting (call again next pass). */
bool net_port_tx(struct net_port *p, void (*out)(void *ctx, const uint8_t *frame, uint32_t len),
                 void *ctx);

/* Writes one frame into the guest's next receive buffer. False (counted) if the queue is not
 * live, has no buffer, or the buffer is too small. */
bool net_port_rx(struct net_port *p, const uint8_t *frame, uint32_t len);

/* After a pass: whether the guest wants an interrupt for what was used (EVENT_IDX or its
 * no-interrupt flag decides). Resets the decision. */
bool net_port_irq_wanted(struct net_port *p);
