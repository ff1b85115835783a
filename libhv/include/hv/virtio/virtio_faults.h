/* Per-device counters and a rate-limited log hook for everything a guest driver gets wrong. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * One kind per way a driver can break the rules. The comment says what the library does
 * about it: "drop" refuses one request (its head goes back on the used ring with length
 * 0, the device model never sees it); "reset" sets DEVICE_NEEDS_RESET and stops the
 * queue; "ignore" drops one register access.
 */
enum virtio_fault {
    /* Split virtqueue (§2.7). */
    VIRTIO_FAULT_AVAIL_IDX_JUMP,        /* reset: more than queue-size chains outstanding */
    VIRTIO_FAULT_HEAD_INDEX,            /* reset: avail ring names a descriptor >= queue size */
    VIRTIO_FAULT_DESC_INDEX,            /* drop: next >= queue size (or >= indirect table size) */
    VIRTIO_FAULT_CHAIN_LOOP,            /* drop: a chain revisits a descriptor */
    VIRTIO_FAULT_CHAIN_TOO_LONG,        /* drop: more descriptors than the queue size */
    VIRTIO_FAULT_SEGS_OVERFLOW,         /* drop: more segments than the device's request storage */
    VIRTIO_FAULT_INDIRECT_UNNEGOTIATED, /* drop: INDIRECT without VIRTIO_F_INDIRECT_DESC */
    VIRTIO_FAULT_INDIRECT_NESTED,       /* drop: INDIRECT inside an indirect table */
    VIRTIO_FAULT_INDIRECT_NEXT,         /* drop: INDIRECT together with NEXT */
    VIRTIO_FAULT_INDIRECT_LEN,          /* drop: indirect table length 0 or not a multiple of 16 */
    VIRTIO_FAULT_ADDR_WRAP,             /* drop: addr + len wraps past 2^64 */
    VIRTIO_FAULT_ADDR_OUTSIDE,          /* drop: buffer not inside one memory region */
    VIRTIO_FAULT_READABLE_AFTER_WRITABLE, /* drop: device-readable after device-writable */
    VIRTIO_FAULT_RING_SETUP,              /* reset: bad queue size or ring address at QueueReady */
    /* virtio-mmio transport (§4.2.2). */
    VIRTIO_FAULT_MMIO_ACCESS,      /* ignore: register access not 32-bit aligned */
    VIRTIO_FAULT_MMIO_OFFSET,      /* ignore: reserved offset or beyond config space */
    VIRTIO_FAULT_MMIO_DIRECTION,   /* ignore: read of write-only / write of read-only */
    VIRTIO_FAULT_STATUS_ILLEGAL,   /* ignore: status bit cleared or set out of order */
    VIRTIO_FAULT_FEATURES_REFUSED, /* FEATURES_OK not set: features not offered / no VERSION_1 */
    VIRTIO_FAULT_FEATURES_LATE,    /* ignore: DriverFeatures written after FEATURES_OK */
    VIRTIO_FAULT_QUEUE_SEL,        /* ignore: queue register used for a queue that doesn't exist */
    VIRTIO_FAULT_QUEUE_LIVE,    /* ignore: queue reconfigured while ready, or before FEATURES_OK */
    VIRTIO_FAULT_NOTIFY,        /* ignore: notify of a bad / not ready queue, or before DRIVER_OK */
    VIRTIO_FAULT_CONFIG_ACCESS, /* ignore: config access of bad size, alignment or range */
    VIRTIO_FAULT_KINDS
};

/* Called with the running count of that kind; see virtio_fault_record() for when. */
typedef void virtio_log_fn(void *ctx, enum virtio_fault kind, uint64_t count, const char *what);

struct virtio_faults {
    uint64_t count[VIRTIO_FAULT_KINDS];
    virtio_log_fn *log; /* may be NULL */
    void *log_ctx;
    /* Called when the device must enter DEVICE_NEEDS_RESET (§2.1.2); may be NULL. */
    void (*needs_reset)(void *ctx);
    void *reset_ctx;
};

/*
 * Counts one fault and logs it when the count is a power of two (1, 2, 4, 8, ...): a
 * guest that repeats a mistake a million times costs twenty log lines, and the first
 * occurrence is always seen. No clock needed, so it works the same in every server.
 */
void virtio_fault_record(struct virtio_faults *faults, enum virtio_fault kind);

/* Records the fault, then asks for DEVICE_NEEDS_RESET. */
void virtio_fault_fatal(struct virtio_faults *faults, enum virtio_fault kind);

/* A short fixed description of a fault kind, for log lines. */
const char *virtio_fault_name(enum virtio_fault kind);
