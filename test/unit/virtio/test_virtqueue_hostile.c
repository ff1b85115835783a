/* Unit tests of the virtqueue against hostile drivers: each refused chain, each corrupt ring,
 * rate-limited logging and bounded work per poll. */
#include "virtq_fixture.h"

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

TCase *virtqueue_hostile_tcase(void)
{
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
    return hostile;
}
