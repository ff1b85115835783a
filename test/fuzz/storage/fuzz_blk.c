/* libFuzzer target: the storage server's block request path through libhv's device-side
 * queue, with two partitions whose guests write anything anywhere in their RAM, reset their
 * device at any moment, and a disk that completes late, out of order or with errors.
 * Checked: no disk operation outside the partition's slice, no write to a read-only slice,
 * no byte of a partition's RAM written between its reset and its next queue setup, and (by
 * ASan, with each partition's RAM an exact-size heap block) no access outside guest memory. */
#include "fuzz_input.h"
#include "storage.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_blk.h>
#include <hv/virtio/virtio_spec.h>
#include <stdlib.h>
#include <string.h>

#define DISK_SECTORS 1024u
#define RAM_GPA 0x40000000ull
#define RAM_SIZE 0x20000u

static uint8_t disk_data[DISK_SECTORS * 512];
static struct storage srv;
static struct blk_io *queued[STORAGE_IOS];
static unsigned nqueued;
static bool defer, fail_disk;
static uint8_t *ram[2];

/* Per partition: reset and not set up again, and whether its guest wrote since. */
static bool quiet[2], guest_wrote[2];
static uint8_t *quiet_copy[2]; /* the RAM as it was at the reset */

static void disk_do(struct blk_io *io)
{
    const struct slice *s = &srv.parts[io->part].slice;
    bool writes = io->op == BLK_OP_WRITE || io->op == BLK_OP_ZERO;
    if (io->op != BLK_OP_FLUSH &&
        (io->lba < s->first_lba || io->sectors > s->first_lba + s->sectors - io->lba))
        abort(); /* outside the partition's slice */
    if (writes && !s->writable)
        abort();
    if (io->sectors * 512u > BLK_MAX_BYTES && io->op != BLK_OP_ZERO)
        abort();
    uint8_t *at = disk_data + io->lba * 512;
    size_t n = (size_t)io->sectors * 512;
    if (!fail_disk) {
        if (io->op == BLK_OP_READ)
            blk_io_to_guest(io, 0, at, n);
        else if (io->op == BLK_OP_WRITE)
            blk_io_from_guest(io, 0, at, n);
        else if (io->op == BLK_OP_ZERO)
            memset(at, 0, n);
    }
    storage_io_done(io, !fail_disk);
}

static void disk_submit(void *ctx, struct blk_io *io)
{
    (void)ctx;
    if (nqueued >= STORAGE_IOS)
        abort(); /* more in flight than the server promised */
    if (defer)
        queued[nqueued++] = io;
    else
        disk_do(io);
}

static void complete_one(unsigned i)
{
    struct blk_io *io = queued[i];
    queued[i] = queued[--nqueued];
    disk_do(io);
}

static void on_irq(void *ctx, unsigned part, uint32_t bits)
{
    (void)ctx;
    if (part >= 2 || bits == 0 || (bits & ~(HV_VDEV_IRQ_USED | HV_VDEV_IRQ_NEEDS_RESET)))
        abort();
}

static uint64_t pick_ring(struct fuzz_input *in)
{
    uint8_t how = in_u8(in) % 4;
    if (how == 3)
        return in_u64(in);
    return RAM_GPA + ((uint64_t)in_u16(in) << 4) % RAM_SIZE;
}

static void setup_queue(struct fuzz_input *in, unsigned p)
{
    uint32_t size = 1u << (in_u8(in) % 9);
    struct hv_vdev_queue_setup m = {
        .queue = (uint64_t)size << 16 | (in_u8(in) == 0xff ? 1 : 0),
        .desc = RAM_GPA,
        .driver = RAM_GPA + 0x1000,
        .device = RAM_GPA + 0x2000,
        .features = in_u8(in) & 1 ? VIRTIO_BIT(VIRTIO_F_EVENT_IDX) : 0,
    };
    m.features |= in_u8(in) & 1 ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) : 0;
    if (in_u8(in) & 1) {
        m.desc = pick_ring(in);
        m.driver = pick_ring(in);
        m.device = pick_ring(in);
    }
    if (storage_queue_setup(&srv, p, &m) == STORAGE_SETUP_OK)
        quiet[p] = false;
}

