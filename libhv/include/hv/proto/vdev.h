/* The protocol between a partition's VMM and the device server behind one of its virtio
 * devices (docs/device-servers.md): the VMM runs the virtio-mmio transport (registers,
 * features, status), the server runs the device (its queues, in the partition's RAM that it
 * maps) and completes requests itself. The same three calls, doorbell and completion bits for
 * every device server; what OPEN answers is each device's own (hv/proto/block.h, net.h). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Calls on the server's endpoint; the badge of the VMM's cap names the partition (the root
 * task gives each VMM one badged cap, so a VMM can only speak for its own partition). The
 * reply's label is 0 or an enum hv_error, with words only where a reply is declared.
 */
enum hv_vdev_label {
    /* First call, before the guest sees the device: agree on the version, learn the device
     * (the reply is the device's: struct hv_blk_open_reply, struct hv_net_open_reply). */
    HV_VDEV_OPEN = 1,
    /* The guest made a queue ready (QueueReady = 1 after the driver wrote its registers).
     * Words: struct hv_vdev_queue_setup. The server checks the rings against the partition's
     * RAM; a refused queue is HV_EINVAL and the VMM sets DEVICE_NEEDS_RESET. */
    HV_VDEV_QUEUE_SETUP = 2,
    /* The guest wrote 0 to Status, or made a queue not ready. No words. The server stops every
     * queue before replying: what is in flight completes to nothing, and the guest's rings and
     * buffers are not touched again until the next HV_VDEV_QUEUE_SETUP. */
    HV_VDEV_RESET = 3,
};

/* QueueNotify is no call: the VMM signals the server's notification through the badged cap
 * the root task gave it (badge bit = HV_VDEV_DOORBELL(client)), so a guest's kick never waits
 * on the server, and many kicks before the server runs cost one wake-up. */
#define HV_VDEV_DOORBELL(client) (UINT64_C(1) << (client))
#define HV_VDEV_MAX_CLIENTS 8u

struct hv_vdev_queue_setup {
    uint64_t queue;    /* bits 0..15 the queue index, bits 16..31 its size (QueueNum) */
    uint64_t desc;     /* guest-physical QueueDesc */
    uint64_t driver;   /* QueueDriver (available ring) */
    uint64_t device;   /* QueueDevice (used ring) */
    uint64_t features; /* what the driver accepted (INDIRECT_DESC, EVENT_IDX matter here) */
};
#define HV_VDEV_QUEUE_SETUP_WORDS 5u
_Static_assert(sizeof(struct hv_vdev_queue_setup) == 8 * HV_VDEV_QUEUE_SETUP_WORDS, "");

static inline bool hv_vdev_queue_setup_decode(const uint64_t *w, unsigned len,
                                              struct hv_vdev_queue_setup *m)
{
    if (len != HV_VDEV_QUEUE_SETUP_WORDS)
        return false;
    *m = (struct hv_vdev_queue_setup){w[0], w[1], w[2], w[3], w[4]};
    return true;
}

static inline uint16_t hv_vdev_queue_index(const struct hv_vdev_queue_setup *m)
{
    return (uint16_t)m->queue;
}

static inline uint32_t hv_vdev_queue_size(const struct hv_vdev_queue_setup *m)
{
    return (uint32_t)(m->queue >> 16) & 0xffffu;
}

/*
 * Completion: the server writes the used ring itself and then asks for the interrupt through
 * a page it shares with the VMM (one per partition and device, mapped read-write in both),
 * ORing bits into its irq word and signalling the VMM's notification. The VMM takes the bits
 * with an atomic exchange to 0 and raises them in the transport (InterruptStatus, the line;
 * NEEDS_RESET sets DEVICE_NEEDS_RESET and a configuration change interrupt). Every device's
 * shared page starts with struct hv_vdev_shared; its counters follow.
 */
#define HV_VDEV_IRQ_USED 1u        /* a used buffer notification the driver asked for */
#define HV_VDEV_IRQ_NEEDS_RESET 2u /* the server stopped a queue: the ring is corrupt */

struct hv_vdev_shared {
    uint32_t version; /* the device protocol's version, written by the server */
    uint32_t irq;     /* HV_VDEV_IRQ_* bits: server ORs (release), VMM exchanges (acquire) */
    uint32_t reserved[14];
};
