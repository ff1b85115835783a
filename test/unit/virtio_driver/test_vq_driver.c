/* Check tests of the split virtqueue driver side: layout, descriptors and ring publishing,
 * an honest device round trip (libhv's device side), and every lie a device can tell. */
#include "check_run.h"
#include "dev_model.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vq_driver.h>
#include <string.h>

#define QSIZE 8

static struct model_dma md;
static struct vqd vq;
static struct vqd_slot slots[QSIZE];
static struct vqd_layout lay;
static struct virtio_faults dev_faults;
static struct virtq dev; /* the device side of the same rings */
static struct virtq_seg dsegs[16];
static struct virtq_req dreq = {.segs = dsegs, .capacity = 16};

static void setup_q_features(bool event_idx, uint64_t features)
{
    model_dma_init(&md, 0);
    ck_assert(vqd_layout(QSIZE, 4, &lay));
    ck_assert_int_eq(vqd_init(&vq, QSIZE, &md.dma, &lay, slots, event_idx), VQD_OK);
    memset(&dev_faults, 0, sizeof(dev_faults));
    struct virtq_config cfg = {.size = QSIZE,
                               .desc = vq.desc_pa,
                               .driver = vq.avail_pa,
                               .device = vq.used_pa,
                               .features = features |
                                           (event_idx ? VIRTIO_BIT(VIRTIO_F_EVENT_IDX) : 0)};
    memset(&dev, 0, sizeof(dev));
    ck_assert_int_eq(virtq_init(&dev, &cfg, &md.mem, &dev_faults), VIRTQ_SETUP_OK);
}

static void setup_q(bool event_idx)
{
    setup_q_features(event_idx, 0);
}

