/* Check tests of the storage server's physical disk driver end to end: a guest's request goes
 * through the server, out through libhv's driver side and a virtio-mmio transport (legacy and
 * modern) to a virtio-blk device model backed by a RAM image, and back. */
#include "check_run.h"
#include "dev_model.h"
#include "vblk_disk.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_blk.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vmmio_driver.h>
#include <stdlib.h>
#include <string.h>

#define IMG_SECTORS 4096u
#define GUEST_GPA 0x40000000ull
#define GUEST_SIZE 0x400000u /* two 2 MiB blocks, for a buffer across them */
#define GUEST_BUS0 0xa0000000ull /* where the device sees the guest's first block */
#define GUEST_BUS1 0xc0000000ull /* and its second: not next to the first */
#define PHYS_PA 0x90000000ull

static uint8_t *img;           /* the physical disk's contents */
static struct mmio_model m;    /* its transport registers */
static struct virtio_dma pdma; /* the server's DMA memory */
static struct virtio_mem_region pregions[3];
static struct virtio_mem pmem; /* the server's DMA memory and the guest's RAM as the device
                                * sees them */
static uint64_t guest_bus[2];  /* the root task's table of the guest RAM's bus addresses */
static struct virtq dev;       /* the device's side of the physical queue */
static struct virtio_faults dev_faults;
static bool dev_live;
static struct vmmio_drv drv;
static struct vblk_disk vblk;
static struct storage srv;
static uint8_t *gram;
static struct vqd gq;
static struct vqd_slot gslots[256];
static unsigned irqs;

static void on_irq(void *ctx, unsigned part, uint32_t bits)
{
    irqs++;
}

/* The device: serves every available request on the RAM image and raises its interrupt. */
static void device_run(void)
{
    if (!dev_live) {
        ck_assert(mmio_model_queue(&m, 0, &pmem, &dev_faults, &dev));
        dev_live = true;
    }
    struct virtq_seg segs[VBLK_CHAIN_MAX];
    struct virtq_req req = {.segs = segs, .capacity = VBLK_CHAIN_MAX};
    while (virtq_pop(&dev, &req) == VIRTQ_POP_REQUEST) {
        uint8_t h[16];
        virtq_req_read(&req, 0, h, 16);
        uint32_t type = hv_le32(h);
        uint64_t at = hv_le64(h + 8) * 512;
        uint8_t status = VIRTIO_BLK_S_OK;
        uint32_t written = 0;
        if (type == VIRTIO_BLK_T_IN) {
            written = (uint32_t)virtq_req_write(&req, 0, img + at, req.writable_bytes - 1);
        } else if (type == VIRTIO_BLK_T_OUT) {
            virtq_req_read(&req, 16, img + at, req.readable_bytes - 16);
        } else if (type != VIRTIO_BLK_T_FLUSH) {
            status = VIRTIO_BLK_S_UNSUPP;
        }
        virtq_req_write(&req, req.writable_bytes - 1, &status, 1);
        virtq_push(&dev, &req, written + 1);
    }
    m.interrupt_status |= VIRTIO_MMIO_INT_VRING;
}

