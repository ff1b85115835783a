/* Unit tests for the device-side split virtqueue: setup, well-formed chains, notification
 * (the hostile cases are in test_virtqueue_hostile.c). */
#include "virtq_fixture.h"

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

    suite_add_tcase(s, virtqueue_hostile_tcase());

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
