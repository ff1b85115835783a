/* The physical virtio-blk disk (vblk_disk.h): requests from the pool go out through bounce
 * buffers, completions come back checked by libhv's driver-side queue. */
#include "vblk_disk.h"

#include <hv/bytes.h>
#include <hv/proto/device.h>
#include <hv/string.h>
#include <hv/virtio/virtio_blk.h>
#include <hv/virtio/virtio_spec.h>

/* Per request slot i: a 16-byte header and a status byte at VBLK_RINGS_BYTES + 32 * i. */
#define HDR_STRIDE 32u

static uint8_t *hdr_va(struct vblk_disk *v, unsigned i)
{
    return (uint8_t *)v->dma.va + VBLK_RINGS_BYTES + HDR_STRIDE * i;
}

static uint64_t hdr_pa(const struct vblk_disk *v, unsigned i)
{
    return v->dma.pa + VBLK_RINGS_BYTES + HDR_STRIDE * i;
}

/* Request slot i's indirect table, for a chain on the guest's buffers. */
static struct virtio_dma table_of(const struct vblk_disk *v, unsigned i)
{
    uint64_t at = VBLK_RINGS_BYTES + VBLK_HDRS_BYTES + (uint64_t)VBLK_CHAIN_MAX * 16u * i;
    return (struct virtio_dma){(uint8_t *)v->dma.va + at, v->dma.pa + at, VBLK_CHAIN_MAX * 16u};
}

#define BOUNCE_AT (VBLK_RINGS_BYTES + VBLK_HDRS_BYTES + VBLK_TABLES_BYTES)

static uint8_t *bounce_va(struct vblk_disk *v, unsigned i)
{
    return (uint8_t *)v->dma.va + BOUNCE_AT + (uint64_t)BLK_MAX_BYTES * i;
}

static uint64_t bounce_pa(const struct vblk_disk *v, unsigned i)
{
    return v->dma.pa + BOUNCE_AT + (uint64_t)BLK_MAX_BYTES * i;
}

static uint32_t device_type(enum blk_op op, bool write_zeroes)
{
    switch (op) {
    case BLK_OP_READ:
        return VIRTIO_BLK_T_IN;
    case BLK_OP_WRITE:
        return VIRTIO_BLK_T_OUT;
    case BLK_OP_FLUSH:
        return VIRTIO_BLK_T_FLUSH;
    case BLK_OP_ZERO:
        return write_zeroes ? VIRTIO_BLK_T_WRITE_ZEROES : VIRTIO_BLK_T_OUT;
    }
    return VIRTIO_BLK_T_IN;
}

#define BLOCK_BYTES (UINT64_C(1) << HV_DEVICE_RAM_BLOCK_BITS)

/* The chain of a request on the guest's buffers, as blk_io_data_pieces hands them over. */
struct chain {
    const struct vblk_ram *ram;
    struct vqd_buf *bufs;
    unsigned n, max; /* descriptors so far, and at most (the status included) */
};

/* One piece of guest data: its bus address block by block, merged with the piece before
 * where the device sees them one after the other. Refused (the request then bounces) outside
 * the partition's RAM, where a block has no bus address, or past the chain's room (the
 * status descriptor still to come). */
static bool add_piece(void *ctx, void *addr, uint32_t len)
{
    struct chain *c = ctx;
    uintptr_t a = (uintptr_t)addr;
    if (a < c->ram->va || a - c->ram->va > c->ram->size || len > c->ram->size - (a - c->ram->va))
        return false;
    uint64_t off = a - c->ram->va;
    while (len) {
        uint64_t in_block = BLOCK_BYTES - (off & (BLOCK_BYTES - 1));
        uint32_t n = len < in_block ? len : (uint32_t)in_block;
        uint64_t base = c->ram->block_bus[off >> HV_DEVICE_RAM_BLOCK_BITS];
        if (base == 0)
            return false;
        uint64_t bus = base + (off & (BLOCK_BYTES - 1));
        struct vqd_buf *last = &c->bufs[c->n - 1];
        if (c->n > 1 && last->pa + last->len == bus && last->len <= UINT32_MAX - n)
            last->len += n;
        else if (c->n + 1 < c->max)
            c->bufs[c->n++] = (struct vqd_buf){bus, n};
        else
            return false;
        off += n;
        len -= n;
    }
    return true;
}

