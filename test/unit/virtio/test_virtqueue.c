/* Unit tests for the device-side split virtqueue: chains, every hostile case, notification. */
#include "check_run.h"
#include "guest_sim.h"

#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/virtqueue.h>
#include <string.h>

#define W VIRTQ_DESC_F_WRITE
#define N VIRTQ_DESC_F_NEXT
#define I VIRTQ_DESC_F_INDIRECT
#define F_INDIRECT VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)
#define F_EVENT_IDX VIRTIO_BIT(VIRTIO_F_EVENT_IDX)
#define F_V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define TABLE (GUEST_DATA + 0x2000) /* an indirect table */

static struct guest g;
static struct fault_log flog;
static struct virtq vq;
static struct virtq_seg segs[300];
static struct virtq_req req;

static void setup_queue(uint16_t qsize, uint64_t features)
{
    guest_init(&g, qsize);
    fault_log_init(&flog);
    memset(&vq, 0, sizeof(vq));
    memset(&req, 0, sizeof(req));
    req.segs = segs;
    req.capacity = sizeof(segs) / sizeof(segs[0]);
    struct virtq_config cfg = guest_queue_config(&g, features);
    ck_assert_int_eq(virtq_init(&vq, &cfg, &g.mem, &flog.faults), VIRTQ_SETUP_OK);
}

static void teardown(void)
{
    guest_free(&g);
}

static void assert_seg(uint32_t i, uint64_t gpa, uint32_t len)
{
    ck_assert_ptr_eq(req.segs[i].addr, guest_ptr(&g, gpa));
    ck_assert_uint_eq(req.segs[i].len, len);
}

static void assert_used(uint16_t i, uint32_t id, uint32_t len)
{
    uint32_t got_id, got_len;
    guest_used_elem(&g, i, &got_id, &got_len);
    ck_assert_uint_eq(got_id, id);
    ck_assert_uint_eq(got_len, len);
}

/* The one outcome of a refused chain: returned with length 0, counted once, logged once. */
static void expect_dropped(enum virtio_fault kind, uint16_t head)
{
    uint16_t used_before = guest_used_idx(&g);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_DROPPED);
    ck_assert_uint_eq(flog.faults.count[kind], 1);
    ck_assert_uint_eq(fault_total(&flog), 1);
    ck_assert_uint_eq(flog.lines[kind], 1);
    ck_assert_uint_eq(flog.resets, 0);
    ck_assert_uint_eq(guest_used_idx(&g), (uint16_t)(used_before + 1));
    assert_used(used_before, head, 0);
    ck_assert_uint_eq(vq.inflight, 0);
    ck_assert_uint_eq(req.nreadable + req.nwritable, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_EMPTY);
}

/* The one outcome of a corrupt ring: DEVICE_NEEDS_RESET requested and the queue stopped. */
static void expect_broken(enum virtio_fault kind)
{
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_BROKEN);
    ck_assert_uint_eq(flog.faults.count[kind], 1);
    ck_assert_uint_eq(fault_total(&flog), 1);
    ck_assert_uint_eq(flog.resets, 1);
    ck_assert_uint_eq(guest_used_idx(&g), 0);
    /* Stays stopped without counting again; nothing more is read or written. */
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_BROKEN);
    ck_assert_uint_eq(fault_total(&flog), 1);
    ck_assert_uint_eq(flog.resets, 1);
    ck_assert_int_eq(virtq_push(&vq, &req, 0), VIRTQ_PUSH_NOT_READY);
    ck_assert_uint_eq(guest_used_idx(&g), 0);
}

/* ---- setup ---- */

static enum virtq_setup_result try_init(uint32_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
    struct virtq q = {0};
    struct virtq_config cfg = {size, desc, avail, used, F_V1};
    enum virtq_setup_result r = virtq_init(&q, &cfg, &g.mem, &flog.faults);
    ck_assert_int_eq(q.ready, r == VIRTQ_SETUP_OK);
    return r;
}

