/* virtio-blk request decoding (blk_req.h): header, sizes, bounds, the slice's rights. */
#include "blk_req.h"

#include <hv/bytes.h>
#include <hv/string.h>
#include <hv/virtio/virtio_blk.h>

static enum blk_verdict done(struct blk_cmd *cmd, uint8_t status, uint64_t *counter)
{
    if (counter)
        (*counter)++;
    cmd->status = status;
    return BLK_DONE;
}

/* [sector, sector + n) inside the slice, computed without overflow. */
static bool in_slice(const struct slice *s, uint64_t sector, uint64_t n)
{
    return sector <= s->sectors && n <= s->sectors - sector;
}

/* IN and OUT: data is whole sectors, at most max_bytes, inside the slice. */
static enum blk_verdict data_cmd(const struct slice *s, uint64_t max_bytes, uint64_t sector,
                                 uint64_t bytes, enum blk_op op, struct blk_cmd *cmd,
                                 struct blk_stats *st)
{
    if (op == BLK_OP_WRITE && !s->writable)
        return done(cmd, VIRTIO_BLK_S_IOERR, &st->read_only);
    if (bytes % VIRTIO_BLK_SECTOR_SIZE != 0)
        return done(cmd, VIRTIO_BLK_S_IOERR, &st->malformed);
    if (bytes > max_bytes)
        return done(cmd, VIRTIO_BLK_S_IOERR, &st->too_large);
    uint64_t n = bytes / VIRTIO_BLK_SECTOR_SIZE;
    if (!in_slice(s, sector, n))
        return done(cmd, VIRTIO_BLK_S_IOERR, &st->out_of_range);
    if (n == 0)
        return done(cmd, VIRTIO_BLK_S_OK, NULL);
    cmd->op = op;
    cmd->lba = s->first_lba + sector;
    cmd->sectors = (uint32_t)n;
    return BLK_DISK;
}

/* DISCARD and WRITE_ZEROES carry one {le64 sector, le32 num_sectors, le32 flags} (we offer
 * max_*_seg = 1). DISCARD is a hint the server takes without touching the disk. */
static enum blk_verdict range_cmd(const struct virtq_req *req, const struct slice *s, uint32_t type,
                                  struct blk_cmd *cmd, struct blk_stats *st)
{
    if (!s->writable)
        return done(cmd, VIRTIO_BLK_S_IOERR, &st->read_only);
    if (req->readable_bytes != VIRTIO_BLK_REQ_HDR_SIZE + VIRTIO_BLK_DWZ_SIZE)
        return done(cmd, VIRTIO_BLK_S_IOERR, &st->malformed);
    uint8_t seg[VIRTIO_BLK_DWZ_SIZE];
    virtq_req_read(req, VIRTIO_BLK_REQ_HDR_SIZE, seg, sizeof(seg));
    uint64_t sector = hv_le64(seg);
    uint32_t n = hv_le32(seg + 8), flags = hv_le32(seg + 12);
    bool zero = type == VIRTIO_BLK_T_WRITE_ZEROES;
    if (flags & ~(zero ? VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0u))
        return done(cmd, VIRTIO_BLK_S_UNSUPP, &st->unsupported);
    if (n > (zero ? BLK_MAX_ZERO_SECTORS : BLK_MAX_DISCARD_SECTORS))
        return done(cmd, VIRTIO_BLK_S_IOERR, &st->too_large);
    if (!in_slice(s, sector, n))
        return done(cmd, VIRTIO_BLK_S_IOERR, &st->out_of_range);
    if (!zero || n == 0)
        return done(cmd, VIRTIO_BLK_S_OK, NULL);
    cmd->op = BLK_OP_ZERO;
    cmd->lba = s->first_lba + sector;
    cmd->sectors = n;
    return BLK_DISK;
}

static enum blk_verdict get_id(const struct virtq_req *req, const char *id, struct blk_cmd *cmd,
                               struct blk_stats *st)
{
    if (req->writable_bytes - 1 < VIRTIO_BLK_ID_BYTES)
        return done(cmd, VIRTIO_BLK_S_IOERR, &st->malformed);
    char buf[VIRTIO_BLK_ID_BYTES];
    memset(buf, 0, sizeof(buf));
    size_t len = strlen(id);
    memcpy(buf, id, len < sizeof(buf) ? len : sizeof(buf));
    cmd->written = (uint32_t)virtq_req_write(req, 0, buf, sizeof(buf));
    return done(cmd, VIRTIO_BLK_S_OK, NULL);
}

enum blk_verdict blk_req_decode(const struct virtq_req *req, const struct slice *slice,
                                uint64_t max_bytes, const char *id, struct blk_cmd *cmd,
                                struct blk_stats *st)
{
    *cmd = (struct blk_cmd){0};
    st->requests++;
    /* §5.2.6: the status is the last byte the device writes; without one there is no answer. */
    if (req->writable_bytes == 0) {
        st->malformed++;
        return BLK_DROP;
    }
    if (req->readable_bytes < VIRTIO_BLK_REQ_HDR_SIZE)
        return done(cmd, VIRTIO_BLK_S_IOERR, &st->malformed);
    uint8_t hdr[VIRTIO_BLK_REQ_HDR_SIZE];
    virtq_req_read(req, 0, hdr, sizeof(hdr));
    uint32_t type = hv_le32(hdr);
    uint64_t sector = hv_le64(hdr + 8);

    switch (type) {
    case VIRTIO_BLK_T_IN:
        return data_cmd(slice, max_bytes, sector, req->writable_bytes - 1, BLK_OP_READ, cmd, st);
    case VIRTIO_BLK_T_OUT:
        return data_cmd(slice, max_bytes, sector, req->readable_bytes - VIRTIO_BLK_REQ_HDR_SIZE,
                        BLK_OP_WRITE, cmd, st);
    case VIRTIO_BLK_T_FLUSH:
        cmd->op = BLK_OP_FLUSH;
        return BLK_DISK;
    case VIRTIO_BLK_T_GET_ID:
        return get_id(req, id, cmd, st);
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        return range_cmd(req, slice, type, cmd, st);
    default:
        return done(cmd, VIRTIO_BLK_S_UNSUPP, &st->unsupported);
    }
}
