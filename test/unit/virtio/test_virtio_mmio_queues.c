/* Unit tests for the virtio-mmio v2 transport: queue setup and its refusals, notifications
 * and the interrupt line (the rest: test_virtio_mmio.c). */
#include "mmio_fixture.h"

START_TEST(queue_num_max_tells_which_queues_exist)
{
    setup();
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), QMAX);
    wr(VIRTIO_MMIO_QUEUE_SEL, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), QMAX);
    wr(VIRTIO_MMIO_QUEUE_SEL, 2);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert_uint_eq(all_faults(), 0);
    /* Writing the registers of a queue that doesn't exist is a fault. */
    wr(VIRTIO_MMIO_QUEUE_NUM, 8);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_QUEUE_SEL), 3);
    ck_assert_ptr_null(virtio_mmio_queue(&dev, 2));
    teardown();
}
END_TEST

START_TEST(queue_ready_needs_features_ok)
{
    setup();
    wr(VIRTIO_MMIO_STATUS, ACK);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV);
    queue_regs(0, 8, GUEST_DESC, GUEST_AVAIL, GUEST_USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_QUEUE_LIVE), 1);
    ck_assert_uint_eq(all_faults(), 1);
    teardown();
}
END_TEST

/* A bad ring layout at QueueReady: the queue stays off and the device needs a reset. */
static void expect_ring_setup_refused(uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    setup();
    ck_assert_uint_eq(negotiate(V1), ACK | DRV | FOK);
    queue_regs(1, num, desc, avail, used);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | NEEDS_RESET);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_RING_SETUP), 1);
    ck_assert_uint_eq(all_faults(), 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0); /* DRIVER_OK not set yet */
    /* A driver that goes live anyway hears about it through a configuration change. */
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK | DOK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    ck_assert(irq_level);
    wr(VIRTIO_MMIO_STATUS, 0);
    ck_assert(!irq_level);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    teardown();
}

START_TEST(queue_size_not_power_of_two_needs_reset)
{
    expect_ring_setup_refused(6, GUEST_DESC, GUEST_AVAIL, GUEST_USED);
}
END_TEST

START_TEST(queue_size_above_max_needs_reset)
{
    expect_ring_setup_refused(QMAX * 2, GUEST_DESC, GUEST_AVAIL, GUEST_USED);
}
END_TEST

START_TEST(queue_size_zero_needs_reset)
{
    expect_ring_setup_refused(0, GUEST_DESC, GUEST_AVAIL, GUEST_USED);
}
END_TEST

START_TEST(ring_outside_memory_needs_reset)
{
    expect_ring_setup_refused(8, GUEST_DESC, GUEST_AVAIL, 0x100000000000ull + GUEST_USED);
}
END_TEST

START_TEST(misaligned_ring_needs_reset)
{
    expect_ring_setup_refused(8, GUEST_DESC + 4, GUEST_AVAIL, GUEST_USED);
}
END_TEST

START_TEST(live_queue_cannot_be_reconfigured)
{
    setup();
    bring_up();
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, 4);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 1);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, 0);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_QUEUE_LIVE), 4);
    ck_assert_uint_eq(queues[0].num, 8);
    ck_assert_uint_eq(queues[0].desc, GUEST_DESC);
    ck_assert_uint_eq(queues[0].driver, GUEST_AVAIL);
    ck_assert_uint_eq(queues[0].device, GUEST_USED);
    /* Writing 1 again changes nothing; writing 0 stops the queue, then it can move. */
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(virtio_mmio_queue(&dev, 0)->size, 8);
    wr(VIRTIO_MMIO_QUEUE_READY, 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, 4);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 1);
    ck_assert_uint_eq(virtio_mmio_queue(&dev, 0)->size, 4);
    ck_assert_uint_eq(all_faults(), 4);
    teardown();
}
END_TEST

