/* Check tests of the storage server's request path: each partition reaches only its slice,
 * every malformed request gets its specific answer, a reset mid-request loses nothing and
 * touches nothing, and a flooding partition does not starve the other. */
#include "check_run.h"
#include "storage_calls.h"
#include "storage_fixture.h"

#include <hv/abi/error.h>

#include <hv/bytes.h>
#include <hv/virtio/virtio_blk.h>
#include <hv/virtio/virtio_spec.h>
#include <string.h>

#define F_EVENT VIRTIO_BIT(VIRTIO_F_EVENT_IDX)
#define F_INDIRECT VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)

static void setup(void)
{
    world_init(false);
    world_queue(0, VIRTIO_BIT(VIRTIO_F_VERSION_1));
    world_queue(1, VIRTIO_BIT(VIRTIO_F_VERSION_1));
}

static void teardown(void)
{
    ck_assert_uint_eq(disk.outside, 0);
    world_free();
}

static void run_all(void)
{
    for (int i = 0; i < 100 && storage_run(&srv); i++)
        ;
}

/* One request, served, answered: its status and the used length. */
static uint8_t one(unsigned p, uint32_t type, uint64_t sector, uint32_t len, bool out,
                   uint32_t *used_len)
{
    guest_request(p, type, sector, len, out, 0);
    run_all();
    unsigned slot;
    uint32_t l;
    ck_assert(guest_used(p, &slot, &l));
    ck_assert_uint_eq(slot, 0);
    if (used_len)
        *used_len = l;
    return guest_status(p, 0);
}

START_TEST(open_reply_describes_the_slice)
{
    struct hv_blk_open_reply r;
    ck_assert(storage_open(&srv, 0, &(struct hv_blk_open){HV_BLK_VERSION}, &r));
    ck_assert_uint_eq(r.capacity, 2048);
    ck_assert(r.features & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
    ck_assert(!(r.features & VIRTIO_BIT(VIRTIO_BLK_F_RO)));
    ck_assert(r.features & VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES));
    ck_assert_uint_eq(r.seg_limits, BLK_SEG_MAX | (uint64_t)BLK_SIZE_MAX << 32);
    ck_assert(storage_open(&srv, 1, &(struct hv_blk_open){HV_BLK_VERSION}, &r));
    ck_assert(r.features & VIRTIO_BIT(VIRTIO_BLK_F_RO));
    ck_assert(!(r.features & VIRTIO_BIT(VIRTIO_BLK_F_DISCARD)));
    ck_assert(!storage_open(&srv, 0, &(struct hv_blk_open){HV_BLK_VERSION + 1}, &r));
    ck_assert(!storage_open(&srv, 2, &(struct hv_blk_open){HV_BLK_VERSION}, &r));
    uint64_t words[2] = {HV_BLK_VERSION, 0};
    struct hv_blk_open m;
    ck_assert(!hv_blk_open_decode(words, 2, &m)); /* a length the message does not have */
    ck_assert(hv_blk_open_decode(words, 1, &m));
}
END_TEST

/* The server's calls go to the client the badge names, whatever the words say: personal's
 * badge (1) opens personal's read-write slice, work's (2) work's read-only one; a badge no
 * VMM holds is refused; work's reset stops work's queue only. */