START_TEST(init_checks_size_and_ring_placement)
{
    guest_init(&g, 8);
    fault_log_init(&flog);
    ck_assert_int_eq(try_init(8, GUEST_DESC, GUEST_AVAIL, GUEST_USED), VIRTQ_SETUP_OK);
    ck_assert_int_eq(try_init(1, GUEST_DESC, GUEST_AVAIL, GUEST_USED), VIRTQ_SETUP_OK);
    ck_assert_int_eq(try_init(0, GUEST_DESC, GUEST_AVAIL, GUEST_USED), VIRTQ_SETUP_BAD_SIZE);
    ck_assert_int_eq(try_init(6, GUEST_DESC, GUEST_AVAIL, GUEST_USED), VIRTQ_SETUP_BAD_SIZE);
    ck_assert_int_eq(try_init(65536, GUEST_DESC, GUEST_AVAIL, GUEST_USED), VIRTQ_SETUP_BAD_SIZE);
    /* §2.7: descriptor table 16-aligned, available ring 2-aligned, used ring 4-aligned. */
    ck_assert_int_eq(try_init(8, GUEST_DESC + 8, GUEST_AVAIL, GUEST_USED), VIRTQ_SETUP_BAD_RING);
    ck_assert_int_eq(try_init(8, GUEST_DESC, GUEST_AVAIL + 1, GUEST_USED), VIRTQ_SETUP_BAD_RING);
    ck_assert_int_eq(try_init(8, GUEST_DESC, GUEST_AVAIL, GUEST_USED + 2), VIRTQ_SETUP_BAD_RING);
    ck_assert_int_eq(try_init(8, GUEST_DESC, GUEST_AVAIL + 2, GUEST_USED + 4), VIRTQ_SETUP_OK);
    /* Outside RAM, or running past its end. */
    ck_assert_int_eq(try_init(8, 0x1000, GUEST_AVAIL, GUEST_USED), VIRTQ_SETUP_BAD_RING);
    uint64_t end = GUEST_BASE + GUEST_RAM_SIZE;
    ck_assert_int_eq(try_init(8, end - 64, GUEST_AVAIL, GUEST_USED), VIRTQ_SETUP_BAD_RING);
    ck_assert_int_eq(try_init(8, end - 128, GUEST_AVAIL, GUEST_USED), VIRTQ_SETUP_OK);
    ck_assert_int_eq(try_init(8, GUEST_DESC, end - 21, GUEST_USED), VIRTQ_SETUP_BAD_RING);
    ck_assert_int_eq(try_init(8, GUEST_DESC, end - 22, GUEST_USED), VIRTQ_SETUP_OK);
    ck_assert_int_eq(try_init(8, GUEST_DESC, GUEST_AVAIL, end - 68), VIRTQ_SETUP_BAD_RING);
    ck_assert_int_eq(try_init(8, GUEST_DESC, GUEST_AVAIL, end - 72), VIRTQ_SETUP_OK);
    ck_assert_int_eq(try_init(8, UINT64_MAX - 15, GUEST_AVAIL, GUEST_USED), VIRTQ_SETUP_BAD_RING);
    ck_assert_uint_eq(fault_total(&flog), 0);
}
END_TEST

START_TEST(mem_check_refuses_unusable_regions)
{
    uint8_t buf[16];
    struct virtio_mem_region r[2] = {{0x1000, 16, buf}, {0x2000, 16, buf}};
    struct virtio_mem mem = {r, 2};
    ck_assert_int_eq(virtio_mem_check(&mem), VIRTIO_MEM_OK);
    r[1].size = 0;
    ck_assert_int_eq(virtio_mem_check(&mem), VIRTIO_MEM_INVALID);
    r[1] = (struct virtio_mem_region){UINT64_MAX - 14, 16, buf};
    ck_assert_int_eq(virtio_mem_check(&mem), VIRTIO_MEM_INVALID);
    r[1] = (struct virtio_mem_region){UINT64_MAX - 15, 16, buf}; /* ends exactly at 2^64 */
    ck_assert_int_eq(virtio_mem_check(&mem), VIRTIO_MEM_OK);
    r[1].host = NULL;
    ck_assert_int_eq(virtio_mem_check(&mem), VIRTIO_MEM_INVALID);
    ck_assert_int_eq(virtio_mem_check(NULL), VIRTIO_MEM_INVALID);
}
END_TEST

START_TEST(mem_translate_edges)
{
    uint8_t buf[32];
    struct virtio_mem_region r[2] = {{0x1000, 16, buf}, {0x1010, 16, buf + 16}};
    struct virtio_mem mem = {r, 2};
    void *p = NULL;
    ck_assert_int_eq(virtio_mem_translate(&mem, 0x1000, 16, &p), VIRTIO_MEM_OK);
    ck_assert_ptr_eq(p, buf);
    ck_assert_int_eq(virtio_mem_translate(&mem, 0x1018, 8, &p), VIRTIO_MEM_OK);
    ck_assert_ptr_eq(p, buf + 24);
    /* Adjacent regions are still two mappings: a buffer may not straddle them. */
    ck_assert_int_eq(virtio_mem_translate(&mem, 0x1008, 16, &p), VIRTIO_MEM_OUTSIDE);
    ck_assert_int_eq(virtio_mem_translate(&mem, 0x0fff, 1, &p), VIRTIO_MEM_OUTSIDE);
    ck_assert_int_eq(virtio_mem_translate(&mem, 0x1020, 1, &p), VIRTIO_MEM_OUTSIDE);
    ck_assert_int_eq(virtio_mem_translate(&mem, 0x1020, 0, &p), VIRTIO_MEM_OK);
    ck_assert_int_eq(virtio_mem_translate(&mem, 0x1021, 0, &p), VIRTIO_MEM_OUTSIDE);
    ck_assert_int_eq(virtio_mem_translate(&mem, UINT64_MAX, 2, &p), VIRTIO_MEM_WRAP);
    ck_assert_int_eq(virtio_mem_translate(&mem, 0x1000, UINT64_MAX, &p), VIRTIO_MEM_WRAP);
}
END_TEST

