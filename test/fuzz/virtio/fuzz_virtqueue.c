/* libFuzzer target for the split virtqueue: sizes, rings, descriptors, memory from the input. */
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/virtqueue.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_invariant.h"
#include "guest_regions.h"

#define MAX_QSIZE 128u
#define HELD 4 /* requests the fake device keeps in flight */

/* A broken invariant is a bug in the library: crash so libFuzzer keeps the input. */
struct held_req {
    struct virtq_req req;
    struct virtq_seg segs[MAX_QSIZE];
};

struct harness {
    struct fuzz_input in;
    struct guest_regions g;
    struct virtq_config cfg;
    struct virtq vq;
    struct virtio_faults faults;
    uint64_t log_lines[VIRTIO_FAULT_KINDS];
    uint64_t expected_faults; /* drops and breaks the harness worked out for itself */
    unsigned resets;
    struct held_req held[HELD];
    unsigned nheld;
    struct virtq_req stale; /* a request from before the last re-init */
    bool have_stale;
    unsigned handled;
    struct held_req scratch;
};

static void on_log(void *ctx, enum virtio_fault kind, uint64_t count, const char *what)
{
    struct harness *h = ctx;
    INVARIANT((unsigned)kind < VIRTIO_FAULT_KINDS && what != NULL);
    INVARIANT(count == h->faults.count[kind] && (count & (count - 1)) == 0);
    h->log_lines[kind]++;
}

static void on_reset(void *ctx)
{
    struct harness *h = ctx;
    h->resets++;
}

static uint64_t fault_total(const struct harness *h)
{
    uint64_t total = 0;
    for (int k = 0; k < VIRTIO_FAULT_KINDS; k++)
        total += h->faults.count[k];
    return total;
}

/* Every segment in a region, readable ones first, within the queue-size bound. */
static void check_request(struct harness *h, const struct virtq_req *req)
{
    uint32_t n = req->nreadable + req->nwritable;
    INVARIANT(n >= 1 && n <= h->vq.size && n <= req->capacity);
    INVARIANT(req->head < h->vq.size && req->epoch == h->vq.epoch);
    uint64_t readable = 0, writable = 0;
    for (uint32_t i = 0; i < n; i++) {
        INVARIANT(regions_hold(&h->g, req->segs[i].addr, req->segs[i].len));
        touch(req->segs[i].addr, req->segs[i].len, i >= req->nreadable);
        if (i < req->nreadable)
            readable += req->segs[i].len;
        else
            writable += req->segs[i].len;
    }
    INVARIANT(readable == req->readable_bytes && writable == req->writable_bytes);
}

static void check_state(struct harness *h)
{
    for (int k = 0; k < VIRTIO_FAULT_KINDS; k++) {
        /* One line per power of two reached: floor(log2(count)) + 1 of them. */
        uint64_t lines = 0;
        for (uint64_t c = h->faults.count[k]; c != 0; c >>= 1)
            lines++;
        INVARIANT(h->log_lines[k] == lines);
    }
    INVARIANT(fault_total(h) == h->expected_faults);
    INVARIANT(h->resets == h->faults.count[VIRTIO_FAULT_AVAIL_IDX_JUMP] +
                               h->faults.count[VIRTIO_FAULT_HEAD_INDEX]);
    const struct virtq *vq = &h->vq;
    if (!vq->ready)
        return;
    /* The used ring never runs ahead of what was taken from the available ring. */
    INVARIANT((uint16_t)(vq->last_avail_idx - vq->used_idx) == vq->inflight);
    INVARIANT(vq->inflight == h->nheld && vq->inflight <= vq->size);
}

/*
 * Works out what a pop or poll should have counted from what it did: each head
 * consumed without reaching the device model is one drop, and a queue that broke
 * counts once.
 */
static void expect_faults(struct harness *h, uint16_t avail_before, unsigned handled_before,
                          bool broken_before)
{
    uint16_t consumed = (uint16_t)(h->vq.last_avail_idx - avail_before);
    INVARIANT(consumed <= h->vq.size);
    h->expected_faults += consumed - (h->handled - handled_before);
    if (h->vq.broken && !broken_before)
        h->expected_faults++;
    INVARIANT(!broken_before || h->vq.broken);
}

static void hold_or_complete(struct harness *h, struct virtq_req *req)
{
    check_request(h, req);
    h->handled++;
    if (h->nheld < HELD) {
        struct held_req *slot = &h->held[h->nheld++];
        slot->req = *req;
        slot->req.segs = slot->segs;
        memcpy(slot->segs, req->segs, sizeof(req->segs[0]) * (req->nreadable + req->nwritable));
        return;
    }
    INVARIANT(virtq_push(&h->vq, req, in_u32(&h->in)) == VIRTQ_PUSH_OK);
}