/* A request the way a driver writes one: descriptors at head.., the avail entry, the idx. */
static void guest_request(struct fuzz_input *in, unsigned p)
{
    const struct virtq *vq = &srv.parts[p].vq;
    if (!vq->ready)
        return;
    uint16_t size = vq->size, head = in_u16(in) % size;
    uint64_t data = RAM_GPA + 0x4000 + (in_u16(in) % 0x1c000);
    uint32_t types[] = {VIRTIO_BLK_T_IN,     VIRTIO_BLK_T_OUT,     VIRTIO_BLK_T_FLUSH,
                        VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_T_WRITE_ZEROES};
    uint8_t *h = ram[p] + (data - RAM_GPA);
    if (data + 16 <= RAM_GPA + RAM_SIZE) {
        hv_put_le32(h, types[in_u8(in) % 6]);
        hv_put_le64(h + 8, in_u8(in) & 1 ? in_u64(in) : in_u16(in) % 600);
    }
    unsigned n = 1 + in_u8(in) % 3;
    for (unsigned i = 0; i < n; i++) {
        uint16_t idx = (uint16_t)((head + i) % size);
        uint8_t *d = ram[p] + 16u * idx;
        uint32_t len = i == 0 ? 16 : i == n - 1 ? 1 : 512u * (in_u8(in) % 9);
        bool writable = i > 0 && (i == n - 1 || in_u8(in) & 1);
        hv_put_le64(d, data + (i == 0 ? 0 : 512 * i));
        hv_put_le32(d + 8, len);
        hv_put_le16(d + 12, (uint16_t)((i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) |
                                       (writable ? VIRTQ_DESC_F_WRITE : 0)));
        hv_put_le16(d + 14, (uint16_t)((idx + 1) % size));
    }
    uint8_t *avail = ram[p] + 0x1000;
    uint16_t idx = hv_le16(avail + 2);
    hv_put_le16(avail + 4 + 2u * (idx % size), head);
    hv_put_le16(avail + 2, (uint16_t)(idx + 1));
    guest_wrote[p] = true;
}

/* A reset partition's RAM is the guest's alone until it sets the queue up again: checked
 * whenever that period may end (the guest writes, a setup, the end of the input). */
static void check_quiet(unsigned q)
{
    if (quiet[q] && !guest_wrote[q] && memcmp(ram[q], quiet_copy[q], RAM_SIZE) != 0)
        abort();
}

static void step(struct fuzz_input *in)
{
    unsigned p = in_u8(in) & 1;
    switch (in_u8(in) % 10) {
    case 0: { /* the guest writes anything anywhere in its RAM */
        check_quiet(p);
        uint32_t at = in_u32(in) % RAM_SIZE;
        uint32_t n = in_u8(in) % 16;
        for (uint32_t i = 0; i < n && at + i < RAM_SIZE; i++)
            ram[p][at + i] = in_u8(in);
        guest_wrote[p] = true;
        break;
    }
    case 1:
    case 2:
        check_quiet(p);
        guest_request(in, p);
        break;
    case 3:
        storage_notify(&srv, p);
        break;
    case 4:
    case 5:
        storage_run(&srv);
        break;
    case 6:
        if (nqueued)
            complete_one(in_u8(in) % nqueued);
        break;
    case 7:
        storage_reset(&srv, p);
        quiet[p] = true;
        guest_wrote[p] = false;
        memcpy(quiet_copy[p], ram[p], RAM_SIZE); /* libc's: no coverage hooks per byte */
        break;
    case 8:
        check_quiet(p);
        setup_queue(in, p);
        break;
    case 9:
        defer = in_u8(in) & 1;
        fail_disk = (in_u8(in) & 7) == 0;
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size, 0};
    struct virtio_mem_region regions[2];
    struct virtio_mem mems[2];
    for (unsigned p = 0; p < 2; p++) {
        /* Exact-size heap blocks, kept across runs (allocating them each time is most of the
         * cost) and cleared, so every run starts from the same RAM. */
        if (ram[p] == NULL) {
            ram[p] = malloc(RAM_SIZE);
            quiet_copy[p] = malloc(RAM_SIZE);
        }
        memset(ram[p], 0, RAM_SIZE);
        regions[p] = (struct virtio_mem_region){RAM_GPA, RAM_SIZE, ram[p]};
        mems[p] = (struct virtio_mem){&regions[p], 1};
        quiet[p] = guest_wrote[p] = false;
    }
    uint64_t a = 1 + in_u16(&in) % 500, b = a + 1 + in_u16(&in) % 500;
    struct slice slices[2] = {{"personal", 1, a, in_u8(&in) & 1, 0},
                              {"work", b, 1 + in_u16(&in) % (DISK_SECTORS - b), in_u8(&in) & 1, 1}};
    struct storage_disk d = {.sectors = DISK_SECTORS, .submit = disk_submit};
    struct storage_hooks h = {.irq = on_irq};
    nqueued = 0;
    defer = fail_disk = false;
    if (!storage_init(&srv, &d, &h, slices, mems, 2))
        abort();
    setup_queue(&in, 0);
    setup_queue(&in, 1);
    for (unsigned n = 0; n < 400 && !in_done(&in); n++)
        step(&in);
    while (nqueued)
        complete_one(0);
    for (unsigned p = 0; p < 2; p++) {
        check_quiet(p);
        if (srv.parts[p].inflight != 0)
            abort();
    }
    return 0;
}
