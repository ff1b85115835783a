/* The device side of a virtio 1.x split virtqueue (§2.7), hardened against a hostile driver. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/virtio/virtio_faults.h>
#include <hv/virtio/virtio_mem.h>

/* One buffer of a request, already translated to a local address. */
struct virtq_seg {
    void *addr;
    uint32_t len;
};

/*
 * A request as the device model sees it: segs[0, nreadable) are device-readable,
 * then segs[nreadable, nreadable + nwritable) are device-writable (§2.7.4.2 guarantees
 * that order, and virtq_pop refuses chains that break it). The caller provides segs and
 * capacity; virtq_pop fills the rest.
 */
struct virtq_req {
    struct virtq_seg *segs;
    uint32_t capacity;
    uint16_t head;
    uint32_t nreadable;
    uint32_t nwritable;
    uint64_t readable_bytes;
    uint64_t writable_bytes;
    uint32_t epoch; /* which incarnation of the queue it came from */
};

/* What the driver told the transport about one queue, and the negotiated features. */
struct virtq_config {
    uint32_t size;   /* QueueNum */
    uint64_t desc;   /* QueueDesc: guest-physical address of the descriptor table */
    uint64_t driver; /* QueueDriver: the available ring */
    uint64_t device; /* QueueDevice: the used ring */
    uint64_t features;
};

struct virtq {
    bool ready;
    bool broken;
    bool event_idx;     /* VIRTIO_F_EVENT_IDX negotiated */
    bool indirect_desc; /* VIRTIO_F_INDIRECT_DESC negotiated */
    uint16_t size;
    uint16_t last_avail_idx; /* next available ring entry the device will read */
    uint16_t used_idx;       /* the used idx the device last published */
    uint16_t signalled_used; /* used_idx when the driver was last considered for a notification */
    uint32_t inflight;       /* popped requests not yet pushed */
    uint32_t epoch;
    const uint8_t *desc; /* local addresses of the three rings */
    uint8_t *avail;
    uint8_t *used;
    const struct virtio_mem *mem;
    struct virtio_faults *faults;
};

enum virtq_setup_result {
    VIRTQ_SETUP_OK = 0,
    VIRTQ_SETUP_BAD_SIZE = -1, /* not a power of two in 1..32768 */
    VIRTQ_SETUP_BAD_RING = -2, /* a ring outside the memory regions, or misaligned */
};

enum virtq_pop_result {
    VIRTQ_POP_EMPTY = 0,
    VIRTQ_POP_REQUEST = 1, /* *req holds a request; push it exactly once */
    VIRTQ_POP_DROPPED = 2, /* a malformed chain was refused and returned with length 0 */
    VIRTQ_POP_NOT_READY = -1,
    VIRTQ_POP_BROKEN = -2, /* the ring itself is corrupt; the device needs a reset */
};

enum virtq_push_result {
    VIRTQ_PUSH_OK = 0,
    VIRTQ_PUSH_NOT_READY = -1, /* queue reset, broken or not ready: nothing written */
    VIRTQ_PUSH_STALE = -2,     /* request from before the last reset, or nothing in flight */
};

enum virtq_poll_result {
    VIRTQ_POLL_DONE = 0,  /* the available ring is empty */
    VIRTQ_POLL_AGAIN = 1, /* stopped after queue-size requests: poll again later */
    VIRTQ_POLL_NOT_READY = -1,
    VIRTQ_POLL_BROKEN = -2,
};

/*
 * Stops the queue: every call but virtq_init is then a no-op or an error. Start from a
 * zeroed struct virtq; its epoch carries over, so requests popped before are recognised
 * as stale.
 */
void virtq_reset(struct virtq *vq);

/*
 * Validates the driver's configuration and makes the queue ready. Takes ownership of
 * the used ring: its flags and idx are zeroed. mem and faults must outlive the queue.
 */
enum virtq_setup_result virtq_init(struct virtq *vq, const struct virtq_config *cfg,
                                   const struct virtio_mem *mem, struct virtio_faults *faults);

/*
 * Takes the next available request. Bounded: reads at most queue-size descriptors,
 * indirect ones included, and never touches memory outside the regions.
 */
enum virtq_pop_result virtq_pop(struct virtq *vq, struct virtq_req *req);

/* Returns a popped request to the driver, saying how many bytes the device wrote. */
enum virtq_push_result virtq_push(struct virtq *vq, const struct virtq_req *req, uint32_t written);

/*
 * Pops up to queue-size requests (dropped ones included) and hands each to handle,
 * which must push it (now, or later from a copy of *req). req provides the segment
 * storage, reused for every request.
 */
typedef void virtq_handler_fn(void *ctx, struct virtq *vq, struct virtq_req *req);
enum virtq_poll_result virtq_poll(struct virtq *vq, struct virtq_req *req, virtq_handler_fn *handle,
                                  void *ctx);

/*
 * After pushing, decides whether the driver wants a used buffer notification
 * (§2.7.7.2: used_event with VIRTIO_F_EVENT_IDX, else VIRTQ_AVAIL_F_NO_INTERRUPT).
 * Call once per batch of pushes.
 */
bool virtq_should_notify(struct virtq *vq);

/*
 * Copy helpers over a request's segments, from a byte offset into the readable
 * (gather) or writable (scatter) part. Return the number of bytes copied.
 */
size_t virtq_req_read(const struct virtq_req *req, uint64_t offset, void *dst, size_t n);
size_t virtq_req_write(const struct virtq_req *req, uint64_t offset, const void *src, size_t n);