static void setup(void)
{
    setup_q(false);
}
static void setup_indirect(void)
{
    setup_q_features(false, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
}
static void setup_event(void)
{
    setup_q(true);
}
static void teardown(void)
{
    model_dma_free(&md);
}

static uint8_t *used_elem(uint16_t i)
{
    return vq.used + 4 + 8 * (i % QSIZE);
}

/* Plays a device that returns head with len, whatever the rules say. */
static void lying_device(uint16_t slot, uint32_t id, uint32_t len, uint16_t new_idx)
{
    hv_put_le32(used_elem(slot), id);
    hv_put_le32(used_elem(slot) + 4, len);
    hv_put_le16(vq.used + 2, new_idx);
}

static void add3(void *token)
{
    struct vqd_buf b[3] = {
        {MODEL_DMA_PA + 0x8000, 16}, {MODEL_DMA_PA + 0x9000, 512}, {MODEL_DMA_PA + 0x9200, 1}};
    ck_assert_int_eq(vqd_add(&vq, b, 1, 2, token), VQD_OK);
}

START_TEST(layout_legacy_and_modern)
{
    struct vqd_layout l;
    ck_assert(vqd_layout(128, 4096, &l));
    ck_assert_uint_eq(l.avail, 2048);
    ck_assert_uint_eq(l.used, 4096); /* 2048 + 4 + 256 + 2 rounded up to the page */
    ck_assert_uint_eq(l.total, 4096 + 4 + 8 * 128 + 2);
    ck_assert(vqd_layout(8, 4, &l));
    ck_assert_uint_eq(l.used, 128 + 22 + 2); /* 150 rounded to 4 */
    ck_assert(!vqd_layout(6, 4, &l));
    ck_assert(!vqd_layout(8, 2, &l));
    ck_assert(!vqd_layout(8, 12, &l));
}
END_TEST

START_TEST(init_refuses_bad_memory)
{
    struct vqd q;
    struct virtio_dma small = md.dma;
    small.size = lay.total - 1;
    ck_assert_int_eq(vqd_init(&q, QSIZE, &small, &lay, slots, false), VQD_BAD_ARG);
    struct virtio_dma odd = md.dma;
    odd.pa += 8; /* descriptor table must be 16-aligned in bus address */
    ck_assert_int_eq(vqd_init(&q, QSIZE, &odd, &lay, slots, false), VQD_BAD_ARG);
    ck_assert_int_eq(vqd_init(&q, 12, &md.dma, &lay, slots, false), VQD_BAD_ARG);
    ck_assert_int_eq(vqd_init(&q, QSIZE, &md.dma, &lay, NULL, false), VQD_BAD_ARG);
}
END_TEST

START_TEST(add_writes_chain_and_publishes)
{
    add3((void *)0x11);
    /* Descriptors 0,1,2 chained, readable then writable, next only where NEXT. */
    ck_assert_uint_eq(hv_le64(vq.desc), MODEL_DMA_PA + 0x8000);
    ck_assert_uint_eq(hv_le32(vq.desc + 8), 16);
    ck_assert_uint_eq(hv_le16(vq.desc + 12), VIRTQ_DESC_F_NEXT);
    ck_assert_uint_eq(hv_le16(vq.desc + 14), 1);
    ck_assert_uint_eq(hv_le16(vq.desc + 16 + 12), VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
    ck_assert_uint_eq(hv_le16(vq.desc + 16 + 14), 2);
    ck_assert_uint_eq(hv_le16(vq.desc + 32 + 12), VIRTQ_DESC_F_WRITE);
    ck_assert_uint_eq(hv_le16(vq.avail + 2), 1); /* avail idx */
    ck_assert_uint_eq(hv_le16(vq.avail + 4), 0); /* ring[0] = head 0 */
    ck_assert_uint_eq(vq.num_free, QSIZE - 3);
    ck_assert_uint_eq(vq.inflight, 1);
    ck_assert_uint_eq(slots[0].writable, 513);
}
END_TEST

START_TEST(add_refuses_bad_buffers_and_full_queue)
{
    struct vqd_buf zero = {MODEL_DMA_PA, 0}, wrap = {UINT64_MAX - 2, 8};
    struct vqd_buf big[2] = {{0x1000, UINT32_MAX}, {0x2000, 2}};
    ck_assert_int_eq(vqd_add(&vq, &zero, 1, 0, NULL), VQD_BAD_ARG);
    ck_assert_int_eq(vqd_add(&vq, &wrap, 0, 1, NULL), VQD_BAD_ARG);
    ck_assert_int_eq(vqd_add(&vq, big, 0, 2, NULL), VQD_BAD_ARG); /* > 4 GiB writable */
    ck_assert_int_eq(vqd_add(&vq, big, 0, 0, NULL), VQD_BAD_ARG);
    struct vqd_buf many[QSIZE + 1];
    for (unsigned i = 0; i < QSIZE + 1; i++)
        many[i] = (struct vqd_buf){MODEL_DMA_PA + i * 16, 16};
    ck_assert_int_eq(vqd_add(&vq, many, QSIZE + 1, 0, NULL), VQD_BAD_ARG);
    add3(NULL);
    add3(NULL);
    ck_assert_int_eq(vqd_add(&vq, many, 3, 0, NULL), VQD_NO_SPACE); /* 2 free */
    ck_assert_int_eq(vqd_add(&vq, many, 2, 0, NULL), VQD_OK);
    ck_assert_uint_eq(vq.num_free, 0);
    ck_assert_uint_eq(hv_le16(vq.avail + 2), 3);
}
END_TEST

/* The device side pops what the driver published and returns it. */
static void device_serves(uint32_t written)
{
    ck_assert_int_eq(virtq_pop(&dev, &dreq), VIRTQ_POP_REQUEST);
    ck_assert_int_eq(virtq_push(&dev, &dreq, written), VIRTQ_PUSH_OK);
}

START_TEST(round_trip_through_device_side)
{
    add3((void *)0x42);
    ck_assert_int_eq(virtq_pop(&dev, &dreq), VIRTQ_POP_REQUEST);
    ck_assert_uint_eq(dreq.nreadable, 1);
    ck_assert_uint_eq(dreq.nwritable, 2);
    ck_assert_ptr_eq(dsegs[0].addr, (uint8_t *)md.dma.va + 0x8000);
    ck_assert_uint_eq(dsegs[1].len, 512);
    ck_assert_int_eq(virtq_push(&dev, &dreq, 513), VIRTQ_PUSH_OK);
    void *tok;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), VQD_OK);
    ck_assert_ptr_eq(tok, (void *)0x42);
    ck_assert_uint_eq(len, 513);
    ck_assert_uint_eq(vq.num_free, QSIZE);
    ck_assert_uint_eq(vq.inflight, 0);
    ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), VQD_EMPTY);
    ck_assert_uint_eq(dev_faults.count[VIRTIO_FAULT_DESC_INDEX], 0);
}
END_TEST