static void setup_version_indirect(uint32_t version, bool indirect)
{
    img = calloc(IMG_SECTORS, 512);
    mmio_model_init(&m, version, VIRTIO_ID_BLOCK);
    m.features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
                 VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
                 (indirect ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) : 0);
    m.queue_max[0] = 256;
    hv_put_le64(m.config + VIRTIO_BLK_CFG_CAPACITY, IMG_SECTORS);
    hv_put_le32(m.config + VIRTIO_BLK_CFG_BLK_SIZE, 512);
    pdma = (struct virtio_dma){aligned_alloc(4096, VBLK_DMA_BYTES), PHYS_PA, VBLK_DMA_BYTES};
    gram = aligned_alloc(4096, GUEST_SIZE);
    memset(gram, 0, GUEST_SIZE);
    pregions[0] = (struct virtio_mem_region){PHYS_PA, VBLK_DMA_BYTES, pdma.va};
    pregions[1] = (struct virtio_mem_region){GUEST_BUS0, GUEST_SIZE / 2, gram};
    pregions[2] = (struct virtio_mem_region){GUEST_BUS1, GUEST_SIZE / 2, gram + GUEST_SIZE / 2};
    pmem = (struct virtio_mem){pregions, 3};
    guest_bus[0] = GUEST_BUS0;
    guest_bus[1] = GUEST_BUS1;
    memset(&dev_faults, 0, sizeof(dev_faults));
    dev_live = false;
    struct virtio_regs r = mmio_model_regs(&m);
    ck_assert_int_eq(vmmio_drv_probe(&drv, &r, 0x200, VIRTIO_ID_BLOCK), VIRTIO_DRV_OK);
    struct storage_disk disk;
    ck_assert_int_eq(vblk_disk_init(&vblk, &drv.t, &pdma, &disk), VIRTIO_DRV_OK);
    ck_assert_uint_eq(disk.sectors, IMG_SECTORS);
    ck_assert(vblk.flush);

    ck_assert_int_eq(vblk.indirect, indirect);
    struct vblk_ram ram = {(uintptr_t)gram, GUEST_SIZE, guest_bus};
    ck_assert(vblk_disk_set_ram(&vblk, 0, &ram));
    static struct virtio_mem_region gr;
    static struct virtio_mem gm;
    gr = (struct virtio_mem_region){GUEST_GPA, GUEST_SIZE, gram};
    gm = (struct virtio_mem){&gr, 1};
    struct slice sl = {"personal", 2048, 1024, true, 0};
    struct storage_hooks h = {.irq = on_irq};
    ck_assert(storage_init(&srv, &disk, &h, &sl, &gm, 1));
    struct virtio_dma gd = {gram, GUEST_GPA, 0x4000};
    struct vqd_layout l;
    ck_assert(vqd_layout(256, 4, &l));
    ck_assert_int_eq(vqd_init(&gq, 256, &gd, &l, gslots, false), VQD_OK);
    struct hv_vdev_queue_setup q = {(uint64_t)256 << 16, gq.desc_pa, gq.avail_pa, gq.used_pa, 0};
    ck_assert_int_eq(storage_queue_setup(&srv, 0, &q), STORAGE_SETUP_OK);
}

static void setup_version(uint32_t version)
{
    setup_version_indirect(version, false);
}

static void setup_legacy(void)
{
    setup_version(1);
}
static void setup_modern(void)
{
    setup_version(2);
}

static void setup_zero_copy(void)
{
    setup_version_indirect(2, true);
}

static void teardown(void)
{
    free(img);
    free(pdma.va);
    free(gram);
}

/* A guest request at data offset 0x8000 of its RAM; status at 0x4000 + slot. */
static void guest(uint32_t type, uint64_t sector, uint32_t len, bool out, unsigned slot)
{
    uint64_t hdr = GUEST_GPA + 0x5000 + 16 * slot, data = GUEST_GPA + 0x8000 + 0x2000 * slot;
    hv_put_le32(gram + (hdr - GUEST_GPA), type);
    hv_put_le64(gram + (hdr - GUEST_GPA) + 8, sector);
    gram[0x4000 + slot] = 0xee;
    struct vqd_buf b[3] = {{hdr, 16}, {data, len}, {GUEST_GPA + 0x4000 + slot, 1}};
    if (len == 0)
        b[1] = b[2];
    unsigned n = len ? 3 : 2, nout = out && len ? 2 : 1;
    ck_assert_int_eq(vqd_add(&gq, b, nout, n - nout, (void *)(uintptr_t)(slot + 1)), VQD_OK);
    storage_notify(&srv, 0);
}

/* Server pass, device, interrupt, server pass: one round trip of everything queued. */
static void round_trip(void)
{
    storage_run(&srv);
    device_run();
    vblk_disk_interrupt(&vblk);
    storage_run(&srv);
}

