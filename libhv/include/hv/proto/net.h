/* The network device's part of the device protocol (hv/proto/vdev.h) between a partition's
 * VMM and the radio server (docs/network.md): what HV_VDEV_OPEN carries and answers, and the
 * shared page's counters. The calls, doorbell and completion bits are every device's. */
#pragma once

#include <hv/proto/vdev.h>
#include <stddef.h>
#include <stdint.h>

#define HV_NET_VERSION 1u

struct hv_net_open {
    uint64_t version; /* HV_NET_VERSION */
};
#define HV_NET_OPEN_WORDS 1u

/* What the VMM puts in the device's registers and configuration space. */
struct hv_net_open_reply {
    uint64_t version;       /* HV_NET_VERSION */
    uint64_t mac;           /* the partition's MAC (the manifest's), bytes 0..5 in bits 0..47 */
    uint64_t features;      /* VIRTIO_NET_F_* the device offers (transport bits are the VMM's) */
    uint64_t queue_num_max; /* largest queue the server takes */
};
#define HV_NET_OPEN_REPLY_WORDS 4u
_Static_assert(sizeof(struct hv_net_open_reply) == 8 * HV_NET_OPEN_REPLY_WORDS, "");

/* The shared page: struct hv_vdev_shared's words first, then the port's counters. */
struct hv_net_shared {
    uint32_t version; /* HV_NET_VERSION, written by the server */
    uint32_t irq;     /* HV_VDEV_IRQ_* bits: server ORs (release), VMM exchanges (acquire) */
    uint32_t reserved[14];
    uint64_t tx_frames, rx_frames; /* frames the guest sent that left, and it received */
    uint64_t tx_dropped, rx_dropped; /* refused by the policy, malformed, or no room */
    /* The request path's cost (docs/network.md, "Benchmark"): interrupts signalled to this
     * port's VMM; the server's wake-ups and the NIC's interrupts (all ports together). */
    uint64_t signals, wakeups, nic_irqs;
};
_Static_assert(offsetof(struct hv_net_shared, irq) == offsetof(struct hv_vdev_shared, irq) &&
                   offsetof(struct hv_net_shared, tx_frames) == sizeof(struct hv_vdev_shared),
               "the shared page starts as every device's");
