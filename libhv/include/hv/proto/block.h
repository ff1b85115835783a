/* The block protocol between a partition's VMM and the storage server (docs/storage.md): the
 * VMM runs the virtio-mmio transport of the partition's virtio-blk device, the server runs the
 * device (its queue, in the partition's RAM that it maps) and completes requests itself. */
#pragma once

#include <hv/proto/vdev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HV_BLK_VERSION 1u

/* The calls, doorbell and completion bits are every device server's (hv/proto/vdev.h); what
 * follows is the block device's own: HV_VDEV_OPEN's words and reply, its limits, its counters. */

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

_Static_assert(sizeof(struct hv_blk_open) == 8 * HV_BLK_OPEN_WORDS, "one word per field");
_Static_assert(sizeof(struct hv_blk_open_reply) == 8 * HV_BLK_OPEN_REPLY_WORDS, "");

/* Decoders: the words of a message of len words, checked for length before any is read. */
static inline bool hv_blk_open_decode(const uint64_t *w, unsigned len, struct hv_blk_open *m)
{
    if (len != HV_BLK_OPEN_WORDS)
        return false;
    m->version = w[0];
    return true;
}

/* The shared page: struct hv_vdev_shared's words first, then the block device's counters. */
struct hv_blk_shared {
    uint32_t version; /* HV_BLK_VERSION, written by the server */
    uint32_t irq;     /* HV_VDEV_IRQ_* bits: server ORs (release), VMM exchanges (acquire) */
    uint32_t reserved[14];
    /* The server's counters for this partition (docs/storage.md), for the VMM's log. */
    uint64_t requests;
    uint64_t out_of_range; /* sectors outside the slice: VIRTIO_BLK_S_IOERR, disk untouched */
    uint64_t read_only;    /* writes to a read-only slice: VIRTIO_BLK_S_IOERR */
    uint64_t malformed;    /* requests without room for a status byte, bad sizes */
    /* What the request path cost, since the server started (docs/storage.md, "Benchmark"):
     * wakeups and disk_irqs are the whole server's, the others this partition's. Appended:
     * a VMM that knows only the fields above reads the same page. */
    uint64_t doorbell_wakeups;   /* its thread's wake-ups carrying this partition's doorbell */
    uint64_t completion_signals; /* signals of this partition's VMM notification */
    uint64_t wakeups;            /* signals between the server's threads: a client thread's
                                  * kick of the disk thread, the disk thread's wake-up of a
                                  * client thread (docs/storage.md, "Benchmark") */
    uint64_t disk_irqs;          /* the disk thread's wake-ups carrying the disk's interrupt */
    /* Where a request's time goes inside the server (docs/storage.md, "The request path and
     * its hops"), in the server's hv_cycles (nanoseconds on AArch64 without -icount, TSC
     * ticks on x86_64), summed over `timed` requests of this partition that went to the
     * disk: in, from the wake-up of its thread that found it to the disk thread handing it to
     * the disk; device, from there to the disk thread seeing it in the used ring; out, from
     * there to its thread finishing it in the guest's used ring. */
    uint64_t timed, in_cycles, device_cycles, out_cycles;
    /* The two hops through the VMM, in the same cycles: kick_at is when the VMM rang the
     * doorbell (it writes it first), signal_at when the server signalled the VMM's event
     * notification; kick_cycles sums, over kicks_timed wake-ups of the partition's thread
     * that carried its doorbell, the time from the last kick_at to that wake-up. */
    uint64_t kick_at, signal_at, kicks_timed, kick_cycles;
};
_Static_assert(offsetof(struct hv_blk_shared, irq) == offsetof(struct hv_vdev_shared, irq) &&
                   offsetof(struct hv_blk_shared, requests) == sizeof(struct hv_vdev_shared),
               "the shared page starts as every device's");
