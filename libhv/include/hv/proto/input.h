/* The keyboard's part of the device protocol (hv/proto/vdev.h) between a partition's VMM and
 * the keyboard server (docs/trusted-path.md, "Guests"): what HV_VDEV_OPEN carries and answers,
 * the shared page, and the record the root task gives the server for each client partition.
 * The calls, doorbell and completion bits are every device's. */
#pragma once

#include <hv/proto/vdev.h>
#include <stddef.h>
#include <stdint.h>

#define HV_INPUT_VERSION 1u

/* The partition's virtio-input device: queue 0 the event queue (the server writes key events
 * into the guest's buffers), queue 1 the status queue (the guest's LED events, taken and
 * dropped). */
#define HV_INPUT_EVENTQ 0u
#define HV_INPUT_STATUSQ 1u

struct hv_input_open {
    uint64_t version; /* HV_INPUT_VERSION */
};
#define HV_INPUT_OPEN_WORDS 1u

/* What the VMM puts in the device's registers. The configuration space (name, ids, the key
 * bitmap) is the VMM's own (servers/vmm/core/vinput.c): the server sends only evdev key codes
 * of servers/keyboard/evdev_codes.h, which that bitmap covers. */
struct hv_input_open_reply {
    uint64_t version;       /* HV_INPUT_VERSION */
    uint64_t features;      /* device feature bits (virtio-input defines none: 0) */
    uint64_t queue_num_max; /* largest queue the server takes */
};
#define HV_INPUT_OPEN_REPLY_WORDS 3u
_Static_assert(sizeof(struct hv_input_open_reply) == 8 * HV_INPUT_OPEN_REPLY_WORDS, "");

/* The shared page: struct hv_vdev_shared's words first, then the client's counters (written by
 * the server, for the VMM's statistics and the tests). */
struct hv_input_shared {
    uint32_t version; /* HV_INPUT_VERSION, written by the server */
    uint32_t irq;     /* HV_VDEV_IRQ_* bits: server ORs (release), VMM exchanges (acquire) */
    uint32_t reserved[14];
    uint64_t events;  /* events written into the guest's event buffers */
    uint64_t dropped; /* events dropped: the backlog was full while the guest posted no buffer */
    uint64_t status;  /* status-queue events (LEDs) taken from the guest and dropped */
    uint64_t bad;     /* malformed chains, buffers smaller than an event, broken rings */
};
_Static_assert(offsetof(struct hv_input_shared, irq) == offsetof(struct hv_vdev_shared, irq) &&
                   offsetof(struct hv_input_shared, events) == sizeof(struct hv_vdev_shared),
               "the shared page starts as every device's");

/* One client of the keyboard server, as the root task describes it in the server's config:
 * client c (its VMM's calls carry badge c + 1) is the partition with table index `partition`,
 * its RAM mapped at HV_DEVICE_RAM_VA(c) and its shared page at HV_DEVICE_SHARED_VA(c). */
struct hv_input_client {
    uint32_t partition; /* index in the partition table: what the keyboard core delivers to */
    uint32_t reserved;
    uint64_t ram_gpa, ram_size;
};
#define HV_INPUT_MAX_CLIENTS 4u