/* A READ or WRITE as header, the guest's own buffers, status; false if it must bounce. */
static bool build_direct(struct vblk_disk *v, unsigned i, struct blk_io *io)
{
    const struct vblk_ram *ram = io->part < SLICES_MAX ? &v->ram[io->part] : NULL;
    if (!v->indirect || ram == NULL || ram->block_bus == NULL ||
        (io->op != BLK_OP_READ && io->op != BLK_OP_WRITE))
        return false;
    unsigned max = v->vq.size < VBLK_CHAIN_MAX ? v->vq.size : VBLK_CHAIN_MAX;
    struct chain c = {ram, v->bufs[i], 1, max};
    c.bufs[0] = (struct vqd_buf){hdr_pa(v, i), VIRTIO_BLK_REQ_HDR_SIZE};
    if (!blk_io_data_pieces(io, add_piece, &c))
        return false;
    c.bufs[c.n++] = (struct vqd_buf){hdr_pa(v, i) + 16, 1};
    v->nbufs[i] = (uint16_t)c.n;
    v->nout[i] = io->op == BLK_OP_READ ? 1 : c.n - 1;
    /* The table is written here, on the partition's budget: the disk thread only makes it
     * available. */
    struct virtio_dma table = table_of(v, i);
    return vqd_indirect_fill(&table, c.bufs, v->nout[i], c.n - v->nout[i], &v->tables[i]) ==
           VQD_OK;
}

/* The buffers of one request: header, data (or the write-zeroes segment), status. */
static void write_header(struct vblk_disk *v, unsigned i, const struct blk_io *io)
{
    uint8_t *h = hdr_va(v, i);
    hv_put_le32(h, device_type(io->op, v->write_zeroes));
    hv_put_le32(h + 4, 0);
    hv_put_le64(h + 8, io->op == BLK_OP_FLUSH ? 0 : io->lba);
    h[16] = 0xff; /* the status, until the device writes one */
}

static unsigned build(struct vblk_disk *v, unsigned i, struct blk_io *io, struct vqd_buf b[3],
                      unsigned *out)
{
    uint32_t n = io->sectors * VIRTIO_BLK_SECTOR_SIZE;
    b[0] = (struct vqd_buf){hdr_pa(v, i), VIRTIO_BLK_REQ_HDR_SIZE};
    if (io->op == BLK_OP_FLUSH) {
        b[1] = (struct vqd_buf){hdr_pa(v, i) + 16, 1};
        *out = 1;
        return 2;
    }
    if (io->op == BLK_OP_ZERO && v->write_zeroes) {
        uint8_t *seg = bounce_va(v, i);
        hv_put_le64(seg, io->lba);
        hv_put_le32(seg + 8, io->sectors);
        hv_put_le32(seg + 12, 0);
        n = VIRTIO_BLK_DWZ_SIZE;
    } else if (io->op == BLK_OP_ZERO) {
        memset(bounce_va(v, i), 0, n); /* at most BLK_MAX_BYTES: blk_req bounds it */
    } else if (io->op == BLK_OP_WRITE) {
        blk_io_from_guest(io, 0, bounce_va(v, i), n);
    }
    b[1] = (struct vqd_buf){bounce_pa(v, i), n};
    b[2] = (struct vqd_buf){hdr_pa(v, i) + 16, 1};
    *out = io->op == BLK_OP_READ ? 1 : 2;
    return 3;
}