/* ---- well-formed chains ---- */

START_TEST(empty_ring_pops_nothing)
{
    setup_queue(8, F_V1);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_EMPTY);
    ck_assert_uint_eq(guest_used_idx(&g), 0);
    teardown();
}
END_TEST

START_TEST(direct_chain_gives_readable_then_writable_segments)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 3, GUEST_DATA, 16, N, 5);
    guest_desc(&g, GUEST_DESC, 5, GUEST_DATA + 0x100, 100, N, 1);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA + 0x200, 1, W, 7); /* next ignored without NEXT */
    guest_avail(&g, 3);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_uint_eq(req.head, 3);
    ck_assert_uint_eq(req.nreadable, 2);
    ck_assert_uint_eq(req.nwritable, 1);
    ck_assert_uint_eq(req.readable_bytes, 116);
    ck_assert_uint_eq(req.writable_bytes, 1);
    assert_seg(0, GUEST_DATA, 16);
    assert_seg(1, GUEST_DATA + 0x100, 100);
    assert_seg(2, GUEST_DATA + 0x200, 1);
    ck_assert_uint_eq(vq.inflight, 1);
    ck_assert_uint_eq(guest_used_idx(&g), 0);
    ck_assert_uint_eq(fault_total(&flog), 0);
    teardown();
}
END_TEST

START_TEST(zero_length_descriptor_is_an_empty_segment)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 0, N | W, 1);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA + 8, 4, W, 0);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_uint_eq(req.nreadable, 0);
    ck_assert_uint_eq(req.nwritable, 2);
    assert_seg(0, GUEST_DATA, 0);
    assert_seg(1, GUEST_DATA + 8, 4);
    teardown();
}
END_TEST

START_TEST(push_writes_used_entry_and_clamps_length)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 2, GUEST_DATA, 8, N, 4);
    guest_desc(&g, GUEST_DESC, 4, GUEST_DATA + 8, 32, W, 0);
    guest_avail(&g, 2);
    guest_desc(&g, GUEST_DESC, 6, GUEST_DATA + 64, 8, W, 0);
    guest_avail(&g, 6);

    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_int_eq(virtq_push(&vq, &req, 20), VIRTQ_PUSH_OK);
    ck_assert_uint_eq(guest_used_idx(&g), 1);
    assert_used(0, 2, 20);

    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    /* A model that claims more than the writable space is cut down to it. */
    ck_assert_int_eq(virtq_push(&vq, &req, 1000), VIRTQ_PUSH_OK);
    ck_assert_uint_eq(guest_used_idx(&g), 2);
    assert_used(1, 6, 8);
    ck_assert_uint_eq(vq.inflight, 0);
    /* Nothing in flight: a second push of the same request would pass avail. */
    ck_assert_int_eq(virtq_push(&vq, &req, 0), VIRTQ_PUSH_STALE);
    ck_assert_uint_eq(guest_used_idx(&g), 2);
    teardown();
}
END_TEST

START_TEST(push_after_reinit_is_stale)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 8, W, 0);
    guest_avail(&g, 0);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    struct virtq_req old = req;
    struct virtq_config cfg = guest_queue_config(&g, F_V1);
    ck_assert_int_eq(virtq_init(&vq, &cfg, &g.mem, &flog.faults), VIRTQ_SETUP_OK);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST); /* avail idx 0 again */
    ck_assert_int_eq(virtq_push(&vq, &old, 0), VIRTQ_PUSH_STALE);
    ck_assert_uint_eq(guest_used_idx(&g), 0);
    virtq_reset(&vq);
    ck_assert_int_eq(virtq_push(&vq, &req, 0), VIRTQ_PUSH_NOT_READY);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_NOT_READY);
    teardown();
}
END_TEST

START_TEST(indices_wrap_at_16_bits)
{
    setup_queue(4, F_V1);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA, 4, W, 0);
    for (uint32_t i = 0; i < 70000; i++) {
        guest_avail(&g, 1);
        ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
        ck_assert_int_eq(virtq_push(&vq, &req, i & 3), VIRTQ_PUSH_OK);
    }
    ck_assert_uint_eq(guest_used_idx(&g), 70000 % 65536);
    assert_used(70000 % 65536 - 1, 1, 69999 & 3);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_EMPTY);
    ck_assert_uint_eq(fault_total(&flog), 0);
    teardown();
}
END_TEST