START_TEST(queue_features_follow_negotiation)
{
    setup();
    ck_assert_uint_eq(negotiate(V1 | VIRTIO_BIT(VIRTIO_F_EVENT_IDX)), ACK | DRV | FOK);
    queue_regs(0, 8, GUEST_DESC, GUEST_AVAIL, GUEST_USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert(virtio_mmio_queue(&dev, 0)->event_idx);
    ck_assert(!virtio_mmio_queue(&dev, 0)->indirect_desc);
    teardown();
}
END_TEST

/* ---- a queue run elsewhere (the VMM handing it to a device server) ---- */

static struct {
    unsigned calls;
    uint16_t queue;
    bool ready, answer;
} hook;

static bool hook_queue_state(struct virtio_mmio *d, uint16_t queue, bool ready)
{
    (void)d;
    hook.calls++;
    hook.queue = queue;
    hook.ready = ready;
    return hook.answer;
}

/* The transport as setup() makes it, with the queue_state hook in its ops. */
static void setup_with_hook(void)
{
    static struct virtio_device_ops ops;
    setup();
    ops = rec_ops;
    ops.queue_state = hook_queue_state;
    memset(&hook, 0, sizeof(hook));
    hook.answer = true;
    struct virtio_mmio_setup s = {.ops = &ops, .device_ctx = &rec, .queues = queues,
                                  .mem = &g.mem, .set_irq = set_irq, .irq_ctx = &irq_level};
    ck_assert_int_eq(virtio_mmio_init(&dev, &s), VIRTIO_MMIO_INIT_OK);
}

START_TEST(queue_state_hook_sees_ready_and_off)
{
    setup_with_hook();
    negotiate(V1);
    queue_regs(1, 8, GUEST_DESC, GUEST_AVAIL, GUEST_USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(hook.calls, 1);
    ck_assert_uint_eq(hook.queue, 1);
    ck_assert(hook.ready);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 1);
    wr(VIRTIO_MMIO_QUEUE_READY, 1); /* already ready: not again */
    wr(VIRTIO_MMIO_QUEUE_READY, 0);
    ck_assert_uint_eq(hook.calls, 2);
    ck_assert(!hook.ready);
    wr(VIRTIO_MMIO_QUEUE_READY, 0); /* already off: not again */
    ck_assert_uint_eq(hook.calls, 2);
    /* A ring the library refuses never reaches the hook; a device reset does not call it. */
    queue_regs(1, 8, GUEST_DESC + 4, GUEST_AVAIL, GUEST_USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(hook.calls, 2);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_RING_SETUP), 1);
    wr(VIRTIO_MMIO_STATUS, 0);
    ck_assert_uint_eq(hook.calls, 2);
    ck_assert_uint_eq(rec.resets, 1);
    teardown();
}
END_TEST

START_TEST(queue_state_hook_may_refuse)
{
    setup_with_hook();
    hook.answer = false;
    negotiate(V1);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK | DOK);
    queue_regs(0, 8, GUEST_DESC, GUEST_AVAIL, GUEST_USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(hook.calls, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK | NEEDS_RESET);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    ck_assert(irq_level);
    ck_assert_uint_eq(all_faults(), 0); /* the device's refusal, not the driver's fault */
    teardown();
}
END_TEST

START_TEST(used_interrupt_only_for_a_live_queue)
{
    setup();
    virtio_mmio_used_interrupt(&dev, 0); /* nothing set up */
    negotiate(V1);
    queue_regs(0, 8, GUEST_DESC, GUEST_AVAIL, GUEST_USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    virtio_mmio_used_interrupt(&dev, 0); /* before DRIVER_OK */
    virtio_mmio_used_interrupt(&dev, 1); /* a queue not ready */
    virtio_mmio_used_interrupt(&dev, 7); /* no such queue */
    ck_assert(!irq_level);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK | DOK);
    virtio_mmio_used_interrupt(&dev, 0);
    ck_assert(irq_level);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    virtio_mmio_needs_reset(&dev);
    wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
    virtio_mmio_used_interrupt(&dev, 0); /* after NEEDS_RESET */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    ck_assert(!irq_level);
    teardown();
}
END_TEST

/* ---- notification ---- */