bool vblk_disk_prepare(struct vblk_disk *v, struct blk_io *io, bool *ok)
{
    bool beyond =
        io->op != BLK_OP_FLUSH && (io->lba > v->capacity || io->sectors > v->capacity - io->lba);
    if (__atomic_load_n(&v->broken, __ATOMIC_RELAXED) || io->index >= STORAGE_IOS || beyond) {
        *ok = false;
        return false;
    }
    if (io->op == BLK_OP_FLUSH && !v->flush) {
        /* §5.2.5: without VIRTIO_BLK_F_FLUSH the device writes through; nothing to wait for. */
        *ok = true;
        return false;
    }
    unsigned i = io->index;
    write_header(v, i, io);
    v->direct[i] = build_direct(v, i, io);
    /* Larger than a bounce buffer: only the guest's own buffers could take it. */
    if (!v->direct[i] && io->op != BLK_OP_FLUSH &&
        (uint64_t)io->sectors * VIRTIO_BLK_SECTOR_SIZE > BLK_MAX_BYTES) {
        *ok = false;
        return false;
    }
    unsigned p = io->part < SLICES_MAX ? io->part : 0;
    if (v->direct[i]) {
        v->direct_ios[p]++;
    } else {
        v->nbufs[i] = (uint16_t)build(v, i, io, v->bufs[i], &v->nout[i]);
        if (io->op == BLK_OP_READ || io->op == BLK_OP_WRITE)
            v->bounced_ios[p]++;
    }
    return true;
}

void vblk_disk_post(struct vblk_disk *v, struct blk_io *io)
{
    unsigned i = io->index, n = v->nbufs[i], out = v->nout[i];
    void *token = (void *)(uintptr_t)(i + 1);
    enum vqd_result r = VQD_BROKEN;
    if (!v->broken && v->inflight[i] == NULL)
        r = v->direct[i] ? vqd_add_table(&v->vq, &v->tables[i], token)
                         : vqd_add(&v->vq, v->bufs[i], out, n - out, token);
    if (r != VQD_OK) {
        v->done(v->done_ctx, io, false);
        return;
    }
    v->inflight[i] = io;
}

static void submit(void *ctx, struct blk_io *io)
{
    struct vblk_disk *v = ctx;
    bool ok;
    if (vblk_disk_prepare(v, io, &ok))
        vblk_disk_post(v, io);
    else
        storage_io_done(io, ok);
}

/* Once per pass of the server: one doorbell write (a trap to the device's emulator, or a bus
 * transaction) for the whole batch, and none if the device asked not to be told. */
void vblk_disk_kick(struct vblk_disk *v)
{
    if (!v->broken && vqd_kick_needed(&v->vq)) {
        v->kicks++;
        v->t->ops->notify(v->t, 0);
    }
}

static void kick(void *ctx)
{
    vblk_disk_kick(ctx);
}

static void fail_one(void *ctx, void *token)
{
    struct vblk_disk *v = ctx;
    uintptr_t i = (uintptr_t)token - 1;
    if (i < STORAGE_IOS && v->inflight[i] != NULL) {
        struct blk_io *io = v->inflight[i];
        v->inflight[i] = NULL;
        v->done(v->done_ctx, io, false);
    }
}

/* One used entry: the status the device wrote, handed to whoever finishes the request. */
static void used(struct vblk_disk *v, uintptr_t token, uint32_t len)
{
    uintptr_t i = token - 1;
    if (i >= STORAGE_IOS || v->inflight[i] == NULL)
        return; /* cannot happen: vqd_get_used hands back only tokens in flight */
    struct blk_io *io = v->inflight[i];
    v->inflight[i] = NULL;
    bool ok = len >= 1 && hdr_va(v, (unsigned)i)[16] == VIRTIO_BLK_S_OK;
    v->done(v->done_ctx, io, ok);
}