START_TEST(indirect_table_after_direct_descriptors)
{
    setup_queue(8, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 10, N, 1);
    /* §2.7.5.3.2: WRITE on the descriptor naming the table is ignored. */
    guest_desc(&g, GUEST_DESC, 1, TABLE, 48, I | W, 0);
    guest_desc(&g, TABLE, 0, GUEST_DATA + 0x10, 20, N, 2);
    guest_desc(&g, TABLE, 2, GUEST_DATA + 0x40, 30, N | W, 1);
    guest_desc(&g, TABLE, 1, GUEST_DATA + 0x80, 40, W, 0);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_uint_eq(req.head, 0);
    ck_assert_uint_eq(req.nreadable, 2);
    ck_assert_uint_eq(req.nwritable, 2);
    assert_seg(0, GUEST_DATA, 10);
    assert_seg(1, GUEST_DATA + 0x10, 20);
    assert_seg(2, GUEST_DATA + 0x40, 30);
    assert_seg(3, GUEST_DATA + 0x80, 40);
    ck_assert_int_eq(virtq_push(&vq, &req, 70), VIRTQ_PUSH_OK);
    assert_used(0, 0, 70);
    ck_assert_uint_eq(fault_total(&flog), 0);
    teardown();
}
END_TEST

START_TEST(indirect_table_may_hold_queue_size_descriptors)
{
    setup_queue(4, F_V1 | F_INDIRECT);
    for (uint16_t i = 0; i < 4; i++)
        guest_desc(&g, TABLE, i, GUEST_DATA + i, 1, i < 3 ? N : 0, i + 1);
    guest_desc(&g, GUEST_DESC, 2, TABLE, 64, I, 0);
    guest_avail(&g, 2);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_uint_eq(req.nreadable, 4);
    assert_seg(3, GUEST_DATA + 3, 1);
    teardown();
}
END_TEST

START_TEST(copy_helpers_gather_and_scatter)
{
    setup_queue(8, F_V1);
    memcpy(guest_ptr(&g, GUEST_DATA), "hello ", 6);
    memcpy(guest_ptr(&g, GUEST_DATA + 0x100), "world", 5);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 6, N, 1);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA + 0x100, 5, N, 2);
    guest_desc(&g, GUEST_DESC, 2, GUEST_DATA + 0x200, 3, N | W, 3);
    guest_desc(&g, GUEST_DESC, 3, GUEST_DATA + 0x300, 8, W, 0);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    char buf[16] = {0};
    ck_assert_uint_eq(virtq_req_read(&req, 0, buf, sizeof(buf)), 11);
    ck_assert_str_eq(buf, "hello world");
    memset(buf, 0, sizeof(buf));
    ck_assert_uint_eq(virtq_req_read(&req, 4, buf, 4), 4);
    ck_assert_str_eq(buf, "o wo");
    ck_assert_uint_eq(virtq_req_read(&req, 11, buf, 4), 0);
    ck_assert_uint_eq(virtq_req_write(&req, 1, "ABCDEFGHIJKL", 12), 10);
    ck_assert_mem_eq(guest_ptr(&g, GUEST_DATA + 0x201), "AB", 2);
    ck_assert_mem_eq(guest_ptr(&g, GUEST_DATA + 0x300), "CDEFGHIJ", 8);
    ck_assert_uint_eq(*(uint8_t *)guest_ptr(&g, GUEST_DATA + 0x200), 0);
    teardown();
}
END_TEST

/* ---- hostile drivers: one refused chain each ---- */

START_TEST(direct_loop_is_dropped)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, N, 1);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA, 4, N, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_CHAIN_LOOP, 0);
    teardown();
}
END_TEST

START_TEST(self_loop_is_dropped)
{
    setup_queue(256, F_V1);
    guest_desc(&g, GUEST_DESC, 7, GUEST_DATA, 4, N | W, 7);
    guest_avail(&g, 7);
    expect_dropped(VIRTIO_FAULT_CHAIN_LOOP, 7);
    teardown();
}
END_TEST

START_TEST(indirect_loop_is_dropped)
{
    setup_queue(16, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, TABLE, 48, I, 0);
    guest_desc(&g, TABLE, 0, GUEST_DATA, 4, N, 1);
    guest_desc(&g, TABLE, 1, GUEST_DATA, 4, N, 2);
    guest_desc(&g, TABLE, 2, GUEST_DATA, 4, N, 1);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_CHAIN_LOOP, 0);
    teardown();
}
END_TEST

START_TEST(chain_longer_than_queue_is_dropped)
{
    /* 2 direct + an 8-entry table = 10 descriptors on a queue of 8. */
    setup_queue(8, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, N, 1);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA, 4, N, 2);
    guest_desc(&g, GUEST_DESC, 2, TABLE, 8 * 16, I, 0);
    for (uint16_t i = 0; i < 8; i++)
        guest_desc(&g, TABLE, i, GUEST_DATA, 4, i < 7 ? N : 0, i + 1);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_CHAIN_TOO_LONG, 0);
    teardown();
}
END_TEST