static void do_pop(struct harness *h)
{
    struct virtq_req *req = &h->scratch.req;
    req->segs = h->scratch.segs;
    uint8_t cap = in_u8(&h->in);
    req->capacity = cap < 0xf0 ? MAX_QSIZE : cap & 7; /* sometimes too small on purpose */
    uint16_t avail_before = h->vq.last_avail_idx;
    unsigned handled_before = h->handled;
    bool broken_before = h->vq.broken;
    enum virtq_pop_result r = virtq_pop(&h->vq, req);
    if (r == VIRTQ_POP_REQUEST)
        hold_or_complete(h, req);
    INVARIANT((r == VIRTQ_POP_BROKEN) == (h->vq.ready && h->vq.broken));
    INVARIANT((r == VIRTQ_POP_NOT_READY) == !h->vq.ready);
    expect_faults(h, avail_before, handled_before, broken_before);
}

static void do_push(struct harness *h)
{
    if (h->nheld == 0) {
        struct virtq_req none = {.epoch = h->vq.epoch};
        INVARIANT(virtq_push(&h->vq, &none, 0) != VIRTQ_PUSH_OK);
        return;
    }
    struct held_req *r = &h->held[0];
    uint8_t buf[64];
    virtq_req_read(&r->req, in_u8(&h->in), buf, in_u8(&h->in) % sizeof(buf));
    virtq_req_write(&r->req, in_u8(&h->in), buf, in_u8(&h->in) % sizeof(buf));
    uint16_t used_before = h->vq.used_idx;
    enum virtq_push_result res = virtq_push(&h->vq, &r->req, in_u32(&h->in));
    INVARIANT(res == (h->vq.broken ? VIRTQ_PUSH_NOT_READY : VIRTQ_PUSH_OK));
    if (res != VIRTQ_PUSH_OK) {
        INVARIANT(h->vq.used_idx == used_before);
        return; /* a broken queue takes nothing back; only a reset helps */
    }
    INVARIANT(h->vq.used_idx == (uint16_t)(used_before + 1));
    h->nheld--;
    for (unsigned i = 0; i < h->nheld; i++) {
        h->held[i] = h->held[i + 1];
        h->held[i].req.segs = h->held[i].segs;
    }
}

static void complete_now(void *ctx, struct virtq *vq, struct virtq_req *req)
{
    struct harness *h = ctx;
    check_request(h, req);
    h->handled++;
    INVARIANT(virtq_push(vq, req, in_u32(&h->in)) == VIRTQ_PUSH_OK);
}

static void do_poll(struct harness *h)
{
    struct virtq_req *req = &h->scratch.req;
    req->segs = h->scratch.segs;
    req->capacity = MAX_QSIZE;
    uint16_t avail_before = h->vq.last_avail_idx;
    unsigned handled_before = h->handled;
    bool broken_before = h->vq.broken;
    enum virtq_poll_result r = virtq_poll(&h->vq, req, complete_now, h);
    INVARIANT((r == VIRTQ_POLL_BROKEN) == (h->vq.ready && h->vq.broken));
    INVARIANT(r != VIRTQ_POLL_AGAIN || h->handled - handled_before <= h->vq.size);
    expect_faults(h, avail_before, handled_before, broken_before);
}