void vblk_disk_finish(struct vblk_disk *v, struct blk_io *io, bool ok)
{
    if (ok && io->op == BLK_OP_READ && io->index < STORAGE_IOS && !v->direct[io->index])
        blk_io_to_guest(io, 0, bounce_va(v, io->index), io->sectors * VIRTIO_BLK_SECTOR_SIZE);
    storage_io_done(io, ok);
}

static void finish_now(void *ctx, struct blk_io *io, bool ok)
{
    vblk_disk_finish(ctx, io, ok);
}

void vblk_disk_set_done(struct vblk_disk *v, void (*done)(void *ctx, struct blk_io *io, bool ok),
                        void *ctx)
{
    v->done = done;
    v->done_ctx = ctx;
}

void vblk_disk_interrupt(struct vblk_disk *v)
{
    v->interrupts++;
    (void)v->t->ops->interrupt_ack(v->t);
    for (;;) {
        void *token;
        uint32_t len;
        enum vqd_result r;
        while ((r = vqd_get_used(&v->vq, &token, &len)) == VQD_OK)
            used(v, (uintptr_t)token, len);
        if (r != VQD_EMPTY) {
            /* The device broke a rule: stop it, fail what it held. */
            v->broken = true;
            v->why = r;
            virtio_drv_fail(v->t);
            vqd_drain(&v->vq, fail_one, v);
            return;
        }
        if (!vqd_arm(&v->vq))
            return;
    }
}

/* The token of the server's own read: no request slot's (those are 1..STORAGE_IOS). */
#define OWN_READ_TOKEN ((void *)(uintptr_t)(STORAGE_IOS + 1))

/* The read's completion: each look at the used ring follows an interrupt (the device was
 * asked for one before the request went out), so the interrupt path is the one taken however
 * fast the device is, and every interrupt is acknowledged before the next wait. */
static bool own_read_done(struct vblk_disk *v, void (*wait)(void *ctx), void *ctx, uint32_t *len)
{
    for (unsigned waits = 0; waits < VBLK_READ_WAITS; waits++) {
        wait(ctx);
        void *token;
        enum vqd_result r;
        do {
            r = vqd_get_used(&v->vq, &token, len);
            if (r == VQD_OK)
                return token == OWN_READ_TOKEN; /* nothing else is in flight */
        } while (r == VQD_EMPTY && vqd_arm(&v->vq)); /* it came while arming: look again */
        if (r != VQD_EMPTY) {
            v->broken = true; /* the device lied: as vblk_disk_interrupt does */
            v->why = r;
            virtio_drv_fail(v->t);
            return false;
        }
    }
    return false;
}

bool vblk_disk_read(struct vblk_disk *v, uint64_t lba, uint32_t count, void *buf,
                    void (*wait)(void *ctx), void *ctx)
{
    uint32_t n = count * VIRTIO_BLK_SECTOR_SIZE;
    if (v->broken || count == 0 || count > BLK_MAX_BYTES / VIRTIO_BLK_SECTOR_SIZE ||
        lba > v->capacity || count > v->capacity - lba || v->vq.inflight != 0)
        return false;
    uint8_t *h = hdr_va(v, 0);
    hv_put_le32(h, VIRTIO_BLK_T_IN);
    hv_put_le32(h + 4, 0);
    hv_put_le64(h + 8, lba);
    h[16] = 0xff; /* the status, until the device writes one */
    struct vqd_buf b[3] = {
        {hdr_pa(v, 0), VIRTIO_BLK_REQ_HDR_SIZE}, {bounce_pa(v, 0), n}, {hdr_pa(v, 0) + 16, 1}};
    (void)vqd_arm(&v->vq); /* nothing is in flight: nothing can have arrived */
    if (vqd_add(&v->vq, b, 1, 2, OWN_READ_TOKEN) != VQD_OK)
        return false;
    kick(v);
    uint32_t len;
    if (!own_read_done(v, wait, ctx, &len) || len != n + 1 || h[16] != VIRTIO_BLK_S_OK)
        return false;
    memcpy(buf, bounce_va(v, 0), n);
    return true;
}