static void write_then_read(void)
{
    memset(gram + 0x8000, 0x6b, 1024);
    guest(VIRTIO_BLK_T_OUT, 7, 1024, true, 0);
    round_trip();
    ck_assert_uint_eq(gram[0x4000], VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(img[(2048 + 7) * 512], 0x6b);
    ck_assert_uint_eq(img[(2048 + 9) * 512 - 1], 0x6b);
    ck_assert_uint_eq(img[(2048 + 9) * 512], 0);
    guest(VIRTIO_BLK_T_IN, 8, 512, false, 1);
    guest(VIRTIO_BLK_T_FLUSH, 0, 0, false, 2);
    round_trip();
    ck_assert_uint_eq(gram[0x4001], VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(gram[0x4002], VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(gram[0x8000 + 0x2000], 0x6b);
    ck_assert_uint_eq(m.notifies[0], 2);
    ck_assert_uint_eq(vblk.interrupts, 2);
    ck_assert_uint_eq(m.interrupt_status, 0); /* acknowledged */
    ck_assert_uint_eq(irqs, 2);
    ck_assert_uint_eq(m.bad_accesses, 0);
    ck_assert_uint_eq(dev_faults.count[VIRTIO_FAULT_DESC_INDEX], 0);
}

START_TEST(legacy_write_read_flush)
{
    write_then_read();
}
END_TEST

START_TEST(modern_write_read_flush)
{
    write_then_read();
}
END_TEST

START_TEST(lying_device_fails_its_requests)
{
    guest(VIRTIO_BLK_T_IN, 1, 512, false, 0);
    storage_run(&srv);
    /* The device returns a used entry for a descriptor that is not a request's head. */
    hv_put_le32(vblk.vq.used + 4, 1);
    hv_put_le32(vblk.vq.used + 8, 0);
    hv_put_le16(vblk.vq.used + 2, 1);
    vblk_disk_interrupt(&vblk);
    ck_assert(vblk.broken);
    ck_assert_int_eq(vblk.why, VQD_USED_NOT_INFLIGHT);
    ck_assert(m.status & VIRTIO_STATUS_FAILED);
    storage_run(&srv);
    ck_assert_uint_eq(gram[0x4000], VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(srv.parts[0].stats.disk_errors, 1);
    /* Later requests fail at once; none reaches the device. */
    guest(VIRTIO_BLK_T_IN, 1, 512, false, 1);
    storage_run(&srv);
    ck_assert_uint_eq(gram[0x4001], VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(vblk.vq.inflight, 0);
}
END_TEST

static void run_device(void *ctx)
{
    (void)ctx;
    device_run();
}

static void never_answers(void *ctx)
{
    (*(unsigned *)ctx)++;
}

/* The server's own read (its GPT): the sectors asked for, nothing past the disk, a bounded
 * wait for a device that never answers, and no read while one is in flight. */
START_TEST(own_read)
{
    for (unsigned i = 0; i < 4 * 512; i++)
        img[5 * 512 + i] = (uint8_t)(i * 7 + 1);
    uint8_t buf[4 * 512];
    ck_assert(vblk_disk_read(&vblk, 5, 4, buf, run_device, NULL));
    ck_assert_mem_eq(buf, img + 5 * 512, sizeof(buf));
    ck_assert(!vblk_disk_read(&vblk, IMG_SECTORS - 1, 2, buf, run_device, NULL));
    ck_assert(!vblk_disk_read(&vblk, 0, 0, buf, run_device, NULL));
    unsigned waits = 0;
    ck_assert(!vblk_disk_read(&vblk, 5, 1, buf, never_answers, &waits));
    ck_assert_uint_eq(waits, VBLK_READ_WAITS);
    ck_assert(!vblk_disk_read(&vblk, 5, 1, buf, run_device, NULL)); /* one still in flight */
}
END_TEST

START_TEST(refuses_unfit_devices)
{
    struct storage_disk disk;
    m.features |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
    ck_assert_int_eq(vblk_disk_init(&vblk, &drv.t, &pdma, &disk), VIRTIO_DRV_FEATURES_MISSING);
    m.features &= ~VIRTIO_BIT(VIRTIO_BLK_F_RO);
    hv_put_le32(m.config + VIRTIO_BLK_CFG_BLK_SIZE, 4096);
    ck_assert_int_eq(vblk_disk_init(&vblk, &drv.t, &pdma, &disk), VIRTIO_DRV_FEATURES_MISSING);
    struct virtio_dma small = pdma;
    small.size = VBLK_DMA_BYTES - 1;
    ck_assert_int_eq(vblk_disk_init(&vblk, &drv.t, &small, &disk), VIRTIO_DRV_QUEUE_MEMORY);
}
END_TEST

/* The bounce buffers: a pattern the device must never move when the guest's buffers serve. */
static uint8_t *bounces(void)
{
    return (uint8_t *)pdma.va + VBLK_DMA_BYTES - (uint64_t)STORAGE_IOS * BLK_MAX_BYTES;
}

/* A write whose header and data share one descriptor, and a read whose data and status do,
 * each across the guest's two 2 MiB blocks (two bus addresses far apart): the device moves the
 * data itself, the bounce buffers untouched, and the bytes land where they should. */
START_TEST(zero_copy_across_blocks)
{
    memset(bounces(), 0x5a, (size_t)STORAGE_IOS * BLK_MAX_BYTES);
    uint64_t at = GUEST_SIZE / 2 - 528; /* header at 2 MiB - 528, data 2 MiB - 512 .. + 512 */
    hv_put_le32(gram + at, VIRTIO_BLK_T_OUT);
    hv_put_le64(gram + at + 8, 3);
    for (unsigned i = 0; i < 1024; i++)
        gram[at + 16 + i] = (uint8_t)(i * 13 + 5);
    struct vqd_buf w[2] = {{GUEST_GPA + at, 16 + 1024}, {GUEST_GPA + 0x4000, 1}};
    ck_assert_int_eq(vqd_add(&gq, w, 1, 1, (void *)1), VQD_OK);
    storage_notify(&srv, 0);
    storage_run(&srv);
    /* header, the data's two pieces (one per block), status */
    ck_assert_uint_eq(vblk.nbufs[0], 4);
    ck_assert_uint_eq(vblk.bufs[0][1].pa, GUEST_BUS0 + GUEST_SIZE / 2 - 512);
    ck_assert_uint_eq(vblk.bufs[0][2].pa, GUEST_BUS1);
    device_run();
    vblk_disk_interrupt(&vblk);
    storage_run(&srv);
    ck_assert_uint_eq(gram[0x4000], VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(img + (2048 + 3) * 512, gram + at + 16, 1024);

    uint64_t rd = GUEST_SIZE / 2 - 100; /* data 2 MiB - 100 .. + 924, then the status */
    hv_put_le32(gram + 0x6000, VIRTIO_BLK_T_IN);
    hv_put_le64(gram + 0x6000 + 8, 3);
    memset(gram + rd, 0, 1025);
    struct vqd_buf r[2] = {{GUEST_GPA + 0x6000, 16}, {GUEST_GPA + rd, 1024 + 1}};
    ck_assert_int_eq(vqd_add(&gq, r, 1, 1, (void *)2), VQD_OK);
    storage_notify(&srv, 0);
    round_trip();
    ck_assert_uint_eq(gram[rd + 1024], VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(gram + rd, img + (2048 + 3) * 512, 1024);
    ck_assert_uint_eq(vblk.direct_ios[0], 2);
    ck_assert_uint_eq(vblk.bounced_ios[0], 0);
    for (size_t i = 0; i < (size_t)STORAGE_IOS * BLK_MAX_BYTES; i++)
        if (bounces()[i] != 0x5a)
            ck_abort_msg("bounce byte %zu moved", i);
}
END_TEST

/* The longest request a driver may send on its own buffers: 248 data segments none of which
 * touch, one of them across the two blocks, so the physical chain is 251 descriptors long. */
START_TEST(zero_copy_longest_chain)
{
    ck_assert(storage_set_seg_max(&srv, 0, BLK_DIRECT_SEG_MAX));
    static struct vqd_buf b[BLK_DIRECT_SEG_MAX + 2];
    hv_put_le32(gram + 0x5000, VIRTIO_BLK_T_OUT);
    hv_put_le64(gram + 0x5000 + 8, 100);
    b[0] = (struct vqd_buf){GUEST_GPA + 0x5000, 16};
    for (unsigned k = 0; k < BLK_DIRECT_SEG_MAX; k++) {
        uint64_t at = k == 0 ? GUEST_SIZE / 2 - 256 : 0x10000 + (uint64_t)k * 1024;
        for (unsigned j = 0; j < 512; j++)
            gram[at + j] = (uint8_t)(k * 7 + j);
        b[1 + k] = (struct vqd_buf){GUEST_GPA + at, 512};
    }
    b[BLK_DIRECT_SEG_MAX + 1] = (struct vqd_buf){GUEST_GPA + 0x4000, 1};
    ck_assert_int_eq(vqd_add(&gq, b, BLK_DIRECT_SEG_MAX + 1, 1, (void *)1), VQD_OK);
    storage_notify(&srv, 0);
    storage_run(&srv);
    ck_assert_uint_eq(vblk.nbufs[0], BLK_DIRECT_SEG_MAX + 3);
    device_run();
    vblk_disk_interrupt(&vblk);
    storage_run(&srv);
    ck_assert_uint_eq(gram[0x4000], VIRTIO_BLK_S_OK);
    for (unsigned k = 0; k < BLK_DIRECT_SEG_MAX; k++)
        for (unsigned j = 0; j < 512; j++)
            ck_assert_uint_eq(img[(2048 + 100 + k) * 512 + j], (uint8_t)(k * 7 + j));
    ck_assert_uint_eq(vblk.direct_ios[0], 1);
}
END_TEST

/* A block the table gives no bus address (0) sends the request through its bounce buffer,
 * with the same result; a device without indirect descriptors does so for every request. */
static void read_back_through_bounce(void)
{
    memset(gram + GUEST_SIZE / 2 + 0x1000, 0x3c, 512);
    hv_put_le32(gram + 0x5000, VIRTIO_BLK_T_OUT);
    hv_put_le64(gram + 0x5000 + 8, 9);
    struct vqd_buf w[3] = {
        {GUEST_GPA + 0x5000, 16}, {GUEST_GPA + GUEST_SIZE / 2 + 0x1000, 512}, {GUEST_GPA + 0x4000, 1}};
    ck_assert_int_eq(vqd_add(&gq, w, 2, 1, (void *)1), VQD_OK);
    storage_notify(&srv, 0);
    round_trip();
    ck_assert_uint_eq(gram[0x4000], VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(img[(2048 + 9) * 512], 0x3c);
    ck_assert_uint_eq(vblk.direct_ios[0], 0);
    ck_assert_uint_eq(vblk.bounced_ios[0], 1);
}

START_TEST(zero_copy_needs_every_block)
{
    guest_bus[1] = 0;
    read_back_through_bounce();
}
END_TEST

START_TEST(no_indirect_bounces)
{
    read_back_through_bounce();
}
END_TEST

/* A request larger than a bounce buffer that can't go on the guest's buffers (no indirect
 * descriptors here) fails without reaching the device or any bounce buffer. */
START_TEST(too_large_to_bounce_fails)
{
    ck_assert_uint_eq(vblk_disk_direct_seg_max(&vblk), 0);
    ck_assert(storage_set_seg_max(&srv, 0, 100));
    memset(bounces(), 0x5a, (size_t)STORAGE_IOS * BLK_MAX_BYTES);
    hv_put_le32(gram + 0x5000, VIRTIO_BLK_T_IN);
    hv_put_le64(gram + 0x5000 + 8, 0);
    struct vqd_buf r[3] = {
        {GUEST_GPA + 0x5000, 16}, {GUEST_GPA + 0x10000, 100 * 4096}, {GUEST_GPA + 0x4000, 1}};
    ck_assert_int_eq(vqd_add(&gq, r, 1, 2, (void *)1), VQD_OK);
    storage_notify(&srv, 0);
    round_trip();
    ck_assert_uint_eq(gram[0x4000], VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(m.notifies[0], 0);
    for (size_t i = 0; i < (size_t)STORAGE_IOS * BLK_MAX_BYTES; i++)
        if (bounces()[i] != 0x5a)
            ck_abort_msg("bounce byte %zu moved", i);
}
END_TEST

/* A table that can't describe the mapping is refused. */
START_TEST(set_ram_refuses_bad_tables)
{
    struct vblk_ram wraps = {UINTPTR_MAX - 4095, 8192, guest_bus};
    ck_assert(!vblk_disk_set_ram(&vblk, 0, &wraps));
    struct vblk_ram huge = {(uintptr_t)gram, (uint64_t)513 << 21, guest_bus};
    ck_assert(!vblk_disk_set_ram(&vblk, 0, &huge));
    struct vblk_ram fine = {(uintptr_t)gram, GUEST_SIZE, guest_bus};
    ck_assert(!vblk_disk_set_ram(&vblk, SLICES_MAX, &fine));
}
END_TEST

/* With indirect descriptors: as many segments as the physical queue leaves room for. */
START_TEST(direct_seg_max_follows_the_queue)
{
    ck_assert_uint_eq(vblk.vq.size, VBLK_QUEUE_SIZE);
    ck_assert_uint_eq(vblk_disk_direct_seg_max(&vblk), BLK_DIRECT_SEG_MAX);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vblk_disk");
    TCase *l = tcase_create("legacy");
    tcase_add_checked_fixture(l, setup_legacy, teardown);
    tcase_add_test(l, legacy_write_read_flush);
    tcase_add_test(l, lying_device_fails_its_requests);
    tcase_add_test(l, refuses_unfit_devices);
    tcase_add_test(l, own_read);
    suite_add_tcase(s, l);
    TCase *t = tcase_create("modern");
    tcase_add_checked_fixture(t, setup_modern, teardown);
    tcase_add_test(t, modern_write_read_flush);
    tcase_add_test(t, no_indirect_bounces);
    tcase_add_test(t, too_large_to_bounce_fails);
    suite_add_tcase(s, t);
    TCase *z = tcase_create("zero_copy");
    tcase_add_checked_fixture(z, setup_zero_copy, teardown);
    tcase_add_test(z, zero_copy_across_blocks);
    tcase_add_test(z, zero_copy_needs_every_block);
    tcase_add_test(z, modern_write_read_flush);
    tcase_add_test(z, set_ram_refuses_bad_tables);
    tcase_add_test(z, zero_copy_longest_chain);
    tcase_add_test(z, direct_seg_max_follows_the_queue);
    suite_add_tcase(s, z);
    return check_run(s);
}
