/* The storage tests' world (storage_fixture.h). */
#include "storage_fixture.h"

#include <check.h>
#include <hv/bytes.h>
#include <hv/virtio/virtio_blk.h>
#include <hv/virtio/virtio_spec.h>
#include <stdlib.h>
#include <string.h>

struct ramdisk disk;
struct storage srv;
struct guest_drv guests[2];
unsigned irqs[2], resets_asked[2];
static struct virtio_mem_region regions[2];
static struct virtio_mem mems[2];

static bool inside_a_slice(uint64_t lba, uint64_t n)
{
    for (unsigned i = 0; i < srv.nparts; i++) {
        const struct slice *s = &srv.parts[i].slice;
        if (lba >= s->first_lba && lba + n <= s->first_lba + s->sectors)
            return true;
    }
    return false;
}

static void disk_do(struct blk_io *io)
{
    if (io->op != BLK_OP_FLUSH && !inside_a_slice(io->lba, io->sectors))
        disk.outside++;
    uint8_t *at = disk.data + io->lba * 512;
    size_t n = (size_t)io->sectors * 512;
    bool ok = !disk.fail;
    if (ok) {
        switch (io->op) {
        case BLK_OP_READ:
            blk_io_to_guest(io, 0, at, n);
            break;
        case BLK_OP_WRITE:
            blk_io_from_guest(io, 0, at, n);
            break;
        case BLK_OP_FLUSH:
            disk.flushes++;
            break;
        case BLK_OP_ZERO:
            memset(at, 0, n);
            disk.zeroes++;
            break;
        }
    }
    storage_io_done(io, ok);
}

static void disk_submit(void *ctx, struct blk_io *io)
{
    (void)ctx;
    disk.submits++;
    if (disk.defer)
        disk.queued[disk.nqueued++] = io;
    else
        disk_do(io);
}

void disk_complete_all(void)
{
    for (unsigned i = 0; i < disk.nqueued; i++)
        disk_do(disk.queued[i]);
    disk.nqueued = 0;
}

static void on_irq(void *ctx, unsigned part, uint32_t bits)
{
    (void)ctx;
    if (bits & HV_VDEV_IRQ_USED)
        irqs[part]++;
    if (bits & HV_VDEV_IRQ_NEEDS_RESET)
        resets_asked[part]++;
}

void world_init(bool work_rw)
{
    memset(&disk, 0, sizeof(disk));
    disk.data = calloc(DISK_SECTORS, 512);
    memset(irqs, 0, sizeof(irqs));
    memset(resets_asked, 0, sizeof(resets_asked));
    struct slice slices[2] = {{"personal", 2048, 2048, true, 0}, {"work", 4096, 2048, work_rw, 1}};
    for (unsigned p = 0; p < 2; p++) {
        guests[p] = (struct guest_drv){.ram = aligned_alloc(4096, GUEST_SIZE)};
        memset(guests[p].ram, 0, GUEST_SIZE);
        regions[p] = (struct virtio_mem_region){GUEST_GPA, GUEST_SIZE, guests[p].ram};
        mems[p] = (struct virtio_mem){&regions[p], 1};
    }
    struct storage_disk d = {.sectors = DISK_SECTORS, .submit = disk_submit};
    struct storage_hooks h = {.irq = on_irq};
    ck_assert(storage_init(&srv, &d, &h, slices, mems, 2));
}

void world_free(void)
{
    free(disk.data);
    for (unsigned p = 0; p < 2; p++)
        free(guests[p].ram);
}

void world_queue(unsigned p, uint64_t features)
{
    struct guest_drv *g = &guests[p];
    struct virtio_dma dma = {g->ram, GUEST_GPA, 0x10000};
    struct vqd_layout l;
    ck_assert(vqd_layout(GQ, 4, &l));
    ck_assert_int_eq(
        vqd_init(&g->vq, GQ, &dma, &l, g->slots, (features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)) != 0),
        VQD_OK);
    struct hv_vdev_queue_setup m = {.queue = (uint64_t)GQ << 16,
                                   .desc = g->vq.desc_pa,
                                   .driver = g->vq.avail_pa,
                                   .device = g->vq.used_pa,
                                   .features = features};
    ck_assert_int_eq(storage_queue_setup(&srv, p, &m), STORAGE_SETUP_OK);
}

void *guest_at(unsigned p, uint64_t gpa)
{
    return guests[p].ram + (gpa - GUEST_GPA);
}

uint64_t guest_request(unsigned p, uint32_t type, uint64_t sector, uint32_t data_len, bool out,
                       unsigned slot)
{
    uint64_t base = DATA_GPA + (uint64_t)slot * 0x8000;
    uint8_t *h = guest_at(p, base);
    hv_put_le32(h, type);
    hv_put_le32(h + 4, 0);
    hv_put_le64(h + 8, sector);
    *(uint8_t *)guest_at(p, base + 0x7fff) = 0xee; /* status: "not written yet" */
    struct vqd_buf b[3] = {{base, 16}, {base + 512, data_len}, {base + 0x7fff, 1}};
    unsigned n = data_len ? 3 : 2;
    if (!data_len)
        b[1] = b[2];
    unsigned nout = out && data_len ? 2 : 1;
    ck_assert_int_eq(vqd_add(&guests[p].vq, b, nout, n - nout, (void *)(uintptr_t)(slot + 1)),
                     VQD_OK);
    storage_notify(&srv, p);
    return base;
}

uint8_t guest_status(unsigned p, unsigned slot)
{
    return *(uint8_t *)guest_at(p, DATA_GPA + (uint64_t)slot * 0x8000 + 0x7fff);
}

bool guest_used(unsigned p, unsigned *slot, uint32_t *len)
{
    void *tok;
    enum vqd_result r = vqd_get_used(&guests[p].vq, &tok, len);
    ck_assert(r == VQD_OK || r == VQD_EMPTY);
    if (r != VQD_OK)
        return false;
    *slot = (unsigned)(uintptr_t)tok - 1;
    return true;
}
