/* The storage server's physical disk: a virtio-blk device behind any virtio transport (mmio
 * on AArch64, pci on x86_64), driven with libhv's driver side, as a struct storage_disk.
 * A READ's or WRITE's data moves once: the device reads or writes the guest's own buffers
 * (their bus addresses from the root task's table, one indirect descriptor table per request)
 * once the partition's RAM is known (vblk_disk_set_ram) and the device takes indirect
 * descriptors; otherwise, and for what has no guest buffer (the server's own reads, zeroes),
 * the server's own DMA buffers (one per request slot). */
#pragma once

#include "storage.h"

#include <hv/virtio/virtio_transport.h>
#include <hv/virtio/vq_driver.h>

/* One descriptor per request (an indirect table) or three (FLUSH, a bounced request): room
 * for STORAGE_IOS requests, and the longest chain a request on guest buffers may need. */
#define VBLK_QUEUE_SIZE 256u
#define VBLK_RINGS_BYTES 0x3000u /* the legacy layout of 256 entries: used ring at 8 KiB */
#define VBLK_HDRS_BYTES 0x1000u
/* A request's chain straight on guest buffers: header, status, and each data segment split at
 * the 2 MiB blocks its bus addresses change at (neighbours merged). No longer than the queue
 * (§2.7.5.3.1): a request that would need more goes through its bounce buffer. */
#define VBLK_CHAIN_MAX VBLK_QUEUE_SIZE
#define VBLK_TABLES_BYTES ((uint64_t)STORAGE_IOS * VBLK_CHAIN_MAX * 16u)
/* DMA memory a vblk_disk needs: rings, request headers, indirect tables, one bounce buffer
 * per request. */
#define VBLK_DMA_BYTES                                                                            \
    (VBLK_RINGS_BYTES + VBLK_HDRS_BYTES + VBLK_TABLES_BYTES + (uint64_t)STORAGE_IOS * BLK_MAX_BYTES)

/* A partition's RAM as the device sees it: the server's mapping of it and the bus address of
 * each 2 MiB block (0: none), in block order from va. */
struct vblk_ram {
    uintptr_t va;
    uint64_t size;
    const uint64_t *block_bus;
};

struct vblk_disk {
    struct virtio_transport *t;
    struct virtio_dma dma;
    struct vqd vq;
    struct vqd_slot slots[VBLK_QUEUE_SIZE];
    struct blk_io *inflight[STORAGE_IOS]; /* by request slot: the request's blk_io.index */
    /* Each request's buffers, built by vblk_disk_prepare for vblk_disk_post; direct[i]: on
     * the guest's buffers, through request slot i's indirect table. */
    struct vqd_buf bufs[STORAGE_IOS][VBLK_CHAIN_MAX];
    uint16_t nbufs[STORAGE_IOS];
    unsigned nout[STORAGE_IOS];
    bool direct[STORAGE_IOS];
    struct vqd_table tables[STORAGE_IOS]; /* a direct request's chain, filled by prepare */
    struct vblk_ram ram[SLICES_MAX]; /* by blk_io.part; block_bus NULL: bounce buffers */
    /* Where a request the device (or a failed post) answered goes: vblk_disk_finish at once,
     * unless vblk_disk_set_done says otherwise. */
    void (*done)(void *ctx, struct blk_io *io, bool ok);
    void *done_ctx;
    uint64_t capacity;                    /* sectors */
    bool flush;                           /* VIRTIO_BLK_F_FLUSH: the device has a write cache */
    bool write_zeroes;                    /* VIRTIO_BLK_F_WRITE_ZEROES negotiated */
    bool indirect;                        /* VIRTIO_F_INDIRECT_DESC negotiated */
    bool broken;                          /* the device lied: every request fails from now on */
    enum vqd_result why;
    uint64_t kicks, interrupts;
    /* By partition (each written by its thread alone): READs and WRITEs on the guest's
     * buffers, and through bounce buffers. */
    uint64_t direct_ios[SLICES_MAX], bounced_ios[SLICES_MAX];
};

/*
 * Brings the device up (features, capacity, queue 0, DRIVER_OK) in dma (VBLK_DMA_BYTES, page
 * aligned) and fills *disk for storage_init. Refuses a device whose logical blocks are not 512
 * bytes, that is read-only, or that is smaller than 6 sectors.
 */
enum virtio_drv_error vblk_disk_init(struct vblk_disk *v, struct virtio_transport *t,
                                     const struct virtio_dma *dma, struct storage_disk *disk);

/*
 * The server's own read, before it serves partitions (its GPT): sectors [lba, lba + count)
 * into buf through request slot 0's bounce buffer, count * 512 <= BLK_MAX_BYTES. Asks the
 * device for an interrupt and waits with wait(ctx) (for the interrupt, on target, which it
 * must acknowledge) before each look at the used ring, at most VBLK_READ_WAITS times. False if
 * the device fails it, lies or never answers, or a request of the pool is in flight.
 */
#define VBLK_READ_WAITS 1000u
bool vblk_disk_read(struct vblk_disk *v, uint64_t lba, uint32_t count, void *buf,
                    void (*wait)(void *ctx), void *ctx);

/* Partition part's RAM for the device (the table must outlive v); without it, or without
 * indirect descriptors, its data goes through the bounce buffers. False if part is out of
 * range or the table does not cover the mapping. */
bool vblk_disk_set_ram(struct vblk_disk *v, unsigned part, const struct vblk_ram *ram);

/* How many data segments (of BLK_SIZE_MAX) a request on guest buffers may have with this
 * device's queue (storage_set_seg_max); 0 without indirect descriptors. */
uint32_t vblk_disk_direct_seg_max(const struct vblk_disk *v);

/* The device's interrupt: acknowledges it and hands every request it returned to done. */
void vblk_disk_interrupt(struct vblk_disk *v);

/*
 * The disk's submit in two halves, for a server whose partitions' threads prepare requests
 * and one disk thread talks to the device (servers/storage/main.c):
 *  - prepare (the partition's thread): the request's header and its buffers: the guest's
 *    own, or (a write's data copied) the request slot's bounce buffer (blk_io.index's: no
 *    other thread touches it). False when the request is answered without the device (*ok:
 *    its answer);
 *  - post (the disk thread): the prepared buffers onto the device's queue; a refusal goes to
 *    done as a failure;
 *  - kick (the disk thread): the doorbell, once per batch, if the device wants it;
 *  - finish (the partition's thread, for what reached done): a bounced read's data into the
 *    guest, then storage_io_done.
 * vblk_disk_init's storage_disk does prepare + post in its submit and finish in done.
 */
bool vblk_disk_prepare(struct vblk_disk *v, struct blk_io *io, bool *ok);
void vblk_disk_post(struct vblk_disk *v, struct blk_io *io);
void vblk_disk_kick(struct vblk_disk *v);
void vblk_disk_finish(struct vblk_disk *v, struct blk_io *io, bool ok);
void vblk_disk_set_done(struct vblk_disk *v, void (*done)(void *ctx, struct blk_io *io, bool ok),
                        void *ctx);