START_TEST(free_list_survives_out_of_order_returns)
{
    /* Fill the queue with chains of 2, return them in reverse, twice over. */
    for (int round = 0; round < 3; round++) {
        struct virtq_req held[4];
        struct virtq_seg hsegs[4][4];
        for (uintptr_t i = 0; i < 4; i++) {
            struct vqd_buf b[2] = {{MODEL_DMA_PA + 0x8000 + i * 64, 16},
                                   {MODEL_DMA_PA + 0x9000 + i * 64, 32}};
            ck_assert_int_eq(vqd_add(&vq, b, 1, 1, (void *)(i + 1)), VQD_OK);
        }
        ck_assert_uint_eq(vq.num_free, 0);
        for (int i = 0; i < 4; i++) {
            held[i] = (struct virtq_req){.segs = hsegs[i], .capacity = 4};
            ck_assert_int_eq(virtq_pop(&dev, &held[i]), VIRTQ_POP_REQUEST);
        }
        for (int i = 3; i >= 0; i--)
            ck_assert_int_eq(virtq_push(&dev, &held[i], 32), VIRTQ_PUSH_OK);
        for (uintptr_t i = 4; i >= 1; i--) {
            void *tok;
            uint32_t len;
            ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), VQD_OK);
            ck_assert_ptr_eq(tok, (void *)i);
        }
        ck_assert_uint_eq(vq.num_free, QSIZE);
    }
}
END_TEST

static void expect_broken(enum vqd_result why)
{
    void *tok = (void *)0x99;
    uint32_t len = 77;
    ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), why);
    ck_assert_ptr_eq(tok, (void *)0x99); /* nothing handed out */
    ck_assert_uint_eq(len, 77);
    ck_assert(vq.broken);
    ck_assert_int_eq(vq.why, why);
    ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), VQD_BROKEN);
    ck_assert_int_eq(vqd_add(&vq, &(struct vqd_buf){MODEL_DMA_PA, 4}, 1, 0, NULL), VQD_BROKEN);
    ck_assert(!vqd_arm(&vq));
}

START_TEST(hostile_used_id_out_of_range)
{
    add3((void *)1);
    lying_device(0, QSIZE, 0, 1);
    expect_broken(VQD_USED_ID);
    ck_assert_uint_eq(vq.num_free, QSIZE - 3); /* the chain stays with the device */
}
END_TEST

START_TEST(hostile_used_id_huge)
{
    add3((void *)1);
    lying_device(0, 0xffffffffu, 0, 1);
    expect_broken(VQD_USED_ID);
}
END_TEST

START_TEST(hostile_used_id_mid_chain)
{
    add3((void *)1);
    lying_device(0, 1, 0, 1); /* descriptor 1 is in flight, but not a head */
    expect_broken(VQD_USED_NOT_INFLIGHT);
}
END_TEST

START_TEST(hostile_double_return)
{
    add3((void *)1);
    add3((void *)2);
    lying_device(0, 0, 0, 1);
    void *tok;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), VQD_OK);
    ck_assert_ptr_eq(tok, (void *)1);
    lying_device(1, 0, 0, 2); /* head 0 again: already free */
    expect_broken(VQD_USED_NOT_INFLIGHT);
    ck_assert_uint_eq(vq.num_free, QSIZE - 3);
}
END_TEST

START_TEST(hostile_used_len_too_big)
{
    add3((void *)1);
    lying_device(0, 0, 514, 1); /* writable is 513 */
    expect_broken(VQD_USED_LEN);
}
END_TEST

START_TEST(hostile_used_len_exact_is_fine)
{
    add3((void *)1);
    lying_device(0, 0, 513, 1);
    void *tok;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), VQD_OK);
    ck_assert_uint_eq(len, 513);
}
END_TEST