START_TEST(notify_reaches_the_model_only_when_live)
{
    setup();
    ck_assert_uint_eq(negotiate(V1), ACK | DRV | FOK);
    queue_regs(0, 8, GUEST_DESC, GUEST_AVAIL, GUEST_USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0); /* before DRIVER_OK */
    ck_assert_uint_eq(rec.notifies[0], 0);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK | DOK);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(rec.notifies[0], 1);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1); /* exists, not ready */
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 2); /* doesn't exist */
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0x10000);
    ck_assert_uint_eq(rec.notifies[0], 1);
    ck_assert_uint_eq(rec.notifies[1], 0);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_NOTIFY), 4);
    virtio_mmio_needs_reset(&dev);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0); /* device waiting for reset */
    ck_assert_uint_eq(rec.notifies[0], 1);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_NOTIFY), 5);
    ck_assert_uint_eq(all_faults(), 5);
    teardown();
}
END_TEST

START_TEST(used_notify_raises_and_ack_lowers_the_line)
{
    setup();
    bring_up();
    struct virtq *vq = virtio_mmio_queue(&dev, 0);
    struct virtq_seg segs[4];
    struct virtq_req req = {.segs = segs, .capacity = 4};
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, VIRTQ_DESC_F_WRITE, 0);
    guest_avail(&g, 0);
    ck_assert_int_eq(virtq_pop(vq, &req), VIRTQ_POP_REQUEST);
    virtio_mmio_used_notify(&dev, 0); /* nothing used yet */
    ck_assert(!irq_level);
    ck_assert_int_eq(virtq_push(vq, &req, 4), VIRTQ_PUSH_OK);
    virtio_mmio_used_notify(&dev, 0);
    ck_assert(irq_level);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    virtio_mmio_config_changed(&dev);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
                      VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
    wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    ck_assert(irq_level);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
    ck_assert(!irq_level);
    ck_assert_uint_eq(irq_edges, 2);
    virtio_mmio_used_notify(&dev, 7); /* no such queue: nothing */
    ck_assert(!irq_level);
    teardown();
}
END_TEST

START_TEST(broken_queue_sets_needs_reset_and_config_interrupt)
{
    setup();
    bring_up();
    struct virtq *vq = virtio_mmio_queue(&dev, 0);
    struct virtq_seg segs[4];
    struct virtq_req req = {.segs = segs, .capacity = 4};
    guest_set_avail_idx(&g, 100);
    ck_assert_int_eq(virtq_pop(vq, &req), VIRTQ_POP_BROKEN);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK | NEEDS_RESET);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    ck_assert(irq_level);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_AVAIL_IDX_JUMP), 1);
    ck_assert_uint_eq(all_faults(), 1);
    /* A second fatal error does not interrupt again. */
    wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
    virtio_mmio_needs_reset(&dev);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    wr(VIRTIO_MMIO_STATUS, 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    guest_set_avail_idx(&g, 0);
    bring_up();
    teardown();
}
END_TEST

static Suite *mmio_queue_suite(void)
{
    Suite *s = suite_create("virtio_mmio_queues");
    TCase *queue = tcase_create("queues");
    tcase_add_test(queue, queue_num_max_tells_which_queues_exist);
    tcase_add_test(queue, queue_ready_needs_features_ok);
    tcase_add_test(queue, queue_size_not_power_of_two_needs_reset);
    tcase_add_test(queue, queue_size_above_max_needs_reset);
    tcase_add_test(queue, queue_size_zero_needs_reset);
    tcase_add_test(queue, ring_outside_memory_needs_reset);
    tcase_add_test(queue, misaligned_ring_needs_reset);
    tcase_add_test(queue, live_queue_cannot_be_reconfigured);
    tcase_add_test(queue, queue_features_follow_negotiation);
    tcase_add_test(queue, queue_state_hook_sees_ready_and_off);
    tcase_add_test(queue, queue_state_hook_may_refuse);
    tcase_add_test(queue, used_interrupt_only_for_a_live_queue);
    suite_add_tcase(s, queue);

    TCase *notify = tcase_create("notify");
    tcase_add_test(notify, notify_reaches_the_model_only_when_live);
    tcase_add_test(notify, used_notify_raises_and_ack_lowers_the_line);
    tcase_add_test(notify, broken_queue_sets_needs_reset_and_config_interrupt);
    suite_add_tcase(s, notify);
    return s;
}

int main(void)
{
    return check_run(mmio_queue_suite());
}