START_TEST(huge_indirect_table_is_bounded_by_queue_size)
{
    /* A table claiming ~2^28 entries in a loop: stopped after queue-size descriptors. */
    setup_queue(4, F_V1 | F_INDIRECT);
    struct virtio_mem_region big = {0x100000000ull, 0xfffffff0ull, g.ram};
    struct virtio_mem mem = {&big, 1};
    struct virtq_config cfg = {4, 0x100000000ull, 0x100002000ull, 0x100003000ull,
                               F_V1 | F_INDIRECT};
    /* Only the first pages are ever touched: the table loops on entry 0. */
    ck_assert_int_eq(virtq_init(&vq, &cfg, &mem, &flog.faults), VIRTQ_SETUP_OK);
    guest_desc(&g, GUEST_DESC, 0, 0x100004000ull, 0xffff0000u, I, 0);
    guest_desc(&g, GUEST_DATA, 0, 0x100004000ull, 16, N, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_CHAIN_TOO_LONG, 0);
    teardown();
}
END_TEST

START_TEST(nested_indirect_is_dropped)
{
    setup_queue(8, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, TABLE, 32, I, 0);
    guest_desc(&g, TABLE, 0, GUEST_DATA, 4, N, 1);
    guest_desc(&g, TABLE, 1, TABLE, 32, I, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_INDIRECT_NESTED, 0);
    teardown();
}
END_TEST

START_TEST(indirect_with_next_is_dropped)
{
    setup_queue(8, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, TABLE, 16, I | N, 1);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA, 4, W, 0);
    guest_desc(&g, TABLE, 0, GUEST_DATA, 4, 0, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_INDIRECT_NEXT, 0);
    teardown();
}
END_TEST

START_TEST(indirect_table_of_zero_length_is_dropped)
{
    setup_queue(8, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, TABLE, 0, I, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_INDIRECT_LEN, 0);
    teardown();
}
END_TEST

START_TEST(indirect_table_of_odd_length_is_dropped)
{
    setup_queue(8, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, TABLE, 24, I, 0);
    guest_desc(&g, TABLE, 0, GUEST_DATA, 4, 0, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_INDIRECT_LEN, 0);
    teardown();
}
END_TEST

START_TEST(indirect_without_feature_is_dropped)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, TABLE, 16, I, 0);
    guest_desc(&g, TABLE, 0, GUEST_DATA, 4, 0, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_INDIRECT_UNNEGOTIATED, 0);
    teardown();
}
END_TEST

START_TEST(indirect_table_outside_memory_is_dropped)
{
    setup_queue(8, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, GUEST_BASE + GUEST_RAM_SIZE - 16, 32, I, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_ADDR_OUTSIDE, 0);
    teardown();
}
END_TEST

START_TEST(indirect_table_address_wrap_is_dropped)
{
    setup_queue(8, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, UINT64_MAX - 15, 32, I, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_ADDR_WRAP, 0);
    teardown();
}
END_TEST

START_TEST(buffer_address_wrap_is_dropped)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, N, 1);
    guest_desc(&g, GUEST_DESC, 1, UINT64_MAX - 3, 8, W, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_ADDR_WRAP, 0);
    teardown();
}
END_TEST

START_TEST(buffer_before_memory_is_dropped)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_BASE - 4, 8, 0, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_ADDR_OUTSIDE, 0);
    teardown();
}
END_TEST

START_TEST(buffer_past_memory_end_is_dropped)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_BASE + GUEST_RAM_SIZE - 8, 9, W, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_ADDR_OUTSIDE, 0);
    teardown();
}
END_TEST

START_TEST(readable_after_writable_is_dropped)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, N | W, 1);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA, 4, 0, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_READABLE_AFTER_WRITABLE, 0);
    teardown();
}
END_TEST

START_TEST(readable_in_table_after_writable_direct_is_dropped)
{
    setup_queue(8, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, N | W, 1);
    guest_desc(&g, GUEST_DESC, 1, TABLE, 16, I, 0);
    guest_desc(&g, TABLE, 0, GUEST_DATA, 4, 0, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_READABLE_AFTER_WRITABLE, 0);
    teardown();
}
END_TEST

START_TEST(next_beyond_queue_is_dropped)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, N, 8);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_DESC_INDEX, 0);
    teardown();
}
END_TEST

START_TEST(next_beyond_indirect_table_is_dropped)
{
    setup_queue(8, F_V1 | F_INDIRECT);
    guest_desc(&g, GUEST_DESC, 0, TABLE, 32, I, 0);
    guest_desc(&g, TABLE, 0, GUEST_DATA, 4, N, 2); /* table has entries 0 and 1 */
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_DESC_INDEX, 0);
    teardown();
}
END_TEST

START_TEST(more_segments_than_storage_is_dropped)
{
    setup_queue(8, F_V1);
    req.capacity = 2;
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, N, 1);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA, 4, N, 2);
    guest_desc(&g, GUEST_DESC, 2, GUEST_DATA, 4, W, 0);
    guest_avail(&g, 0);
    expect_dropped(VIRTIO_FAULT_SEGS_OVERFLOW, 0);
    teardown();
}
END_TEST