START_TEST(hostile_used_idx_jump)
{
    add3((void *)1);
    lying_device(0, 0, 0, 2); /* two entries, one chain in flight */
    expect_broken(VQD_USED_IDX);
}
END_TEST

START_TEST(hostile_used_idx_backwards)
{
    lying_device(0, 0, 0, 0xffff); /* nothing in flight at all */
    expect_broken(VQD_USED_IDX);
}
END_TEST

static unsigned drained;
static uintptr_t drained_sum;
static void count_token(void *ctx, void *token)
{
    (void)ctx;
    drained++;
    drained_sum += (uintptr_t)token;
}

START_TEST(drain_returns_every_inflight_token)
{
    add3((void *)1);
    add3((void *)2);
    lying_device(0, 7, 0, 1);
    expect_broken(VQD_USED_NOT_INFLIGHT);
    drained = 0;
    drained_sum = 0;
    vqd_drain(&vq, count_token, NULL);
    ck_assert_uint_eq(drained, 2);
    ck_assert_uint_eq(drained_sum, 3);
    ck_assert_uint_eq(vq.num_free, QSIZE);
    ck_assert_uint_eq(vq.inflight, 0);
}
END_TEST

START_TEST(kick_follows_no_notify_flag)
{
    add3(NULL);
    ck_assert(vqd_kick_needed(&vq));
    ck_assert(!vqd_kick_needed(&vq)); /* nothing new since */
    hv_put_le16(vq.used, VIRTQ_USED_F_NO_NOTIFY);
    add3(NULL);
    ck_assert(!vqd_kick_needed(&vq));
}
END_TEST

START_TEST(kick_follows_avail_event)
{
    /* avail_event = 1: notify when avail idx passes from <= 1 to > 1. */
    hv_put_le16(vq.used + 4 + 8 * QSIZE, 1);
    add3(NULL); /* idx 0 -> 1 */
    ck_assert(!vqd_kick_needed(&vq));
    add3(NULL); /* idx 1 -> 2 */
    ck_assert(vqd_kick_needed(&vq));
}
END_TEST

START_TEST(arm_sets_used_event_and_reports_pending)
{
    add3((void *)1);
    ck_assert(!vqd_arm(&vq));
    ck_assert_uint_eq(hv_le16(vq.avail + 4 + 2 * QSIZE), 0);
    device_serves(1);
    ck_assert(vqd_arm(&vq)); /* a used entry arrived: harvest before waiting */
    void *tok;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), VQD_OK);
    ck_assert_uint_eq(hv_le16(vq.avail + 4 + 2 * QSIZE), 1);
    ck_assert(!vqd_arm(&vq));
}
END_TEST

START_TEST(event_idx_round_trip_device_notifies)
{
    add3((void *)5);
    /* The device asked for a kick at entry 0 when it found the ring empty earlier. */
    ck_assert(vqd_kick_needed(&vq));
    ck_assert(!vqd_arm(&vq));
    device_serves(0);
    ck_assert(virtq_should_notify(&dev)); /* used_event 0 was passed */
}
END_TEST

/* A chain longer than the queue, as one ring descriptor: the device walks the table, the
 * used length is checked against the table's writable bytes, and the slot comes back. */
