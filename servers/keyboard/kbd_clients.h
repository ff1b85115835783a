/* The keyboard server's client partitions: each one's virtio-input device as the server runs it
 * (the event and status queues in the partition's RAM, set up by its VMM's calls, hv/proto/vdev.h
 * and input.h), the keyboard core's events written into the guest's event buffers, and a small
 * backlog for when the guest has posted none. Free of system calls: the server's main loop
 * gives it the calls, doorbells and the VMM signal, and host tests drive it with a fake guest. */
#pragma once

#include "virtio_input_event.h"
#include <hv/proto/input.h>
#include <hv/virtio/virtio_faults.h>
#include <hv/virtio/virtio_mem.h>
#include <hv/virtio/virtqueue.h>
#include <stdbool.h>
#include <stdint.h>

#define KBD_CLIENTS_MAX HV_INPUT_MAX_CLIENTS
/* Largest queue a guest may make (Linux's virtio_input asks for 64). */
#define KBD_QUEUE_MAX 256u
/* Events kept per client while its guest has no event buffer posted: whole reports are dropped
 * from the oldest end when it is full (a report is a key event and its SYN_REPORT). */
#define KBD_BACKLOG 32u
/* Status-queue buffers taken per doorbell at most: a guest flooding it costs a bounded pass. */
#define KBD_STATUS_BATCH KBD_QUEUE_MAX

/* Counters of one client (also published in its shared page, struct hv_input_shared). */
struct kbd_client_stats {
    uint64_t events;        /* written into the guest's event buffers */
    uint64_t backlogged;    /* put in the backlog (no buffer posted, or the queue not live) */
    uint64_t dropped;       /* dropped from a full backlog, oldest first */
    uint64_t status;        /* status-queue events taken and dropped (LEDs and anything else) */
    uint64_t small_buffers; /* event buffers with fewer than 8 writable bytes: returned empty */
    uint64_t bad_chains;    /* chains libhv refused (loops, bad indices, outside RAM) */
    uint64_t broken;        /* a ring broke: the guest is told to reset the device */
};

struct kbd_client {
    uint32_t partition;                /* its index in the partition table */
    struct virtio_mem_region ram;      /* its RAM as the server maps it */
    struct virtio_mem mem;
    struct hv_input_shared *shared;    /* the page it shares with its VMM */
    struct virtq q[2];                 /* HV_INPUT_EVENTQ, HV_INPUT_STATUSQ */
    struct virtio_faults faults;
    bool pushed;                       /* used entries since the last interrupt decision */
    struct virtio_input_event backlog[KBD_BACKLOG];
    unsigned backlog_head, backlog_len;
    struct kbd_client_stats stats;
};

/* What the clients ask of the server around them. */
struct kbd_clients_ops {
    /* Client c's guest reset its device: the core forgets what it had sent it
     * (kbd_core_device_reset(core, partition)). */
    void (*device_reset)(void *ctx, unsigned partition);
    /* Client c's VMM must look at its shared page's irq bits (a signal on
     * HV_DEVICE_SLOT_VMM_EVENTS + c on the target). */
    void (*notify_vmm)(void *ctx, unsigned client);
    void *ctx;
};

struct kbd_clients {
    struct kbd_client client[KBD_CLIENTS_MAX];
    unsigned n;
    struct kbd_clients_ops ops;
    uint64_t unknown_partition; /* events delivered to a partition that is no client */
};

void kbd_clients_init(struct kbd_clients *k, const struct kbd_clients_ops *ops);

/* Adds client k->n (badge n + 1) for partition with its RAM (local mapping) and shared page:
 * the client's index, or -1 if KBD_CLIENTS_MAX are there, the partition is already a client,
 * or the RAM region is unusable (virtio_mem_check). */
int kbd_clients_add(struct kbd_clients *k, uint32_t partition,
                    const struct virtio_mem_region *ram, struct hv_input_shared *shared);

/* The keyboard core's deliver (struct kbd_core_io, ctx = struct kbd_clients *): the event into
 * the partition's next event buffer, after whatever the backlog holds; into the backlog when
 * there is no buffer (or the queue is not live yet). A partition that is no client: counted.
 * Raises the guest's interrupt when its driver asks for one. */
void kbd_clients_deliver(void *ctx, unsigned partition, const struct virtio_input_event *ev);

/* One call from a VMM (HV_VDEV_OPEN, HV_VDEV_QUEUE_SETUP, HV_VDEV_RESET): label and w[0, len)
 * in; the reply's label (0 or an enum hv_error) and *reply_words words back in w (w holds at
 * least HV_INPUT_OPEN_REPLY_WORDS). Badge 0 or past the clients: HV_EPERM. A queue refused
 * (not 0/1, larger than KBD_QUEUE_MAX, already live, rings outside the RAM, no VERSION_1):
 * HV_EINVAL. RESET stops both queues, empties the backlog and calls ops.device_reset. */
void kbd_clients_call(struct kbd_clients *k, uint64_t badge, uint64_t label, uint64_t *w,
                      unsigned len, uint64_t *reply_label, unsigned *reply_words);

/* The doorbell rang with these bits (HV_VDEV_DOORBELL(c) for client c; others ignored): new
 * event buffers take the backlog; status-queue events are taken and dropped. */
void kbd_clients_doorbell(struct kbd_clients *k, uint64_t bits);

/* The client serving partition, or NULL. */
struct kbd_client *kbd_clients_find(struct kbd_clients *k, unsigned partition);