START_TEST(dropped_chain_does_not_stop_the_next)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, N, 9);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA, 4, W, 0);
    guest_avail(&g, 0);
    guest_avail(&g, 1);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_DROPPED);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_uint_eq(req.head, 1);
    ck_assert_int_eq(virtq_push(&vq, &req, 4), VIRTQ_PUSH_OK);
    assert_used(0, 0, 0);
    assert_used(1, 1, 4);
    teardown();
}
END_TEST

/* ---- hostile drivers: a corrupt ring stops the queue ---- */

START_TEST(avail_idx_jump_needs_reset)
{
    setup_queue(8, F_V1);
    guest_set_avail_idx(&g, 9);
    expect_broken(VIRTIO_FAULT_AVAIL_IDX_JUMP);
    teardown();
}
END_TEST

START_TEST(avail_idx_backwards_needs_reset)
{
    setup_queue(8, F_V1);
    guest_set_avail_idx(&g, 0xffff); /* 65535 entries "pending" */
    expect_broken(VIRTIO_FAULT_AVAIL_IDX_JUMP);
    teardown();
}
END_TEST

START_TEST(more_chains_outstanding_than_queue_size_needs_reset)
{
    /* Two chains in flight on a queue of two: a third can only reuse a busy descriptor. */
    setup_queue(2, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, 0, 0);
    guest_avail(&g, 0);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_BROKEN);
    ck_assert_uint_eq(flog.faults.count[VIRTIO_FAULT_AVAIL_IDX_JUMP], 1);
    ck_assert_uint_eq(flog.resets, 1);
    ck_assert_uint_eq(vq.inflight, 2);
    teardown();
}
END_TEST

START_TEST(avail_idx_moving_back_under_in_flight_needs_reset)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, 0, 0);
    guest_avail(&g, 0);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_int_eq(virtq_push(&vq, &req, 0), VIRTQ_PUSH_OK);
    guest_set_avail_idx(&g, 1); /* below the 2 already taken */
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_BROKEN);
    ck_assert_uint_eq(flog.faults.count[VIRTIO_FAULT_AVAIL_IDX_JUMP], 1);
    ck_assert_uint_eq(fault_total(&flog), 1);
    teardown();
}
END_TEST

START_TEST(avail_idx_of_exactly_queue_size_is_fine)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, 0, 0);
    for (int i = 0; i < 8; i++)
        guest_avail(&g, 0);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_EMPTY);
    ck_assert_uint_eq(fault_total(&flog), 0);
    teardown();
}
END_TEST

START_TEST(head_beyond_queue_needs_reset)
{
    setup_queue(8, F_V1);
    guest_avail(&g, 8);
    expect_broken(VIRTIO_FAULT_HEAD_INDEX);
    teardown();
}
END_TEST

START_TEST(reinit_recovers_a_broken_queue)
{
    setup_queue(8, F_V1);
    guest_avail(&g, 200);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_BROKEN);
    guest_set_avail_idx(&g, 0);
    struct virtq_config cfg = guest_queue_config(&g, F_V1);
    ck_assert_int_eq(virtq_init(&vq, &cfg, &g.mem, &flog.faults), VIRTQ_SETUP_OK);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, 0, 0);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    teardown();
}
END_TEST

/* ---- logging ---- */

START_TEST(log_lines_are_rate_limited_counts_are_not)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, N, 0); /* self-loop */
    for (int i = 0; i < 100; i++) {
        guest_avail(&g, 0);
        ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_DROPPED);
    }
    ck_assert_uint_eq(flog.faults.count[VIRTIO_FAULT_CHAIN_LOOP], 100);
    /* Lines at counts 1, 2, 4, 8, 16, 32, 64. */
    ck_assert_uint_eq(flog.lines[VIRTIO_FAULT_CHAIN_LOOP], 7);
    ck_assert_uint_eq(flog.last_count[VIRTIO_FAULT_CHAIN_LOOP], 64);
    ck_assert_uint_eq(flog.total_lines, 7);
    ck_assert_uint_eq(guest_used_idx(&g), 100);
    teardown();
}
END_TEST

START_TEST(faults_without_hooks_are_still_counted)
{
    struct virtio_faults f = {0};
    virtio_fault_record(&f, VIRTIO_FAULT_DESC_INDEX);
    virtio_fault_fatal(&f, VIRTIO_FAULT_HEAD_INDEX);
    virtio_fault_record(NULL, VIRTIO_FAULT_HEAD_INDEX);
    virtio_fault_record(&f, VIRTIO_FAULT_KINDS);
    ck_assert_uint_eq(f.count[VIRTIO_FAULT_DESC_INDEX], 1);
    ck_assert_uint_eq(f.count[VIRTIO_FAULT_HEAD_INDEX], 1);
    for (int k = 0; k < VIRTIO_FAULT_KINDS; k++)
        ck_assert_str_ne(virtio_fault_name(k), virtio_fault_name(VIRTIO_FAULT_KINDS));
}
END_TEST

