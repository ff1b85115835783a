/* The storage server's logic (storage.h): exports, the request pool, fair passes, completion. */
#include "storage.h"

#include <hv/fmt.h>
#include <hv/string.h>
#include <hv/virtio/virtio_blk.h>
#include <hv/virtio/virtio_spec.h>

bool storage_init(struct storage *s, const struct storage_disk *disk,
                  const struct storage_hooks *hooks, const struct slice *slices,
                  const struct virtio_mem *mems, uint32_t nparts)
{
    memset(s, 0, sizeof(*s));
    if (nparts == 0 || nparts > SLICES_MAX || disk->submit == NULL)
        return false;
    s->disk = *disk;
    s->hooks = *hooks;
    s->nparts = nparts;
    s->quota = STORAGE_IOS / nparts;
    for (uint32_t i = 0; i < nparts; i++) {
        struct blk_export *e = &s->parts[i];
        const struct slice *sl = &slices[i];
        if (sl->sectors == 0 || sl->first_lba > disk->sectors ||
            sl->sectors > disk->sectors - sl->first_lba ||
            virtio_mem_check(&mems[i]) != VIRTIO_MEM_OK)
            return false;
        e->slice = *sl;
        e->mem = mems[i];
        e->seg_max = BLK_SEG_MAX;
        fmt_snprintf(e->id, sizeof(e->id), "duet-%s", sl->partition);
        e->faults.log = hooks->log;
        e->faults.log_ctx = hooks->ctx;
    }
    for (uint32_t i = 0; i < STORAGE_IOS; i++) {
        s->ios[i].server = s;
        s->ios[i].index = (uint8_t)i;
    }
    return true;
}

bool storage_open(struct storage *s, unsigned part, const struct hv_blk_open *m,
                  struct hv_blk_open_reply *reply)
{
    if (part >= s->nparts || m->version != HV_BLK_VERSION)
        return false;
    const struct slice *sl = &s->parts[part].slice;
    uint64_t f = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
                 VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
    if (sl->writable)
        f |= VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
    else
        f |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
    *reply = (struct hv_blk_open_reply){
        .version = HV_BLK_VERSION,
        .capacity = sl->sectors,
        .features = f,
        .seg_limits = s->parts[part].seg_max | (uint64_t)BLK_SIZE_MAX << 32,
        .queue_num_max = STORAGE_QUEUE_MAX,
    };
    return true;
}

enum storage_setup_result storage_queue_setup(struct storage *s, unsigned part,
                                              const struct hv_vdev_queue_setup *m)
{
    if (part >= s->nparts || hv_vdev_queue_index(m) != 0 || hv_vdev_queue_size(m) > STORAGE_QUEUE_MAX)
        return STORAGE_SETUP_BAD_QUEUE;
    struct blk_export *e = &s->parts[part];
    if (e->vq.ready)
        return STORAGE_SETUP_LIVE;
    struct virtq_config cfg = {.size = hv_vdev_queue_size(m),
                               .desc = m->desc,
                               .driver = m->driver,
                               .device = m->device,
                               .features = m->features};
    if (virtq_init(&e->vq, &cfg, &e->mem, &e->faults) != VIRTQ_SETUP_OK) {
        virtq_reset(&e->vq);
        return STORAGE_SETUP_BAD_RING;
    }
    e->pending = true; /* a driver may have queued requests before its first kick */
    e->pushed = false;
    return STORAGE_SETUP_OK;
}

bool storage_set_seg_max(struct storage *s, unsigned part, uint32_t seg_max)
{
    if (part >= s->nparts || seg_max < 1 || seg_max > BLK_DIRECT_SEG_MAX)
        return false;
    s->parts[part].seg_max = seg_max;
    return true;
}

void storage_reset(struct storage *s, unsigned part)
{
    if (part >= s->nparts)
        return;
    struct blk_export *e = &s->parts[part];
    /* A new epoch: requests at the disk are recognised as stale when they come back. */
    virtq_reset(&e->vq);
    e->pending = false;
    e->pushed = false;
}

void storage_notify(struct storage *s, unsigned part)
{
    if (part < s->nparts)
        s->parts[part].pending = true;
}

/* A free request of part's share of the pool. */
static struct blk_io *io_get(struct storage *s, unsigned part)
{
    for (uint32_t i = part * s->quota; i < (part + 1) * s->quota; i++) {
        if (!s->ios[i].busy)
            return &s->ios[i];
    }
    return NULL;
}

static bool io_current(const struct blk_io *io)
{
    const struct virtq *vq = &io->server->parts[io->part].vq;
    return vq->ready && !vq->broken && vq->epoch == io->req.epoch;
}

/* The answer: the status byte is the last writable byte (§5.2.6), then the used entry. */
static void complete(struct blk_export *e, const struct virtq_req *req, uint8_t status,
                     uint32_t data_written)
{
    virtq_req_write(req, req->writable_bytes - 1, &status, 1);
    virtq_push(&e->vq, req, data_written + 1);
    e->pushed = true;
}

void storage_io_done(struct blk_io *io, bool ok)
{
    struct storage *s = io->server;
    struct blk_export *e = &s->parts[io->part];
    if (!io->busy)
        return; /* a disk reporting twice: the first report stands */
    e->inflight--;
    io->busy = false;
    if (!io_current(io)) {
        e->stats.stale++;
        return;
    }
    if (!ok)
        e->stats.disk_errors++;
    uint32_t data = ok && io->op == BLK_OP_READ ? io->sectors * VIRTIO_BLK_SECTOR_SIZE : 0;
    complete(e, &io->req, ok ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR, data);
    /* Room at the disk again: the partition may have requests waiting for it. */
    e->pending = true;
}

