/* The driver side of a virtio 1.x split virtqueue (§2.7): give buffers to a device we do not
 * trust, and take them back only when what it says about them holds. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <hv/virtio/virtio_drv_io.h>

/*
 * The driver's own record of each descriptor, kept in its private memory and never in the
 * rings: a device can rewrite anything in DMA memory, so the free list and the chains are
 * read back from here, never from the descriptor table.
 */
struct vqd_slot {
    void *token;       /* the caller's cookie, on the head of an in-flight chain */
    uint32_t writable; /* device-writable bytes of the chain (head only) */
    uint16_t next;     /* free-list link, or the next descriptor of the chain */
    uint16_t count;    /* descriptors in the chain (head only) */
    bool inflight;     /* head of a chain the device holds */
};

/* Where the three rings lie in one block of DMA memory (offsets from its start). */
struct vqd_layout {
    uint64_t desc;
    uint64_t avail;
    uint64_t used;
    uint64_t total; /* bytes the block needs */
};

/* One buffer of a request: bus address and length. */
struct vqd_buf {
    uint64_t pa;
    uint32_t len;
};

enum vqd_result {
    VQD_OK = 0,
    VQD_EMPTY = 1,              /* get_used: the device returned nothing new */
    VQD_NO_SPACE = -1,          /* add: fewer free descriptors than buffers; try after get_used */
    VQD_BAD_ARG = -2,           /* add or init: the caller's arguments are unusable */
    VQD_BROKEN = -3,            /* the queue was stopped by an earlier device error */
    VQD_USED_IDX = -4,          /* device: used idx ran ahead of the chains in flight */
    VQD_USED_ID = -5,           /* device: used id >= queue size */
    VQD_USED_NOT_INFLIGHT = -6, /* device: used id is not the head of a chain it holds */
    VQD_USED_LEN = -7,          /* device: used len larger than the chain's writable bytes */
};

struct vqd {
    uint16_t size;
    uint16_t num_free;
    uint16_t free_head;
    uint16_t avail_idx; /* the driver's copy of avail->idx */
    uint16_t last_used; /* the next used entry to read */
    uint16_t kicked;    /* avail_idx when the driver last decided about a notification */
    uint16_t inflight;  /* chains the device holds */
    bool event_idx;     /* VIRTIO_F_EVENT_IDX negotiated */
    bool broken;
    enum vqd_result why; /* the device error that broke it */
    uint8_t *desc, *avail, *used;
    uint64_t desc_pa, avail_pa, used_pa;
    struct vqd_slot *slots;
};

/*
 * The legacy layout of a queue of n entries (§2.7, and what virtio-mmio v1 and legacy PCI
 * require): the descriptor table, the available ring right after it, the used ring at the
 * next multiple of used_align (a power of two, at least 4). Modern transports take any
 * placement; the same layout with used_align 4 suits them. False if n or used_align is bad.
 */
bool vqd_layout(uint16_t n, uint32_t used_align, struct vqd_layout *layout);

/*
 * Sets up a queue of size entries (a power of two, 1..32768) in mem at the given layout,
 * with slots[size] for the driver's records. Zeroes the rings. VQD_BAD_ARG if mem is too
 * small or a ring is misaligned (in va or pa).
 */
enum vqd_result vqd_init(struct vqd *vq, uint16_t size, const struct virtio_dma *mem,
                         const struct vqd_layout *layout, struct vqd_slot *slots, bool event_idx);

/*
 * Makes a request available: bufs[0, out) device-readable, then bufs[out, out + in)
 * device-writable, as one chain of the ring's own descriptors. token (any value) comes back from
 * vqd_get_used. The available idx is published at once, after the descriptors and the
 * ring entry (a DMA write barrier between).
 */
enum vqd_result vqd_add(struct vqd *vq, const struct vqd_buf *bufs, unsigned out, unsigned in,
                        void *token);

/*
 * The same request as one ring descriptor pointing at an indirect table (§2.7.5.3; only once
 * VIRTIO_F_INDIRECT_DESC was negotiated): the chain is written into table (DMA memory the
 * caller owns, room for out + in descriptors, 16-byte aligned), which must stay untouched
 * until token comes back. Takes one descriptor of the ring however long the chain; the chain
 * is still no longer than the queue (VQD_BAD_ARG).
 */
enum vqd_result vqd_add_indirect(struct vqd *vq, const struct virtio_dma *table,
                                 const struct vqd_buf *bufs, unsigned out, unsigned in,
                                 void *token);

/* vqd_add_indirect in two halves, for a driver whose threads share the work: fill writes the
 * chain into table (no queue needed, so a thread that does not own the queue may do it) and
 * says what it holds; add_table makes a filled table available, checking its length against
 * the queue. */
struct vqd_table {
    uint64_t pa;
    uint16_t count;    /* descriptors in the table */
    uint32_t writable; /* their device-writable bytes */
};
enum vqd_result vqd_indirect_fill(const struct virtio_dma *table, const struct vqd_buf *bufs,
                                  unsigned out, unsigned in, struct vqd_table *filled);
enum vqd_result vqd_add_table(struct vqd *vq, const struct vqd_table *t, void *token);

/* After one or more adds: whether the device asked to be notified (§2.7.10 avail_event with
 * EVENT_IDX, else VIRTQ_USED_F_NO_NOTIFY). A full barrier orders the idx before the read. */
bool vqd_kick_needed(struct vqd *vq);

/*
 * Takes the next buffer the device returned. VQD_OK: *token and *len (bytes the device
 * says it wrote, checked against the chain) are set and the chain's descriptors are free
 * again. A used entry that breaks a rule stops the queue (VQD_USED_*; later calls return
 * VQD_BROKEN) without touching any chain: the device must be reset, then vqd_drain gives
 * back every token still in flight.
 */
enum vqd_result vqd_get_used(struct vqd *vq, void **token, uint32_t *len);

/* Asks for an interrupt at the next used buffer; true if some arrived meanwhile (harvest
 * again before waiting). */
bool vqd_arm(struct vqd *vq);

/* After the device was reset: hands every in-flight token to fn, then forgets them. The
 * queue needs vqd_init again before use. */
void vqd_drain(struct vqd *vq, void (*fn)(void *ctx, void *token), void *ctx);

/* A fixed description, for log lines. */
const char *vqd_result_name(enum vqd_result r);