bool vblk_disk_set_ram(struct vblk_disk *v, unsigned part, const struct vblk_ram *ram)
{
    uint64_t blocks = (ram->size + BLOCK_BYTES - 1) >> HV_DEVICE_RAM_BLOCK_BITS;
    if (part >= SLICES_MAX || ram->va + ram->size < ram->va ||
        blocks > 4096 / sizeof(uint64_t))
        return false;
    v->ram[part] = *ram;
    return true;
}

uint32_t vblk_disk_direct_seg_max(const struct vblk_disk *v)
{
    if (!v->indirect)
        return 0;
    /* The chain: header, status, and a split where a piece crosses into another 2 MiB block
     * (a handful for any sensible request; one that needs more bounces or fails). */
    unsigned chain = v->vq.size < VBLK_CHAIN_MAX ? v->vq.size : VBLK_CHAIN_MAX;
    uint32_t n = chain > 8 ? chain - 8 : 0;
    return n < BLK_DIRECT_SEG_MAX ? n : BLK_DIRECT_SEG_MAX;
}

static enum virtio_drv_error config(struct vblk_disk *v)
{
    uint8_t cap[8];
    enum virtio_drv_error e = virtio_drv_config_read(v->t, VIRTIO_BLK_CFG_CAPACITY, cap, 8);
    if (e != VIRTIO_DRV_OK)
        return e;
    v->capacity = hv_le64(cap);
    if (v->t->features & VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE)) {
        uint8_t bs[4];
        e = virtio_drv_config_read(v->t, VIRTIO_BLK_CFG_BLK_SIZE, bs, 4);
        if (e != VIRTIO_DRV_OK)
            return e;
        if (hv_le32(bs) != VIRTIO_BLK_SECTOR_SIZE)
            return VIRTIO_DRV_FEATURES_MISSING;
    }
    return v->capacity < 6 ? VIRTIO_DRV_FEATURES_MISSING : VIRTIO_DRV_OK;
}

enum virtio_drv_error vblk_disk_init(struct vblk_disk *v, struct virtio_transport *t,
                                     const struct virtio_dma *dma, struct storage_disk *disk)
{
    memset(v, 0, sizeof(*v));
    v->t = t;
    v->dma = *dma;
    vblk_disk_set_done(v, finish_now, v);
    if (t->device_id != VIRTIO_ID_BLOCK)
        return VIRTIO_DRV_WRONG_DEVICE;
    if (dma->size < VBLK_DMA_BYTES || dma->pa % 4096 != 0)
        return VIRTIO_DRV_QUEUE_MEMORY;
    uint64_t wanted = VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
                      VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) | VIRTIO_BIT(VIRTIO_BLK_F_RO) |
                      VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
    enum virtio_drv_error e = virtio_drv_negotiate(t, wanted, 0);
    if (e == VIRTIO_DRV_OK && (t->features & VIRTIO_BIT(VIRTIO_BLK_F_RO)))
        e = VIRTIO_DRV_FEATURES_MISSING; /* the server's disk must take writes */
    if (e == VIRTIO_DRV_OK)
        e = config(v);
    if (e == VIRTIO_DRV_OK) {
        struct virtio_dma rings = {dma->va, dma->pa, VBLK_RINGS_BYTES};
        e = virtio_drv_queue_setup(t, 0, VBLK_QUEUE_SIZE, &rings, v->slots, &v->vq);
    }
    if (e == VIRTIO_DRV_OK)
        e = virtio_drv_ready(t);
    if (e != VIRTIO_DRV_OK) {
        virtio_drv_fail(t);
        return e;
    }
    v->flush = (t->features & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH)) != 0;
    v->write_zeroes = (t->features & VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES)) != 0;
    v->indirect = (t->features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)) != 0;
    *disk = (struct storage_disk){.sectors = v->capacity, .submit = submit, .kick = kick, .ctx = v};
    return VIRTIO_DRV_OK;
}