size_t blk_io_from_guest(const struct blk_io *io, uint64_t offset, void *dst, size_t n)
{
    return virtq_req_read(&io->req, VIRTIO_BLK_REQ_HDR_SIZE + offset, dst, n);
}

size_t blk_io_to_guest(struct blk_io *io, uint64_t offset, const void *src, size_t n)
{
    uint64_t data = (uint64_t)io->sectors * VIRTIO_BLK_SECTOR_SIZE;
    if (!io_current(io) || io->op != BLK_OP_READ || offset > data)
        return 0;
    if (n > data - offset)
        n = (size_t)(data - offset);
    return virtq_req_write(&io->req, offset, src, n);
}

bool blk_io_data_pieces(const struct blk_io *io, blk_piece_fn *fn, void *ctx)
{
    const struct virtq_req *r = &io->req;
    bool write = io->op == BLK_OP_WRITE;
    if (!write && io->op != BLK_OP_READ)
        return false;
    /* A write's data follows the header in the readable part; a read's opens the writable
     * part, before the status byte (blk_req_decode checked both sizes). */
    uint32_t first = write ? 0 : r->nreadable, count = write ? r->nreadable : r->nwritable;
    uint64_t skip = write ? VIRTIO_BLK_REQ_HDR_SIZE : 0;
    uint64_t left = (uint64_t)io->sectors * VIRTIO_BLK_SECTOR_SIZE;
    for (uint32_t k = first; k < first + count && left; k++) {
        const struct virtq_seg *g = &r->segs[k];
        if (skip >= g->len) {
            skip -= g->len;
            continue;
        }
        uint64_t n = g->len - skip;
        if (n > left)
            n = left;
        if (!fn(ctx, (uint8_t *)g->addr + skip, (uint32_t)n))
            return false;
        left -= n;
        skip = 0;
    }
    return left == 0;
}

/* Takes and starts one request of part; false when its ring is empty or stopped. */
static bool take_one(struct storage *s, unsigned part, struct blk_io *io)
{
    struct blk_export *e = &s->parts[part];
    io->req = (struct virtq_req){.segs = io->segs, .capacity = BLK_SEGS};
    switch (virtq_pop(&e->vq, &io->req)) {
    case VIRTQ_POP_REQUEST:
        break;
    case VIRTQ_POP_DROPPED:
        e->pushed = true; /* libhv returned a malformed chain */
        return true;
    case VIRTQ_POP_BROKEN:
        s->hooks.irq(s->hooks.ctx, part, HV_VDEV_IRQ_NEEDS_RESET);
        return false;
    default:
        return false;
    }
    struct blk_cmd cmd;
    switch (blk_req_decode(&io->req, &e->slice, (uint64_t)e->seg_max * BLK_SIZE_MAX, e->id, &cmd,
                           &e->stats)) {
    case BLK_DROP:
        virtq_push(&e->vq, &io->req, 0);
        e->pushed = true;
        return true;
    case BLK_DONE:
        complete(e, &io->req, cmd.status, cmd.written);
        return true;
    case BLK_DISK:
        break;
    }
    io->op = cmd.op;
    io->lba = cmd.lba;
    io->sectors = cmd.sectors;
    io->part = (uint8_t)part;
    io->busy = true;
    e->inflight++;
    e->submitted = true;
    s->disk.submit(s->disk.ctx, io);
    return true;
}

/* Up to STORAGE_BATCH requests of one partition, within its quota at the disk. */
static void serve(struct storage *s, unsigned part)
{
    struct blk_export *e = &s->parts[part];
    for (uint32_t n = 0; n < STORAGE_BATCH; n++) {
        struct blk_io *io = io_get(s, part);
        if (e->inflight >= s->quota || io == NULL) {
            e->pending = true; /* the next completion brings it back */
            return;
        }
        if (!take_one(s, part, io))
            return; /* empty or stopped */
    }
    /* The batch is used up and the ring may hold more: the next pass comes back. */
    e->pending = true;
}

/* After part's share of a pass: one doorbell for what it sent, and its interrupt if its
 * driver wants one; true if it has work it may start now. */
static bool finish_pass(struct storage *s, unsigned part)
{
    struct blk_export *e = &s->parts[part];
    if (e->submitted && s->disk.kick)
        s->disk.kick(s->disk.ctx);
    e->submitted = false;
    if (e->pushed && virtq_should_notify(&e->vq))
        s->hooks.irq(s->hooks.ctx, part, HV_VDEV_IRQ_USED);
    e->pushed = false;
    return e->pending && e->vq.ready && !e->vq.broken && e->inflight < s->quota;
}

static bool has_work(const struct blk_export *e)
{
    return e->pending && e->vq.ready && !e->vq.broken;
}

bool storage_run(struct storage *s)
{
    uint32_t start = s->next;
    s->next = (s->next + 1) % s->nparts;
    bool submitted = false;
    for (uint32_t k = 0; k < s->nparts; k++) {
        unsigned part = (start + k) % s->nparts;
        struct blk_export *e = &s->parts[part];
        if (has_work(e)) {
            e->pending = false;
            serve(s, part);
        }
        submitted = submitted || e->submitted;
        e->submitted = false;
    }
    if (submitted && s->disk.kick)
        s->disk.kick(s->disk.ctx);
    bool more = false;
    for (uint32_t part = 0; part < s->nparts; part++)
        more = finish_pass(s, part) || more;
    return more;
}

bool storage_run_part(struct storage *s, unsigned part)
{
    if (part >= s->nparts)
        return false;
    struct blk_export *e = &s->parts[part];
    if (has_work(e)) {
        e->pending = false;
        serve(s, part);
    }
    return finish_pass(s, part);
}