/* ---- bounded work ---- */

struct refill {
    unsigned calls;
};

/* A driver that adds a new request for every one completed: the ring is never empty. */
static void complete_and_refill(void *ctx, struct virtq *q, struct virtq_req *r)
{
    struct refill *refill = ctx;
    refill->calls++;
    ck_assert_int_eq(virtq_push(q, r, 0), VIRTQ_PUSH_OK);
    guest_avail(&g, r->head);
}

START_TEST(poll_stops_after_queue_size_requests)
{
    setup_queue(8, F_V1);
    guest_desc(&g, GUEST_DESC, 3, GUEST_DATA, 4, 0, 0);
    guest_avail(&g, 3);
    guest_avail(&g, 3);
    struct refill refill = {0};
    ck_assert_int_eq(virtq_poll(&vq, &req, complete_and_refill, &refill), VIRTQ_POLL_AGAIN);
    ck_assert_uint_eq(refill.calls, 8);
    ck_assert_uint_eq(guest_used_idx(&g), 8);
    teardown();
}
END_TEST

static void complete(void *ctx, struct virtq *q, struct virtq_req *r)
{
    (*(unsigned *)ctx)++;
    ck_assert_int_eq(virtq_push(q, r, 0), VIRTQ_PUSH_OK);
}

START_TEST(poll_reports_done_broken_and_not_ready)
{
    setup_queue(8, F_V1);
    unsigned calls = 0;
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, 0, 0);
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA, 4, N, 1);
    guest_avail(&g, 0);
    guest_avail(&g, 1); /* dropped, but consumed */
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_poll(&vq, &req, complete, &calls), VIRTQ_POLL_DONE);
    ck_assert_uint_eq(calls, 2);
    ck_assert_uint_eq(guest_used_idx(&g), 3);
    guest_avail(&g, 9);
    ck_assert_int_eq(virtq_poll(&vq, &req, complete, &calls), VIRTQ_POLL_BROKEN);
    virtq_reset(&vq);
    ck_assert_int_eq(virtq_poll(&vq, &req, complete, &calls), VIRTQ_POLL_NOT_READY);
    ck_assert_uint_eq(calls, 2);
    teardown();
}
END_TEST

/* ---- notification (§2.7.7, §2.7.10) ---- */

static void pop_push_one(void)
{
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, W, 0);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_int_eq(virtq_push(&vq, &req, 0), VIRTQ_PUSH_OK);
}

START_TEST(notify_follows_no_interrupt_flag)
{
    setup_queue(8, F_V1);
    ck_assert(!virtq_should_notify(&vq)); /* nothing used yet */
    pop_push_one();
    ck_assert(virtq_should_notify(&vq));
    ck_assert(!virtq_should_notify(&vq)); /* nothing new since */
    guest_set_avail_flags(&g, VIRTQ_AVAIL_F_NO_INTERRUPT);
    pop_push_one();
    ck_assert(!virtq_should_notify(&vq));
    guest_set_avail_flags(&g, 0);
    pop_push_one();
    ck_assert(virtq_should_notify(&vq));
    teardown();
}
END_TEST

START_TEST(notify_follows_used_event)
{
    setup_queue(8, F_V1 | F_EVENT_IDX);
    /* The flag means nothing once EVENT_IDX is negotiated. */
    guest_set_avail_flags(&g, VIRTQ_AVAIL_F_NO_INTERRUPT);
    guest_set_used_event(&g, 0);
    pop_push_one(); /* used idx 0 -> 1 passes used_event 0 */
    ck_assert(virtq_should_notify(&vq));
    pop_push_one(); /* 1 -> 2: used_event 0 already passed */
    ck_assert(!virtq_should_notify(&vq));
    guest_set_used_event(&g, 4);
    pop_push_one(); /* 2 -> 3 */
    pop_push_one(); /* 3 -> 4 */
    ck_assert(!virtq_should_notify(&vq));
    pop_push_one(); /* 4 -> 5 passes 4 */
    ck_assert(virtq_should_notify(&vq));
    guest_set_used_event(&g, 6);
    pop_push_one();
    pop_push_one();
    pop_push_one(); /* 5 -> 8 in one batch passes 6 */
    ck_assert(virtq_should_notify(&vq));
    teardown();
}
END_TEST

START_TEST(empty_ring_asks_for_a_kick_at_the_next_entry)
{
    setup_queue(8, F_V1 | F_EVENT_IDX);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, 0, 0);
    guest_avail(&g, 0);
    guest_avail(&g, 0);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_uint_eq(guest_avail_event(&g), 0); /* not empty yet: no kicks wanted */
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_REQUEST);
    ck_assert_int_eq(virtq_pop(&vq, &req), VIRTQ_POP_EMPTY);
    ck_assert_uint_eq(guest_avail_event(&g), 3);
    teardown();
}
END_TEST

