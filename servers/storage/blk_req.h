/* Decoding one virtio-blk request against the partition's slice: everything the guest wrote
 * is checked here, and what comes out is either a disk operation inside the slice or an
 * answer given without touching the disk. */
#pragma once

#include "slices.h"

#include <hv/virtio/virtqueue.h>
#include <stdint.h>

/* What the server advertises and enforces (docs/storage.md). */
#define BLK_SEG_MAX 64u                             /* data segments of one request */
#define BLK_SIZE_MAX 4096u                          /* bytes of one segment */
#define BLK_MAX_BYTES (BLK_SEG_MAX * BLK_SIZE_MAX)  /* data bytes of one request: 256 KiB */
/* The same where the disk moves a partition's data itself (no bounce buffer to fit): about
 * 1 MiB a request, as many segments as a physical chain of 256 descriptors leaves room for
 * with the header, the status and a few splits at 2 MiB blocks (servers/storage/vblk_disk.c). */
#define BLK_DIRECT_SEG_MAX 248u
#define BLK_SEGS (BLK_DIRECT_SEG_MAX + 2u)          /* + header and status descriptors */
#define BLK_MAX_ZERO_SECTORS (BLK_MAX_BYTES / 512u) /* one WRITE_ZEROES: a bounce buffer, 256 KiB  \
                                                     */
#define BLK_MAX_DISCARD_SECTORS 0x400000u

enum blk_op { BLK_OP_READ, BLK_OP_WRITE, BLK_OP_FLUSH, BLK_OP_ZERO };

/* Per-partition counters of what its guest asked and got. */
struct blk_stats {
    uint64_t requests;
    uint64_t out_of_range; /* a sector outside the slice: IOERR, never at the disk */
    uint64_t read_only;    /* a write to a read-only slice: IOERR */
    uint64_t unsupported;  /* an unknown type or flag: UNSUPP */
    uint64_t malformed;   /* no status byte, short header, sizes not whole sectors: IOERR/dropped */
    uint64_t too_large;   /* more data than BLK_MAX_BYTES: IOERR */
    uint64_t stale;       /* completed after the guest reset the device: dropped */
    uint64_t disk_errors; /* the disk failed an operation: IOERR */
};

enum blk_verdict {
    BLK_DISK, /* cmd describes a disk operation */
    BLK_DONE, /* answer cmd->status now, having written cmd->written data bytes */
    BLK_DROP, /* no room for a status byte: return the buffers with nothing written */
};

struct blk_cmd {
    enum blk_op op;
    uint64_t lba;     /* absolute disk sector (slice base added, bounds checked) */
    uint32_t sectors; /* 0 for FLUSH */
    uint8_t status;   /* BLK_DONE */
    uint32_t written; /* BLK_DONE: data bytes already written to the guest (GET_ID) */
};

/* Decodes req (already checked by libhv: every segment in guest memory) for slice, whose
 * READs and WRITEs carry at most max_bytes of data. Counts refusals in stats. id is the GET_ID
 * answer (VIRTIO_BLK_ID_BYTES, NUL-padded). */
enum blk_verdict blk_req_decode(const struct virtq_req *req, const struct slice *slice,
                                uint64_t max_bytes, const char *id, struct blk_cmd *cmd,
                                struct blk_stats *stats);
