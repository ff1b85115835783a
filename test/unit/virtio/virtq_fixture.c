/* The shared fixture of the virtqueue tests (virtq_fixture.h). */
#include "virtq_fixture.h"

struct guest g;
struct fault_log flog;
struct virtq vq;
struct virtq_seg segs[300];
struct virtq_req req;

void setup_queue(uint16_t qsize, uint64_t features)
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

void teardown(void)
{
    guest_free(&g);
}

void assert_seg(uint32_t i, uint64_t gpa, uint32_t len)
{
    ck_assert_ptr_eq(req.segs[i].addr, guest_ptr(&g, gpa));
    ck_assert_uint_eq(req.segs[i].len, len);
}

void assert_used(uint16_t i, uint32_t id, uint32_t len)
{
    uint32_t got_id, got_len;
    guest_used_elem(&g, i, &got_id, &got_len);
    ck_assert_uint_eq(got_id, id);
    ck_assert_uint_eq(got_len, len);
}

/* The one outcome of a refused chain: returned with length 0, counted once, logged once. */
void expect_dropped(enum virtio_fault kind, uint16_t head)
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
void expect_broken(enum virtio_fault kind)
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
