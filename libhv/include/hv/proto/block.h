/* The block protocol between a partition's VMM and the storage server (docs/storage.md): the
 * VMM runs the virtio-mmio transport of the partition's virtio-blk device, the server runs the
 * device (its queue, in the partition's RAM that it maps) and completes requests itself. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define HV_BLK_VERSION 1u

/*
 * Calls on the storage server's endpoint; the badge of the VMM's cap names the partition (the
 * root task gives each VMM one badged cap, so a VMM can only speak for its own partition). The
 * message words are the structs below, one uint64_t per word; the reply's label is 0 or an
 * enum hv_error, with words only where a reply struct is declared.
 */
enum hv_blk_label {
    /* First call, before the guest sees the device: agree on the version, learn the disk.
     * Words: struct hv_blk_open. Reply: struct hv_blk_open_reply. */
    HV_BLK_OPEN = 1,
    /* The guest made queue 0 ready (QueueReady = 1 after the driver wrote its registers).
     * Words: struct hv_blk_queue_setup. The server checks the rings against the partition's
     * RAM; a refused queue is HV_EINVAL and the VMM sets DEVICE_NEEDS_RESET. */
    HV_BLK_QUEUE_SETUP = 2,
    /* The guest wrote 0 to Status. No words. The server stops the queue before replying:
     * requests still at the disk complete to nothing, and the guest's rings and buffers are
     * not touched again until the next HV_BLK_QUEUE_SETUP. */
    HV_BLK_RESET = 3,
};

/* QueueNotify is no call: the VMM signals the server's notification through the badged cap the
 * root task gave it (badge bit = HV_BLK_DOORBELL(partition)), so a guest's kick never waits on
 * the server, and many kicks before the server runs cost one wake-up. */
#define HV_BLK_DOORBELL(partition) (UINT64_C(1) << (partition))
#define HV_BLK_MAX_CLIENTS 8u

struct hv_blk_open {
    uint64_t version; /* HV_BLK_VERSION */
};
#define HV_BLK_OPEN_WORDS 1u

/* What the VMM puts in the device's registers and config space. */
struct hv_blk_open_reply {
    uint64_t version;       /* HV_BLK_VERSION; a VMM of another version stops here */
    uint64_t capacity;      /* the slice's size in 512-byte sectors (config capacity) */
    uint64_t features;      /* VIRTIO_BLK_F_* the device offers (transport bits are the VMM's) */
    uint64_t seg_limits;    /* seg_max (bits 0..31) and size_max (bits 32..63) */
    uint64_t queue_num_max; /* largest queue the server takes */
};
#define HV_BLK_OPEN_REPLY_WORDS 5u

/* What one DISCARD or WRITE_ZEROES request may cover (the server's limits: one range per
 * request, a WRITE_ZEROES through one 256 KiB bounce buffer). The VMM writes them into the
 * configuration space when the server offers the feature. */
#define HV_BLK_DISCARD_SECTORS_MAX 0x400000u
#define HV_BLK_WRITE_ZEROES_SECTORS_MAX 512u
#define HV_BLK_DWZ_SEGS_MAX 1u

struct hv_blk_queue_setup {
    uint64_t queue;    /* bits 0..15 the queue index (0), bits 16..31 its size (QueueNum) */
    uint64_t desc;     /* guest-physical QueueDesc */
    uint64_t driver;   /* QueueDriver (available ring) */
    uint64_t device;   /* QueueDevice (used ring) */
    uint64_t features; /* what the driver accepted (INDIRECT_DESC, EVENT_IDX matter here) */
};
#define HV_BLK_QUEUE_SETUP_WORDS 5u

_Static_assert(sizeof(struct hv_blk_open) == 8 * HV_BLK_OPEN_WORDS, "one word per field");
_Static_assert(sizeof(struct hv_blk_open_reply) == 8 * HV_BLK_OPEN_REPLY_WORDS, "");
_Static_assert(sizeof(struct hv_blk_queue_setup) == 8 * HV_BLK_QUEUE_SETUP_WORDS, "");

/* Decoders: the words of a message of len words, checked for length before any is read. */
static inline bool hv_blk_open_decode(const uint64_t *w, unsigned len, struct hv_blk_open *m)
{
    if (len != HV_BLK_OPEN_WORDS)
        return false;
    m->version = w[0];
    return true;
}

static inline bool hv_blk_queue_setup_decode(const uint64_t *w, unsigned len,
                                             struct hv_blk_queue_setup *m)
{
    if (len != HV_BLK_QUEUE_SETUP_WORDS)
        return false;
    *m = (struct hv_blk_queue_setup){w[0], w[1], w[2], w[3], w[4]};
    return true;
}

static inline uint16_t hv_blk_queue_index(const struct hv_blk_queue_setup *m)
{
    return (uint16_t)m->queue;
}

static inline uint32_t hv_blk_queue_size(const struct hv_blk_queue_setup *m)
{
    return (uint32_t)(m->queue >> 16) & 0xffffu;
}

/*
 * Completion: the server writes the used ring itself and then asks for the interrupt through
 * a page it shares with the VMM (one per partition, mapped read-write in both), ORing bits
 * into irq and signalling the VMM's notification. The VMM takes the bits with an atomic
 * exchange to 0 and raises them in the transport (InterruptStatus, the line; NEEDS_RESET sets
 * DEVICE_NEEDS_RESET and a configuration change interrupt).
 */
#define HV_BLK_IRQ_USED 1u        /* a used buffer notification the driver asked for */
#define HV_BLK_IRQ_NEEDS_RESET 2u /* the server stopped the queue: the ring is corrupt */

struct hv_blk_shared {
    uint32_t version; /* HV_BLK_VERSION, written by the server */
    uint32_t irq;     /* HV_BLK_IRQ_* bits: server ORs (release), VMM exchanges (acquire) */
    uint32_t reserved[14];
    /* The server's counters for this partition (docs/storage.md), for the VMM's log. */
    uint64_t requests;
    uint64_t out_of_range; /* sectors outside the slice: VIRTIO_BLK_S_IOERR, disk untouched */
    uint64_t read_only;    /* writes to a read-only slice: VIRTIO_BLK_S_IOERR */
    uint64_t malformed;    /* requests without room for a status byte, bad sizes */
    /* What the request path cost, since the server started (docs/storage.md, "Benchmark"):
     * wakeups and disk_irqs are the whole server's, the others this partition's. Appended:
     * a VMM that knows only the fields above reads the same page. */
    uint64_t doorbell_wakeups;   /* event-thread wake-ups carrying this partition's doorbell */
    uint64_t completion_signals; /* signals of this partition's VMM notification */
    uint64_t wakeups;            /* event-thread wake-ups, each one call to the main thread */
    uint64_t disk_irqs;          /* wake-ups carrying the disk's interrupt */
};