START_TEST(calls_reach_only_the_badges_client)
{
    struct storage_answer a;
    const uint64_t open[2] = {HV_BLK_VERSION, 1};
    storage_call(&srv, 2, 1, HV_VDEV_OPEN, open, 1, &a);
    ck_assert_uint_eq(a.label, HV_OK);
    ck_assert_uint_eq(a.nwords, HV_BLK_OPEN_REPLY_WORDS);
    ck_assert_uint_eq(a.w[1], 2048);
    ck_assert(!(a.w[2] & VIRTIO_BIT(VIRTIO_BLK_F_RO)));
    storage_call(&srv, 2, 2, HV_VDEV_OPEN, open, 1, &a);
    ck_assert_uint_eq(a.label, HV_OK);
    ck_assert(a.w[2] & VIRTIO_BIT(VIRTIO_BLK_F_RO));
    storage_call(&srv, 2, 2, HV_VDEV_OPEN, open, 2, &a); /* a word more: malformed */
    ck_assert_uint_eq(a.label, HV_EINVAL);
    ck_assert_uint_eq(a.nwords, 0);
    storage_call(&srv, 2, 0, HV_VDEV_OPEN, open, 1, &a);
    ck_assert_uint_eq(a.label, HV_EPERM);
    storage_call(&srv, 2, HV_VDEV_MAX_CLIENTS + 1, HV_VDEV_RESET, NULL, 0, &a);
    ck_assert_uint_eq(a.label, HV_EPERM);
    storage_call(&srv, 2, 3, HV_VDEV_OPEN, open, 1, &a); /* a client without a slice */
    ck_assert_uint_eq(a.label, HV_ENOENT);
    storage_call(&srv, 0, 1, HV_VDEV_OPEN, open, 1, &a); /* the disk was refused */
    ck_assert_uint_eq(a.label, HV_ENOENT);
    storage_call(&srv, 2, 1, 99, NULL, 0, &a);
    ck_assert_uint_eq(a.label, HV_EINVAL);

    storage_call(&srv, 2, 2, HV_VDEV_RESET, NULL, 0, &a);
    ck_assert_uint_eq(a.label, HV_OK);
    ck_assert(!srv.parts[1].vq.ready);
    ck_assert(srv.parts[0].vq.ready);
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_IN, 0, 512, false, NULL), VIRTIO_BLK_S_OK);
    /* work's queue again, through its badge: its export, not personal's, takes it */
    const uint64_t setup[5] = {(uint64_t)GQ << 16, guests[1].vq.desc_pa, guests[1].vq.avail_pa,
                               guests[1].vq.used_pa, 0};
    storage_call(&srv, 2, 2, HV_VDEV_QUEUE_SETUP, setup, 4, &a);
    ck_assert_uint_eq(a.label, HV_EINVAL);
    ck_assert(!srv.parts[1].vq.ready);
    storage_call(&srv, 2, 2, HV_VDEV_QUEUE_SETUP, setup, 5, &a);
    ck_assert_uint_eq(a.label, HV_OK);
    ck_assert(srv.parts[1].vq.ready);
}
END_TEST

START_TEST(queue_setup_refusals)
{
    struct hv_vdev_queue_setup m = {.queue = 1 | (uint64_t)GQ << 16};
    ck_assert_int_eq(storage_queue_setup(&srv, 0, &m), STORAGE_SETUP_BAD_QUEUE);
    m.queue = (uint64_t)512 << 16;
    ck_assert_int_eq(storage_queue_setup(&srv, 0, &m), STORAGE_SETUP_BAD_QUEUE);
    m.queue = (uint64_t)GQ << 16;
    ck_assert_int_eq(storage_queue_setup(&srv, 0, &m), STORAGE_SETUP_LIVE);
    storage_reset(&srv, 0);
    m.desc = GUEST_GPA + GUEST_SIZE; /* outside the partition's RAM */
    m.driver = GUEST_GPA + 0x1000;
    m.device = GUEST_GPA + 0x2000;
    ck_assert_int_eq(storage_queue_setup(&srv, 0, &m), STORAGE_SETUP_BAD_RING);
    ck_assert(!srv.parts[0].vq.ready);
}
END_TEST

START_TEST(write_then_read_lands_in_the_slice)
{
    uint64_t w = guest_request(0, VIRTIO_BLK_T_OUT, 10, 1024, true, 0);
    memset(guest_at(0, w + 512), 0x5a, 1024);
    run_all();
    unsigned slot;
    uint32_t len;
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(len, 1); /* just the status */
    ck_assert_uint_eq(guest_status(0, 0), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(disk.data[(2048 + 10) * 512], 0x5a);
    ck_assert_uint_eq(disk.data[(2048 + 12) * 512 - 1], 0x5a);
    ck_assert_uint_eq(disk.data[(2048 + 12) * 512], 0);
    ck_assert_uint_eq(disk.data[(2048 + 10) * 512 - 1], 0);

    uint64_t r = guest_request(0, VIRTIO_BLK_T_IN, 11, 512, false, 1);
    run_all();
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(slot, 1);
    ck_assert_uint_eq(len, 513);
    ck_assert_uint_eq(guest_status(0, 1), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(*(uint8_t *)guest_at(0, r + 512), 0x5a);
    ck_assert_uint_eq(srv.parts[0].stats.requests, 2);
}
END_TEST

START_TEST(sectors_outside_the_slice_never_reach_the_disk)
{
    uint32_t len;
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_IN, 2048, 512, false, &len), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(len, 1);
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_IN, 2047, 1024, false, NULL), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_OUT, UINT64_MAX - 1, 1024, true, NULL),
                      VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_OUT, 2048 + 2048, 512, true, NULL), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(srv.parts[0].stats.out_of_range, 4);
    ck_assert_uint_eq(disk.submits, 0);
    /* The last sector is in. */
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_IN, 2047, 512, false, NULL), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(disk.submits, 1);
}
END_TEST

