/* The storage server's logic, free of system calls so the host tests and fuzzers drive it:
 * one virtio-blk device per partition over its slice of one disk, requests checked and sent
 * to the disk, completions pushed back, fair service between partitions. */
#pragma once

#include "blk_req.h"
#include "slices.h"

#include <hv/proto/block.h>
#include <hv/virtio/virtio_blk.h>
#include <hv/virtio/virtio_faults.h>
#include <hv/virtio/virtio_mem.h>
#include <hv/virtio/virtqueue.h>
#include <stdbool.h>
#include <stdint.h>

#define STORAGE_IOS 32u   /* requests at the disk at once, all partitions together */
#define STORAGE_BATCH 16u /* requests one partition may start per pass */
#define STORAGE_QUEUE_MAX 256u

struct storage;

/* One request on its way through the disk. */
struct blk_io {
    enum blk_op op;
    uint64_t lba;
    uint32_t sectors;
    struct virtq_req req;
    struct virtq_seg segs[BLK_SEGS];
    struct storage *server;
    /* hv_cycles at its thread's wake-up, the disk's taking it and its answer (0: untimed;
     * main.c's hop figures) */
    uint64_t t_wake, t_posted, t_used;
    uint8_t index; /* its place in the pool: the disk's request slot (header, bounce buffer) */
    uint8_t part;
    bool busy;
};

/* The physical disk, behind a driver (virtio-blk over virtio-mmio or -pci) or a model. */
struct storage_disk {
    uint64_t sectors;
    /* Starts io; the disk calls storage_io_done(io, ok) when it is done, possibly before
     * submit returns. At most STORAGE_IOS are in flight. FLUSH must not complete before
     * every write completed before it is durable. */
    void (*submit)(void *ctx, struct blk_io *io);
    /* Optional: called after each pass that submitted something, so a driver tells its
     * device once per batch (one doorbell write, not one per request). */
    void (*kick)(void *ctx);
    void *ctx;
};

/* What the server asks of the rest of the system (IPC and notifications on target). */
struct storage_hooks {
    void (*irq)(void *ctx, unsigned part, uint32_t bits); /* HV_VDEV_IRQ_* for part's VMM */
    virtio_log_fn *log;                                   /* a guest's faults; may be NULL */
    void *ctx;
};

/* One partition's virtio-blk device. */
struct blk_export {
    struct slice slice;
    char id[VIRTIO_BLK_ID_BYTES + 1]; /* GET_ID: "duet-" + the partition name */
    struct virtio_mem mem;            /* the partition's RAM as the server maps it */
    struct virtq vq;
    struct virtio_faults faults;
    uint32_t inflight; /* its requests at the disk */
    bool pending;      /* its ring may hold requests not yet taken */
    bool pushed;       /* used entries since the last interrupt decision */
    bool submitted;    /* requests went to the disk in this pass */
    struct blk_stats stats;
    uint32_t seg_max; /* data segments of one request (of BLK_SIZE_MAX), offered at OPEN */
};

struct storage {
    struct storage_disk disk;
    struct storage_hooks hooks;
    uint32_t nparts;
    uint32_t next;  /* where the next pass starts: round robin */
    uint32_t quota; /* requests at the disk per partition */
    struct blk_export parts[SLICES_MAX];
    /* Partition p's requests use ios[p * quota .. (p + 1) * quota) only, so that a server
     * with one thread per partition (servers/storage/main.c) needs no lock for them. */
    struct blk_io ios[STORAGE_IOS];
};

/* Sets up the server for nparts slices (each inside the disk) and their partitions' RAM;
 * false if a slice leaves the disk or a memory table is unusable. */
bool storage_init(struct storage *s, const struct storage_disk *disk,
                  const struct storage_hooks *hooks, const struct slice *slices,
                  const struct virtio_mem *mems, uint32_t nparts);

/* Raises part's request size (BLK_SEG_MAX segments by default, what a bounce buffer holds) to
 * seg_max <= BLK_DIRECT_SEG_MAX, for a disk that moves the partition's data itself (a driver
 * learns it at its next OPEN). False if out of range. */
bool storage_set_seg_max(struct storage *s, unsigned part, uint32_t seg_max);

/* HV_VDEV_OPEN for part: fills the reply; false (HV_EINVAL) for another version. */
bool storage_open(struct storage *s, unsigned part, const struct hv_blk_open *m,
                  struct hv_blk_open_reply *reply);

enum storage_setup_result {
    STORAGE_SETUP_OK = 0,
    STORAGE_SETUP_BAD_QUEUE = -1, /* queue index not 0, or size above STORAGE_QUEUE_MAX */
    STORAGE_SETUP_LIVE = -2,      /* the queue is already running: reset first */
    STORAGE_SETUP_BAD_RING = -3,  /* libhv refused the ring placement or size */
};

/* HV_VDEV_QUEUE_SETUP for part. */
enum storage_setup_result storage_queue_setup(struct storage *s, unsigned part,
                                              const struct hv_vdev_queue_setup *m);

/* HV_VDEV_RESET for part: the queue stops; requests at the disk complete to nothing. A disk
 * that moves data straight to or from the guest's memory may still do so until they are back
 * (parts[part].inflight 0): the caller answers the reset only then (servers/storage/main.c). */
void storage_reset(struct storage *s, unsigned part);

/* A doorbell from part's VMM. */
void storage_notify(struct storage *s, unsigned part);

/*
 * One fair pass: every partition with work takes up to STORAGE_BATCH requests, within its
 * quota of STORAGE_IOS / nparts at the disk, starting from a different partition each pass;
 * then interrupts are asked for where the drivers want them. Returns true if work was left
 * (call again after other events; the work per call is bounded either way).
 */
bool storage_run(struct storage *s);

/*
 * The same pass for part alone: what a thread that serves one partition calls. It touches
 * that partition's export and its share of the pool only (and calls the disk's submit and
 * kick), so threads serving different partitions may run it at once.
 */
bool storage_run_part(struct storage *s, unsigned part);

/* For the disk: the data of a WRITE (guest bytes after the header), and a READ's data into
 * the guest (refused, 0, once the guest reset the device: its memory is its own again). */
size_t blk_io_from_guest(const struct blk_io *io, uint64_t offset, void *dst, size_t n);
size_t blk_io_to_guest(struct blk_io *io, uint64_t offset, const void *src, size_t n);

/* The data buffers of a READ or WRITE in the guest's memory as the server maps it, in order,
 * each piece handed to fn: what a disk that moves the data itself (by DMA) needs instead of
 * the two copies above. False if io is neither, or fn refused a piece. */
typedef bool blk_piece_fn(void *ctx, void *addr, uint32_t len);
bool blk_io_data_pieces(const struct blk_io *io, blk_piece_fn *fn, void *ctx);

/* The disk finished io; ok false answers VIRTIO_BLK_S_IOERR. */
void storage_io_done(struct blk_io *io, bool ok);