/* §2.7.10's rule, computed here from the guest's fields to check the library's answer. */
static void do_should_notify(struct harness *h)
{
    struct virtq *vq = &h->vq;
    if (!vq->ready) {
        INVARIANT(!virtq_should_notify(vq));
        return;
    }
    uint16_t old_idx = vq->signalled_used, new_idx = vq->used_idx, flags, event;
    memcpy(&flags, vq->avail, 2);
    memcpy(&event, vq->avail + 4 + 2u * vq->size, 2);
    bool want;
    if (old_idx == new_idx)
        want = false;
    else if (vq->event_idx)
        want = (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
    else
        want = !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
    INVARIANT(virtq_should_notify(vq) == want);
}

/* A guest-physical address the input chooses: mostly inside a region, sometimes anywhere. */
static uint64_t pick_gpa(struct harness *h)
{
    uint8_t mode = in_u8(&h->in);
    if (mode >= 0xf0)
        return in_u64(&h->in);
    const struct virtio_mem_region *r = &h->g.region[mode % h->g.mem.count];
    return r->gpa + in_u16(&h->in) % (r->size + 32);
}

static void write_guest(struct harness *h, uint64_t gpa, const void *src, size_t n)
{
    uint8_t *p = regions_at(&h->g, gpa, n);
    if (p != NULL)
        memcpy(p, src, n);
}

/* A descriptor, in the queue's table or anywhere in memory (an indirect table). */
static void do_write_desc(struct harness *h)
{
    uint8_t where = in_u8(&h->in);
    uint64_t at = where < 0xc0 ? h->cfg.desc + 16u * (where % h->cfg.size) : pick_gpa(h);
    uint64_t addr = pick_gpa(h);
    uint32_t len = in_u8(&h->in) < 0xf0 ? in_u16(&h->in) % 512 : in_u32(&h->in);
    uint16_t flags = in_u8(&h->in) & 7;
    uint16_t next = in_u8(&h->in);
    uint8_t d[16];
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
    write_guest(h, at, d, sizeof(d));
}

/* The driver makes a head available: ring entry, then idx (§2.7.13). */
static void do_make_available(struct harness *h)
{
    uint16_t idx, head = in_u8(&h->in);
    uint8_t *avail = regions_at(&h->g, h->cfg.driver, VIRTQ_AVAIL_SIZE(h->cfg.size));
    if (avail == NULL || h->cfg.size > MAX_QSIZE)
        return;
    memcpy(&idx, avail + 2, 2);
    memcpy(avail + 4 + 2u * (idx % h->cfg.size), &head, 2);
    idx++;
    memcpy(avail + 2, &idx, 2);
}

static void do_write_raw(struct harness *h)
{
    uint8_t buf[64];
    uint64_t gpa = pick_gpa(h);
    size_t n = in_u8(&h->in) % sizeof(buf);
    in_bytes(&h->in, buf, n);
    write_guest(h, gpa, buf, n);
}

/* Ring fields the driver owns: avail flags, idx, used_event. */
static void do_write_avail_field(struct harness *h)
{
    uint8_t *avail = regions_at(&h->g, h->cfg.driver, VIRTQ_AVAIL_SIZE(h->cfg.size));
    if (avail == NULL)
        return;
    uint16_t v = in_u16(&h->in);
    switch (in_u8(&h->in) % 3) {
    case 0:
        memcpy(avail, &v, 2);
        break;
    case 1:
        memcpy(avail + 2, &v, 2);
        break;
    default:
        memcpy(avail + 4 + 2u * h->cfg.size, &v, 2);
        break;
    }
}

static void do_reinit(struct harness *h)
{
    if (h->nheld > 0) {
        h->stale = h->held[0].req;
        h->have_stale = true;
    }
    h->nheld = 0;
    if (in_u8(&h->in) & 1)
        virtq_reset(&h->vq);
    else
        virtq_init(&h->vq, &h->cfg, &h->g.mem, &h->faults);
}

static void do_push_stale(struct harness *h)
{
    if (h->have_stale)
        INVARIANT(virtq_push(&h->vq, &h->stale, 0) != VIRTQ_PUSH_OK);
}

typedef void op_fn(struct harness *h);
static op_fn *const ops[] = {
    do_pop,
    do_pop,
    do_push,
    do_poll,
    do_should_notify,
    do_write_desc,
    do_write_desc,
    do_make_available,
    do_make_available,
    do_write_raw,
    do_write_avail_field,
    do_reinit,
    do_push_stale,
};

/* Where the queue's rings go: in a region, aligned or not, or anywhere at all. */
static uint64_t pick_ring(struct harness *h, uint64_t align)
{
    uint8_t mode = in_u8(&h->in);
    uint64_t gpa = pick_gpa(h);
    return mode < 0xe0 ? gpa & ~(align - 1) : gpa;
}

static bool ring_ok(struct harness *h, uint64_t gpa, uint64_t len, uint64_t align)
{
    uint8_t *p = regions_at(&h->g, gpa, len);
    return gpa % align == 0 && p != NULL && (uintptr_t)p % align == 0;
}

static void setup(struct harness *h)
{
    uint8_t shape = in_u8(&h->in);
    h->cfg.size = shape < 0xf8 ? 1u << (shape % 8) : in_u16(&h->in);
    uint8_t f = in_u8(&h->in);
    h->cfg.features = VIRTIO_BIT(VIRTIO_F_VERSION_1) |
                      (f & 1 ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) : 0) |
                      (f & 2 ? VIRTIO_BIT(VIRTIO_F_EVENT_IDX) : 0);
    regions_create(&h->g, &h->in, 64, 16384);
    h->cfg.desc = pick_ring(h, VIRTQ_DESC_ALIGN);
    h->cfg.driver = pick_ring(h, VIRTQ_AVAIL_ALIGN);
    h->cfg.device = pick_ring(h, VIRTQ_USED_ALIGN);
    h->faults.log = on_log;
    h->faults.log_ctx = h;
    h->faults.needs_reset = on_reset;
    h->faults.reset_ctx = h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct harness h;
    memset(&h, 0, sizeof(h));
    h.in = (struct fuzz_input){data, size, 0};
    setup(&h);
    uint32_t n = h.cfg.size;
    bool size_ok = n >= 1 && n <= VIRTQ_MAX_SIZE && (n & (n - 1)) == 0;
    bool rings_ok = size_ok && ring_ok(&h, h.cfg.desc, 16u * n, 16) &&
                    ring_ok(&h, h.cfg.driver, VIRTQ_AVAIL_SIZE(n), 2) &&
                    ring_ok(&h, h.cfg.device, VIRTQ_USED_SIZE(n), 4);
    enum virtq_setup_result r = virtq_init(&h.vq, &h.cfg, &h.g.mem, &h.faults);
    INVARIANT(r == (!size_ok   ? VIRTQ_SETUP_BAD_SIZE
                    : rings_ok ? VIRTQ_SETUP_OK
                               : VIRTQ_SETUP_BAD_RING));
    if (r == VIRTQ_SETUP_OK && n <= MAX_QSIZE) {
        for (unsigned op = 0; op < 4096 && !in_done(&h.in); op++) {
            ops[in_u8(&h.in) % (sizeof(ops) / sizeof(ops[0]))](&h);
            check_state(&h);
        }
    }
    regions_destroy(&h.g);
    return 0;
}