START_TEST(init_resets_used_ring_header)
{
    guest_init(&g, 8);
    fault_log_init(&flog);
    uint16_t junk[2] = {0xffff, 0x1234};
    memcpy(guest_ptr(&g, GUEST_USED), junk, 4);
    memset(&vq, 0, sizeof(vq));
    struct virtq_config cfg = guest_queue_config(&g, F_V1);
    ck_assert_int_eq(virtq_init(&vq, &cfg, &g.mem, &flog.faults), VIRTQ_SETUP_OK);
    ck_assert_uint_eq(guest_used_idx(&g), 0);
    ck_assert_uint_eq(*(uint16_t *)guest_ptr(&g, GUEST_USED), 0);
    teardown();
}
END_TEST

static Suite *virtqueue_suite(void)
{
    Suite *s = suite_create("virtqueue");
    TCase *setup = tcase_create("setup");
    tcase_add_test(setup, init_checks_size_and_ring_placement);
    tcase_add_test(setup, mem_check_refuses_unusable_regions);
    tcase_add_test(setup, mem_translate_edges);
    tcase_add_test(setup, init_resets_used_ring_header);
    suite_add_tcase(s, setup);

    TCase *chains = tcase_create("chains");
    tcase_add_test(chains, empty_ring_pops_nothing);
    tcase_add_test(chains, direct_chain_gives_readable_then_writable_segments);
    tcase_add_test(chains, zero_length_descriptor_is_an_empty_segment);
    tcase_add_test(chains, push_writes_used_entry_and_clamps_length);
    tcase_add_test(chains, push_after_reinit_is_stale);
    tcase_add_test(chains, indices_wrap_at_16_bits);
    tcase_add_test(chains, indirect_table_after_direct_descriptors);
    tcase_add_test(chains, indirect_table_may_hold_queue_size_descriptors);
    tcase_add_test(chains, copy_helpers_gather_and_scatter);
    suite_add_tcase(s, chains);

    TCase *hostile = tcase_create("hostile");
    tcase_add_test(hostile, direct_loop_is_dropped);
    tcase_add_test(hostile, self_loop_is_dropped);
    tcase_add_test(hostile, indirect_loop_is_dropped);
    tcase_add_test(hostile, chain_longer_than_queue_is_dropped);
    tcase_add_test(hostile, huge_indirect_table_is_bounded_by_queue_size);
    tcase_add_test(hostile, nested_indirect_is_dropped);
    tcase_add_test(hostile, indirect_with_next_is_dropped);
    tcase_add_test(hostile, indirect_table_of_zero_length_is_dropped);
    tcase_add_test(hostile, indirect_table_of_odd_length_is_dropped);
    tcase_add_test(hostile, indirect_without_feature_is_dropped);
    tcase_add_test(hostile, indirect_table_outside_memory_is_dropped);
    tcase_add_test(hostile, indirect_table_address_wrap_is_dropped);
    tcase_add_test(hostile, buffer_address_wrap_is_dropped);
    tcase_add_test(hostile, buffer_before_memory_is_dropped);
    tcase_add_test(hostile, buffer_past_memory_end_is_dropped);
    tcase_add_test(hostile, readable_after_writable_is_dropped);
    tcase_add_test(hostile, readable_in_table_after_writable_direct_is_dropped);
    tcase_add_test(hostile, next_beyond_queue_is_dropped);
    tcase_add_test(hostile, next_beyond_indirect_table_is_dropped);
    tcase_add_test(hostile, more_segments_than_storage_is_dropped);
    tcase_add_test(hostile, dropped_chain_does_not_stop_the_next);
    tcase_add_test(hostile, avail_idx_jump_needs_reset);
    tcase_add_test(hostile, avail_idx_backwards_needs_reset);
    tcase_add_test(hostile, avail_idx_of_exactly_queue_size_is_fine);
    tcase_add_test(hostile, more_chains_outstanding_than_queue_size_needs_reset);
    tcase_add_test(hostile, avail_idx_moving_back_under_in_flight_needs_reset);
    tcase_add_test(hostile, head_beyond_queue_needs_reset);
    tcase_add_test(hostile, reinit_recovers_a_broken_queue);
    tcase_add_test(hostile, log_lines_are_rate_limited_counts_are_not);
    tcase_add_test(hostile, faults_without_hooks_are_still_counted);
    tcase_add_test(hostile, poll_stops_after_queue_size_requests);
    tcase_add_test(hostile, poll_reports_done_broken_and_not_ready);
    suite_add_tcase(s, hostile);

    TCase *notify = tcase_create("notify");
    tcase_add_test(notify, notify_follows_no_interrupt_flag);
    tcase_add_test(notify, notify_follows_used_event);
    tcase_add_test(notify, empty_ring_asks_for_a_kick_at_the_next_entry);
    suite_add_tcase(s, notify);
    return s;
}

int main(void)
{
    return check_run(virtqueue_suite());
}