START_TEST(read_only_slice_refuses_writes)
{
    ck_assert_uint_eq(one(1, VIRTIO_BLK_T_OUT, 0, 512, true, NULL), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(srv.parts[1].stats.read_only, 1);
    ck_assert_uint_eq(disk.submits, 0);
    disk.data[4096 * 512] = 0x77;
    uint64_t r = guest_request(1, VIRTIO_BLK_T_IN, 0, 512, false, 1);
    run_all();
    unsigned slot;
    uint32_t len;
    ck_assert(guest_used(1, &slot, &len));
    ck_assert_uint_eq(guest_status(1, 1), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(*(uint8_t *)guest_at(1, r + 512), 0x77);
    ck_assert_uint_eq(one(1, VIRTIO_BLK_T_FLUSH, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(flush_completes_only_after_the_disk)
{
    disk.defer = true;
    guest_request(0, VIRTIO_BLK_T_FLUSH, 0, 0, false, 0);
    run_all();
    unsigned slot;
    uint32_t len;
    ck_assert(!guest_used(0, &slot, &len));
    ck_assert_uint_eq(guest_status(0, 0), 0xee);
    ck_assert_uint_eq(irqs[0], 0);
    disk_complete_all();
    ck_assert_uint_eq(disk.flushes, 1);
    run_all();
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(guest_status(0, 0), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(irqs[0], 1);
}
END_TEST

START_TEST(get_id_and_unsupported)
{
    uint32_t len;
    uint64_t at = guest_request(0, VIRTIO_BLK_T_GET_ID, 0, 20, false, 0);
    run_all();
    unsigned slot;
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(len, 21);
    ck_assert_uint_eq(guest_status(0, 0), VIRTIO_BLK_S_OK);
    char want[20] = "duet-personal";
    ck_assert_mem_eq(guest_at(0, at + 512), want, 20);
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_GET_ID, 0, 8, false, NULL), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_GET_LIFETIME, 0, 16, false, NULL), VIRTIO_BLK_S_UNSUPP);
    ck_assert_uint_eq(one(0, 0x1234, 0, 0, false, NULL), VIRTIO_BLK_S_UNSUPP);
    ck_assert_uint_eq(srv.parts[0].stats.unsupported, 2);
}
END_TEST

START_TEST(sizes_must_be_whole_and_bounded)
{
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_IN, 0, 100, false, NULL), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_OUT, 0, 513, true, NULL), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(srv.parts[0].stats.malformed, 2);
    ck_assert_uint_eq(disk.submits, 0);
}
END_TEST

START_TEST(too_large_request)
{
    /* 64 segments of 4 KiB + one more sector: above the advertised maximum. */
    struct vqd_buf b[3] = {
        {DATA_GPA, 16}, {DATA_GPA + 0x1000, BLK_MAX_BYTES + 512}, {DATA_GPA + 0x800, 1}};
    hv_put_le32(guest_at(0, DATA_GPA), VIRTIO_BLK_T_IN);
    ck_assert_int_eq(vqd_add(&guests[0].vq, b, 1, 2, (void *)1), VQD_OK);
    storage_notify(&srv, 0);
    run_all();
    ck_assert_uint_eq(*(uint8_t *)guest_at(0, DATA_GPA + 0x800), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(srv.parts[0].stats.too_large, 1);
}
END_TEST

/* A partition whose data the disk moves itself takes larger requests (up to the segments set
 * for it, and said at OPEN); above them, and for the other partition above the bounce size,
 * IOERR as before. */
START_TEST(raised_request_size)
{
    ck_assert(!storage_set_seg_max(&srv, 0, 0));
    ck_assert(!storage_set_seg_max(&srv, 0, BLK_DIRECT_SEG_MAX + 1));
    ck_assert(!storage_set_seg_max(&srv, 2, 100));
    ck_assert(storage_set_seg_max(&srv, 0, 100));
    struct hv_blk_open_reply r;
    ck_assert(storage_open(&srv, 0, &(struct hv_blk_open){HV_BLK_VERSION}, &r));
    ck_assert_uint_eq(r.seg_limits, 100 | (uint64_t)BLK_SIZE_MAX << 32);
    ck_assert(storage_open(&srv, 1, &(struct hv_blk_open){HV_BLK_VERSION}, &r));
    ck_assert_uint_eq(r.seg_limits, BLK_SEG_MAX | (uint64_t)BLK_SIZE_MAX << 32);
    struct vqd_buf b[3] = {
        {DATA_GPA, 16}, {DATA_GPA + 0x1000, 100 * BLK_SIZE_MAX}, {DATA_GPA + 0x800, 1}};
    hv_put_le32(guest_at(0, DATA_GPA), VIRTIO_BLK_T_IN);
    ck_assert_int_eq(vqd_add(&guests[0].vq, b, 1, 2, (void *)1), VQD_OK);
    storage_notify(&srv, 0);
    run_all();
    ck_assert_uint_eq(*(uint8_t *)guest_at(0, DATA_GPA + 0x800), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(disk.submits, 1);
    unsigned slot;
    uint32_t l;
    ck_assert(guest_used(0, &slot, &l));
    b[1].len += 512;
    ck_assert_int_eq(vqd_add(&guests[0].vq, b, 1, 2, (void *)1), VQD_OK);
    storage_notify(&srv, 0);
    run_all();
    ck_assert_uint_eq(*(uint8_t *)guest_at(0, DATA_GPA + 0x800), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(srv.parts[0].stats.too_large, 1);
    ck_assert_uint_eq(disk.submits, 1);
}
END_TEST

START_TEST(status_byte_placement)
{
    /* No writable byte at all: nowhere to answer, buffers returned with nothing written. */
    struct vqd_buf b[2] = {{DATA_GPA, 16}, {DATA_GPA + 0x100, 1}};
    hv_put_le32(guest_at(0, DATA_GPA), VIRTIO_BLK_T_FLUSH);
    *(uint8_t *)guest_at(0, DATA_GPA + 0x100) = 0xee;
    ck_assert_int_eq(vqd_add(&guests[0].vq, b, 2, 0, (void *)1), VQD_OK);
    storage_notify(&srv, 0);
    run_all();
    unsigned slot;
    uint32_t len;
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(*(uint8_t *)guest_at(0, DATA_GPA + 0x100), 0xee);
    ck_assert_uint_eq(srv.parts[0].stats.malformed, 1);
    ck_assert_uint_eq(disk.flushes, 0);
    /* A header shorter than 16 bytes: IOERR in the status byte. */
    struct vqd_buf c[2] = {{DATA_GPA, 8}, {DATA_GPA + 0x100, 1}};
    ck_assert_int_eq(vqd_add(&guests[0].vq, c, 1, 1, (void *)2), VQD_OK);
    storage_notify(&srv, 0);
    run_all();
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(len, 1);
    ck_assert_uint_eq(*(uint8_t *)guest_at(0, DATA_GPA + 0x100), VIRTIO_BLK_S_IOERR);
    /* Status byte in memory the server does not map (a ROM, or another partition's): libhv
     * refuses the chain before the server sees it. */
    struct vqd_buf d[2] = {{DATA_GPA, 16}, {GUEST_GPA + GUEST_SIZE, 1}};
    hv_put_le32(guest_at(0, DATA_GPA), VIRTIO_BLK_T_FLUSH);
    ck_assert_int_eq(vqd_add(&guests[0].vq, d, 1, 1, (void *)3), VQD_OK);
    storage_notify(&srv, 0);
    run_all();
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(srv.parts[0].faults.count[VIRTIO_FAULT_ADDR_OUTSIDE], 1);
    ck_assert_uint_eq(disk.flushes, 0);
}
END_TEST

START_TEST(ten_thousand_descriptors_and_the_other_partition_goes_on)
{
    storage_reset(&srv, 0);
    world_queue(0, VIRTIO_BIT(VIRTIO_F_VERSION_1) | F_INDIRECT);
    /* An indirect table of 10,000 descriptors, each chained to the next. */
    uint64_t table = GUEST_GPA + 0x20000;
    for (unsigned i = 0; i < 10000; i++) {
        uint8_t *d = guest_at(0, table + 16 * i);
        hv_put_le64(d, DATA_GPA);
        hv_put_le32(d + 8, 16);
        hv_put_le16(d + 12, i + 1 < 10000 ? VIRTQ_DESC_F_NEXT : VIRTQ_DESC_F_WRITE);
        hv_put_le16(d + 14, (uint16_t)(i + 1));
    }
    struct vqd *vq = &guests[0].vq;
    uint8_t *d0 = vq->desc;
    hv_put_le64(d0, table);
    hv_put_le32(d0 + 8, 16 * 10000);
    hv_put_le16(d0 + 12, VIRTQ_DESC_F_INDIRECT);
    hv_put_le16(vq->avail + 4, 0);
    hv_put_le16(vq->avail + 2, 1);
    storage_notify(&srv, 0);
    guest_request(1, VIRTIO_BLK_T_IN, 5, 512, false, 0);
    run_all();
    /* Refused at the server's segment capacity (66), long before the queue size (256). */
    ck_assert_uint_eq(srv.parts[0].faults.count[VIRTIO_FAULT_SEGS_OVERFLOW], 1);
    ck_assert_uint_eq(hv_le16(vq->used + 2), 1); /* returned, length 0 */
    ck_assert_uint_eq(hv_le32(vq->used + 8), 0);
    ck_assert_uint_eq(guest_status(1, 0), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(reset_mid_request_touches_nothing)
{
    disk.defer = true;
    disk.data[(2048 + 3) * 512] = 0x33;
    uint64_t r = guest_request(0, VIRTIO_BLK_T_IN, 3, 512, false, 0);
    run_all();
    ck_assert_uint_eq(disk.nqueued, 1);
    storage_reset(&srv, 0);
    /* The guest reuses the buffer at once; the late completion must not write into it. */
    memset(guest_at(0, r + 512), 0x44, 512);
    disk_complete_all();
    run_all();
    ck_assert_uint_eq(*(uint8_t *)guest_at(0, r + 512), 0x44);
    ck_assert_uint_eq(guest_status(0, 0), 0xee);
    ck_assert_uint_eq(hv_le16(guests[0].vq.used + 2), 0);
    ck_assert_uint_eq(srv.parts[0].stats.stale, 1);
    ck_assert_uint_eq(srv.parts[0].inflight, 0);
    /* Set up again: served as usual. */
    disk.defer = false;
    world_queue(0, VIRTIO_BIT(VIRTIO_F_VERSION_1));
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_IN, 3, 512, false, NULL), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(*(uint8_t *)guest_at(0, r + 512), 0x33);
}
END_TEST

START_TEST(flood_does_not_starve_the_other_partition)
{
    disk.defer = true;
    for (unsigned i = 0; i < 60; i++)
        guest_request(0, VIRTIO_BLK_T_IN, i, 512, false, i % 30);
    storage_run(&srv);
    /* The flooder holds at most its quota at the disk. */
    ck_assert_uint_eq(srv.parts[0].inflight, STORAGE_IOS / 2);
    guest_request(1, VIRTIO_BLK_T_IN, 0, 512, false, 0);
    storage_run(&srv);
    ck_assert_uint_eq(srv.parts[1].inflight, 1); /* at the disk at once, behind 16 at most */
    ck_assert_uint_eq(disk.nqueued, STORAGE_IOS / 2 + 1);
    disk_complete_all();
    run_all();
    ck_assert_uint_eq(guest_status(1, 0), VIRTIO_BLK_S_OK);
    while (disk.nqueued) {
        disk_complete_all();
        run_all();
    }
    ck_assert_uint_eq(srv.parts[0].stats.requests, 60);
}
END_TEST

/* The pass a partition's own thread runs (on its budget) touches that partition only: the
 * other's ring stays untaken and unanswered, and each partition's requests come from its own
 * share of the pool, so two such threads never race for a request slot. */
START_TEST(a_partitions_pass_touches_that_partition_only)
{
    disk.defer = true;
    for (unsigned i = 0; i < 20; i++)
        guest_request(0, VIRTIO_BLK_T_IN, i, 512, false, i);
    guest_request(1, VIRTIO_BLK_T_IN, 0, 512, false, 0);
    storage_notify(&srv, 0);
    storage_notify(&srv, 1);
    while (storage_run_part(&srv, 0))
        ;
    ck_assert_uint_eq(srv.parts[0].inflight, STORAGE_IOS / 2); /* its quota */
    ck_assert_uint_eq(srv.parts[1].inflight, 0);
    ck_assert_uint_eq(srv.parts[1].stats.requests, 0);
    ck_assert_uint_eq(disk.nqueued, STORAGE_IOS / 2);
    for (unsigned i = 0; i < disk.nqueued; i++) {
        ck_assert_uint_eq(disk.queued[i]->part, 0);
        ck_assert_uint_lt(disk.queued[i]->index, STORAGE_IOS / 2);
    }
    ck_assert(!storage_run_part(&srv, 0)); /* at its quota: nothing it may start now */
    disk_complete_all(); /* the low slots free again: partition 1 still takes its own */
    ck_assert(storage_run_part(&srv, 1) == false);
    ck_assert_uint_eq(srv.parts[1].inflight, 1);
    ck_assert_uint_eq(disk.nqueued, 1);
    ck_assert_uint_ge(disk.queued[0]->index, STORAGE_IOS / 2);
    ck_assert(!storage_run_part(&srv, 2)); /* no such partition: nothing */
    while (disk.nqueued) {
        disk_complete_all();
        while (storage_run_part(&srv, 0) || storage_run_part(&srv, 1))
            ;
    }
    ck_assert_uint_eq(srv.parts[0].stats.requests, 20);
    ck_assert_uint_eq(guest_status(1, 0), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(irqs[1], 1);
}
END_TEST

START_TEST(one_pass_is_bounded)
{
    for (unsigned i = 0; i < 40; i++)
        guest_request(0, VIRTIO_BLK_T_IN, i, 512, false, i % 30);
    ck_assert(storage_run(&srv)); /* work left */
    ck_assert_uint_eq(srv.parts[0].stats.requests, STORAGE_BATCH);
    run_all();
    ck_assert_uint_eq(srv.parts[0].stats.requests, 40);
    ck_assert(!storage_run(&srv));
}
END_TEST

START_TEST(write_zeroes_and_discard)
{
    memset(disk.data + (2048 + 100) * 512, 0xab, 4 * 512);
    uint64_t at = guest_request(0, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, true, 0);
    uint8_t *seg = guest_at(0, at + 512);
    hv_put_le64(seg, 101);
    hv_put_le32(seg + 8, 2);
    hv_put_le32(seg + 12, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
    run_all();
    unsigned slot;
    uint32_t len;
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(guest_status(0, 0), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(disk.data[(2048 + 100) * 512], 0xab);
    ck_assert_uint_eq(disk.data[(2048 + 101) * 512], 0);
    ck_assert_uint_eq(disk.data[(2048 + 103) * 512 - 1], 0);
    ck_assert_uint_eq(disk.data[(2048 + 103) * 512], 0xab);
    /* Out of the slice, unknown flags, discard with unmap, read-only slice. */
    at = guest_request(0, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, true, 0);
    hv_put_le64(seg, 2047);
    hv_put_le32(seg + 8, 2);
    hv_put_le32(seg + 12, 0);
    run_all();
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(guest_status(0, 0), VIRTIO_BLK_S_IOERR);
    guest_request(0, VIRTIO_BLK_T_DISCARD, 0, 16, true, 0);
    hv_put_le64(seg, 0);
    hv_put_le32(seg + 12, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
    run_all();
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(guest_status(0, 0), VIRTIO_BLK_S_UNSUPP);
    guest_request(0, VIRTIO_BLK_T_DISCARD, 0, 16, true, 0);
    hv_put_le32(seg + 12, 0);
    run_all();
    ck_assert(guest_used(0, &slot, &len));
    ck_assert_uint_eq(guest_status(0, 0), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(srv.parts[0].stats.out_of_range, 1);
    ck_assert_uint_eq(srv.parts[0].stats.unsupported, 1);
    ck_assert_uint_eq(disk.zeroes, 1);
    ck_assert_uint_eq(one(1, VIRTIO_BLK_T_DISCARD, 0, 16, true, NULL), VIRTIO_BLK_S_IOERR);
}
END_TEST

START_TEST(disk_error_is_ioerr)
{
    disk.fail = true;
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_IN, 0, 512, false, NULL), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(srv.parts[0].stats.disk_errors, 1);
}
END_TEST

START_TEST(interrupts_follow_the_driver)
{
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_IN, 0, 512, false, NULL), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(irqs[0], 1);
    hv_put_le16(guests[0].vq.avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_IN, 0, 512, false, NULL), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(irqs[0], 1);
    ck_assert_uint_eq(irqs[1], 0);
}
END_TEST

START_TEST(corrupt_ring_asks_for_reset_and_other_goes_on)
{
    hv_put_le16(guests[0].vq.avail + 2, 1000); /* avail idx far ahead */
    storage_notify(&srv, 0);
    guest_request(1, VIRTIO_BLK_T_IN, 0, 512, false, 0);
    run_all();
    ck_assert_uint_eq(resets_asked[0], 1);
    ck_assert_uint_eq(srv.parts[0].faults.count[VIRTIO_FAULT_AVAIL_IDX_JUMP], 1);
    ck_assert_uint_eq(guest_status(1, 0), VIRTIO_BLK_S_OK);
    storage_notify(&srv, 0);
    run_all();
    ck_assert_uint_eq(resets_asked[0], 1); /* asked once */
}
END_TEST

START_TEST(event_idx_suppresses_interrupts)
{
    storage_reset(&srv, 0);
    world_queue(0, VIRTIO_BIT(VIRTIO_F_VERSION_1) | F_EVENT);
    hv_put_le16(guests[0].vq.avail + 4 + 2 * GQ, 5); /* used_event: interrupt after entry 5 */
    ck_assert_uint_eq(one(0, VIRTIO_BLK_T_IN, 0, 512, false, NULL), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(irqs[0], 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("storage");
    TCase *t = tcase_create("requests");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, open_reply_describes_the_slice);
    tcase_add_test(t, queue_setup_refusals);
    tcase_add_test(t, calls_reach_only_the_badges_client);
    tcase_add_test(t, write_then_read_lands_in_the_slice);
    tcase_add_test(t, sectors_outside_the_slice_never_reach_the_disk);
    tcase_add_test(t, read_only_slice_refuses_writes);
    tcase_add_test(t, flush_completes_only_after_the_disk);
    tcase_add_test(t, get_id_and_unsupported);
    tcase_add_test(t, sizes_must_be_whole_and_bounded);
    tcase_add_test(t, too_large_request);
    tcase_add_test(t, raised_request_size);
    tcase_add_test(t, status_byte_placement);
    tcase_add_test(t, ten_thousand_descriptors_and_the_other_partition_goes_on);
    tcase_add_test(t, reset_mid_request_touches_nothing);
    tcase_add_test(t, flood_does_not_starve_the_other_partition);
    tcase_add_test(t, one_pass_is_bounded);
    tcase_add_test(t, a_partitions_pass_touches_that_partition_only);
    tcase_add_test(t, write_zeroes_and_discard);
    tcase_add_test(t, disk_error_is_ioerr);
    tcase_add_test(t, interrupts_follow_the_driver);
    tcase_add_test(t, corrupt_ring_asks_for_reset_and_other_goes_on);
    tcase_add_test(t, event_idx_suppresses_interrupts);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(suite());
}