START_TEST(indirect_round_trip)
{
    struct virtio_dma table = {(uint8_t *)md.dma.va + 0xa000, MODEL_DMA_PA + 0xa000, 0x100};
    struct vqd_buf b[QSIZE + 2];
    for (unsigned i = 0; i < QSIZE + 2; i++)
        b[i] = (struct vqd_buf){MODEL_DMA_PA + 0x8000 + 0x100 * i, 0x80};
    /* Longer than the queue: refused (§2.7.5.3.1), and nothing taken. */
    ck_assert_int_eq(vqd_add_indirect(&vq, &table, b, 4, QSIZE - 3, NULL), VQD_BAD_ARG);
    ck_assert_uint_eq(vq.num_free, QSIZE);
    /* A table too small for the chain, or misaligned: refused. */
    struct virtio_dma small = {table.va, table.pa, 7 * VIRTQ_DESC_SIZE};
    ck_assert_int_eq(vqd_add_indirect(&vq, &small, b, 4, 4, NULL), VQD_BAD_ARG);
    struct virtio_dma odd = {(uint8_t *)table.va + 8, table.pa + 8, 0x80};
    ck_assert_int_eq(vqd_add_indirect(&vq, &odd, b, 4, 4, NULL), VQD_BAD_ARG);
    ck_assert_int_eq(vqd_add_indirect(&vq, &table, b, 3, 5, (void *)0x77), VQD_OK);
    ck_assert_uint_eq(vq.num_free, QSIZE - 1);
    ck_assert_uint_eq(hv_le16(vq.desc + 12), VIRTQ_DESC_F_INDIRECT);
    ck_assert_uint_eq(hv_le32(vq.desc + 8), 8 * VIRTQ_DESC_SIZE);
    ck_assert_int_eq(virtq_pop(&dev, &dreq), VIRTQ_POP_REQUEST);
    ck_assert_uint_eq(dreq.nreadable, 3);
    ck_assert_uint_eq(dreq.nwritable, 5);
    ck_assert_ptr_eq(dsegs[7].addr, (uint8_t *)md.dma.va + 0x8700);
    ck_assert_int_eq(virtq_push(&dev, &dreq, 5 * 0x80), VIRTQ_PUSH_OK);
    void *tok;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), VQD_OK);
    ck_assert_ptr_eq(tok, (void *)0x77);
    ck_assert_uint_eq(len, 5 * 0x80);
    ck_assert_uint_eq(vq.num_free, QSIZE);
    ck_assert_uint_eq(vq.inflight, 0);
}
END_TEST

/* A device claiming more than the table's writable bytes breaks the queue, as for a chain. */
START_TEST(indirect_used_len_too_big)
{
    struct virtio_dma table = {(uint8_t *)md.dma.va + 0xa000, MODEL_DMA_PA + 0xa000, 0x100};
    struct vqd_buf b[3] = {
        {MODEL_DMA_PA + 0x8000, 16}, {MODEL_DMA_PA + 0x9000, 512}, {MODEL_DMA_PA + 0x9200, 1}};
    ck_assert_int_eq(vqd_add_indirect(&vq, &table, b, 1, 2, (void *)1), VQD_OK);
    lying_device(0, 0, 514, 1);
    void *tok;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&vq, &tok, &len), VQD_USED_LEN);
    ck_assert(vq.broken);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vq_driver");
    TCase *t = tcase_create("plain");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, layout_legacy_and_modern);
    tcase_add_test(t, init_refuses_bad_memory);
    tcase_add_test(t, add_writes_chain_and_publishes);
    tcase_add_test(t, add_refuses_bad_buffers_and_full_queue);
    tcase_add_test(t, round_trip_through_device_side);
    tcase_add_test(t, free_list_survives_out_of_order_returns);
    tcase_add_test(t, hostile_used_id_out_of_range);
    tcase_add_test(t, hostile_used_id_huge);
    tcase_add_test(t, hostile_used_id_mid_chain);
    tcase_add_test(t, hostile_double_return);
    tcase_add_test(t, hostile_used_len_too_big);
    tcase_add_test(t, hostile_used_len_exact_is_fine);
    tcase_add_test(t, hostile_used_idx_jump);
    tcase_add_test(t, hostile_used_idx_backwards);
    tcase_add_test(t, drain_returns_every_inflight_token);
    tcase_add_test(t, kick_follows_no_notify_flag);
    suite_add_tcase(s, t);
    TCase *e = tcase_create("event_idx");
    tcase_add_checked_fixture(e, setup_event, teardown);
    tcase_add_test(e, kick_follows_avail_event);
    tcase_add_test(e, arm_sets_used_event_and_reports_pending);
    tcase_add_test(e, event_idx_round_trip_device_notifies);
    suite_add_tcase(s, e);
    TCase *in = tcase_create("indirect");
    tcase_add_checked_fixture(in, setup_indirect, teardown);
    tcase_add_test(in, indirect_round_trip);
    tcase_add_test(in, indirect_used_len_too_big);
    suite_add_tcase(s, in);
    return s;
}

int main(void)
{
    return check_run(suite());
}
