/* libFuzzer target for virtio-mmio: register accesses, notifies, resets, guest writes. */
#include <hv/virtio/virtio_mmio.h>
#include <hv/virtio/virtio_spec.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_invariant.h"
#include "guest_regions.h"
#include "virtio_echo.h"

#define CHECKER_QUEUES 2
#define CHECKER_QMAX 64
#define CHECKER_CONFIG 24
#define CHECKER_FEATURES                                                                           \
    (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |                         \
     VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(0) | VIRTIO_BIT(3))
#define KNOWN_STATUS                                                                               \
    (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |                \
     VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED)

struct harness {
    struct fuzz_input in;
    struct guest_regions g;
    bool use_echo;
    struct virtio_mmio *dev;
    bool irq_level;
    /* The checking model: every segment in guest memory, every notify legal. */
    struct virtio_mmio checker;
    struct virtio_mmio_queue checker_queues[CHECKER_QUEUES];
    uint8_t config[CHECKER_CONFIG];
    struct virtq_seg segs[CHECKER_QMAX];
    struct virtio_echo echo;
    bool model_asked_reset;
    bool reset_in_op;
};

static struct harness h;

/* Every register write goes through here, noting a device reset (Status = 0). */
static void mmio_write(uint32_t offset, unsigned size, uint64_t value)
{
    if (offset == VIRTIO_MMIO_STATUS && size == 4 && (uint32_t)value == 0)
        h.reset_in_op = true;
    virtio_mmio_write(h.dev, offset, size, value);
}

static void set_irq(void *ctx, bool level)
{
    struct harness *hh = ctx;
    INVARIANT(level != hh->irq_level); /* the line is only told about changes */
    hh->irq_level = level;
}

static void on_log(void *ctx, enum virtio_fault kind, uint64_t count, const char *what)
{
    INVARIANT((unsigned)kind < VIRTIO_FAULT_KINDS && what != NULL && count != 0);
}

static uint64_t checker_config_read(struct virtio_mmio *dev, uint32_t offset, unsigned size)
{
    INVARIANT(offset + size <= CHECKER_CONFIG && offset % size == 0);
    uint64_t v = 0;
    memcpy(&v, h.config + offset, size);
    return v;
}

static void checker_config_write(struct virtio_mmio *dev, uint32_t offset, unsigned size,
                                 uint64_t value)
{
    INVARIANT(offset + size <= CHECKER_CONFIG && offset % size == 0);
    INVARIANT(size == 8 || value >> (8 * size) == 0);
    memcpy(h.config + offset, &value, size);
}

static void checker_handle(void *ctx, struct virtq *vq, struct virtq_req *req)
{
    uint32_t n = req->nreadable + req->nwritable;
    INVARIANT(n >= 1 && n <= vq->size);
    for (uint32_t i = 0; i < n; i++) {
        INVARIANT(regions_hold(&h.g, req->segs[i].addr, req->segs[i].len));
        touch(req->segs[i].addr, req->segs[i].len, i >= req->nreadable);
    }
    INVARIANT(virtq_push(vq, req, in_u32(&h.in)) == VIRTQ_PUSH_OK);
}

static void checker_notify(struct virtio_mmio *dev, uint16_t queue)
{
    /* §2.1.2, §3.1.1: only a live device's ready queues get here. */
    INVARIANT(queue < CHECKER_QUEUES && dev->queues[queue].vq.ready);
    INVARIANT(dev->status & VIRTIO_STATUS_DRIVER_OK);
    INVARIANT(!(dev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
    struct virtq_req req = {.segs = h.segs, .capacity = CHECKER_QMAX};
    virtq_poll(virtio_mmio_queue(dev, queue), &req, checker_handle, NULL);
    virtio_mmio_used_notify(dev, queue);
}

static void checker_reset(struct virtio_mmio *dev)
{
    INVARIANT(dev->status == 0 && dev->interrupt_status == 0);
    for (int i = 0; i < CHECKER_QUEUES; i++)
        INVARIANT(!dev->queues[i].vq.ready);
    memset(h.config, 0, sizeof(h.config));
}

static const struct virtio_device_ops checker_ops = {
    .device_id = VIRTIO_ID_CONSOLE,
    .features = CHECKER_FEATURES,
    .num_queues = CHECKER_QUEUES,
    .queue_num_max = CHECKER_QMAX,
    .config_size = CHECKER_CONFIG,
    .config_read = checker_config_read,
    .config_write = checker_config_write,
    .queue_notify = checker_notify,
    .reset = checker_reset,
};

/* ---- operations ---- */

static const unsigned sizes[] = {4, 4, 4, 4, 1, 2, 8, 0, 3, 16};

static unsigned pick_size(void)
{
    return sizes[in_u8(&h.in) % (sizeof(sizes) / sizeof(sizes[0]))];
}

static void op_read(void)
{
    uint32_t offset = in_u16(&h.in) % 0x1100;
    unsigned size = pick_size();
    uint64_t v = virtio_mmio_read(h.dev, offset, size);
    bool reg = offset < VIRTIO_MMIO_CONFIG;
    if (reg && (size != 4 || offset % 4 != 0))
        INVARIANT(v == 0);
    if (size == 4 && offset == VIRTIO_MMIO_MAGIC_VALUE)
        INVARIANT(v == VIRTIO_MMIO_MAGIC);
    if (size == 4 && offset == VIRTIO_MMIO_VERSION)
        INVARIANT(v == 2);
    if (size == 4 && offset == VIRTIO_MMIO_STATUS)
        INVARIANT(v == h.dev->status);
    if (size < 8)
        INVARIANT(v >> (8 * size) == 0);
}

static void op_write(void)
{
    uint32_t offset = in_u16(&h.in) % 0x1100;
    unsigned size = pick_size();
    mmio_write(offset, size, in_u64(&h.in));
}

/* Aligned 32-bit register writes, the common case, with small values that mean something. */
static void op_write_register(void)
{
    uint32_t offset = (in_u8(&h.in) % 64) * 4;
    uint8_t kind = in_u8(&h.in);
    uint32_t value = kind < 0xc0 ? kind % 16 : in_u32(&h.in);
    mmio_write(offset, 4, value);
}

static void op_notify(void)
{
    mmio_write(VIRTIO_MMIO_QUEUE_NOTIFY, 4, in_u8(&h.in) % 4);
}

static void op_reset(void)
{
    mmio_write(VIRTIO_MMIO_STATUS, 4, 0);
    INVARIANT(h.dev->status == 0 && !h.irq_level);
}

static uint64_t pick_gpa(void)
{
    uint8_t mode = in_u8(&h.in);
    if (mode >= 0xf0)
        return in_u64(&h.in);
    const struct virtio_mem_region *r = &h.g.region[mode % h.g.mem.count];
    return r->gpa + in_u16(&h.in) % (r->size + 32);
}

static void set_queue_addr(uint32_t low_reg, uint64_t align)
{
    uint64_t gpa = pick_gpa();
    if (in_u8(&h.in) < 0xe0)
        gpa &= ~(align - 1);
    mmio_write(low_reg, 4, (uint32_t)gpa);
    mmio_write(low_reg + 4, 4, (uint32_t)(gpa >> 32));
}

/* A whole driver bring-up (§3.1.1), so the fuzzer reaches live queues without luck. */
static void op_driver_init(void)
{
    uint64_t features = h.dev->ops->features;
    uint8_t change = in_u8(&h.in);
    if (change >= 0xc0)
        features ^= VIRTIO_BIT(change % 64);
    uint32_t s = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
    mmio_write(VIRTIO_MMIO_STATUS, 4, 0);
    mmio_write(VIRTIO_MMIO_STATUS, 4, VIRTIO_STATUS_ACKNOWLEDGE);
    mmio_write(VIRTIO_MMIO_STATUS, 4, s);
    for (uint32_t sel = 0; sel < 2; sel++) {
        mmio_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, sel);
        mmio_write(VIRTIO_MMIO_DRIVER_FEATURES, 4, (uint32_t)(features >> (32 * sel)));
    }
    mmio_write(VIRTIO_MMIO_STATUS, 4, s | VIRTIO_STATUS_FEATURES_OK);
    s = (uint32_t)virtio_mmio_read(h.dev, VIRTIO_MMIO_STATUS, 4);
    unsigned queues = 1 + in_u8(&h.in) % h.dev->ops->num_queues;
    for (uint32_t q = 0; q < queues; q++) {
        mmio_write(VIRTIO_MMIO_QUEUE_SEL, 4, q);
        uint8_t num = in_u8(&h.in);
        mmio_write(VIRTIO_MMIO_QUEUE_NUM, 4, num < 0xf0 ? 1u << (num % 8) : num);
        set_queue_addr(VIRTIO_MMIO_QUEUE_DESC_LOW, 16);
        set_queue_addr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, 2);
        set_queue_addr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, 4);
        mmio_write(VIRTIO_MMIO_QUEUE_READY, 4, 1);
    }
    mmio_write(VIRTIO_MMIO_STATUS, 4, s | VIRTIO_STATUS_DRIVER_OK);
}

static struct virtio_mmio_queue *pick_queue(void)
{
    return &h.dev->queues[in_u8(&h.in) % h.dev->ops->num_queues];
}

static void write_guest(uint64_t gpa, const void *src, size_t n)
{
    uint8_t *p = regions_at(&h.g, gpa, n);
    if (p != NULL)
        memcpy(p, src, n);
}

static void op_write_desc(void)
{
    struct virtio_mmio_queue *q = pick_queue();
    uint8_t where = in_u8(&h.in);
    uint64_t at = where < 0xc0 ? q->desc + 16u * (where % 64) : pick_gpa();
    uint64_t addr = pick_gpa();
    uint32_t len = in_u8(&h.in) < 0xf0 ? in_u16(&h.in) % 512 : in_u32(&h.in);
    uint16_t flags = in_u8(&h.in) & 7, next = in_u8(&h.in);
    uint8_t d[16];
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
    write_guest(at, d, sizeof(d));
}

static void op_make_available(void)
{
    struct virtio_mmio_queue *q = pick_queue();
    uint16_t head = in_u8(&h.in);
    if (q->num == 0 || q->num > 256)
        return;
    uint8_t *avail = regions_at(&h.g, q->driver, VIRTQ_AVAIL_SIZE(q->num));
    if (avail == NULL)
        return;
    uint16_t idx;
    memcpy(&idx, avail + 2, 2);
    memcpy(avail + 4 + 2u * (idx % q->num), &head, 2);
    idx++;
    memcpy(avail + 2, &idx, 2);
}

static void op_write_raw(void)
{
    uint8_t buf[32];
    uint64_t gpa = pick_gpa();
    size_t n = in_u8(&h.in) % sizeof(buf);
    in_bytes(&h.in, buf, n);
    write_guest(gpa, buf, n);
}

static void op_status(void)
{
    mmio_write(VIRTIO_MMIO_STATUS, 4, in_u8(&h.in));
}

static void op_interrupt_ack(void)
{
    mmio_write(VIRTIO_MMIO_INTERRUPT_ACK, 4, in_u8(&h.in) % 4);
}

static void op_model_event(void)
{
    uint8_t what = in_u8(&h.in);
    if (what % 3 == 0) {
        virtio_mmio_config_changed(h.dev);
    } else if (what % 3 == 1) {
        h.model_asked_reset = true;
        virtio_mmio_needs_reset(h.dev);
    } else {
        virtio_mmio_used_notify(h.dev, what % 4);
    }
}

typedef void op_fn(void);
static op_fn *const ops[] = {
    op_read,       op_write,      op_write_register, op_write_register,
    op_notify,     op_notify,     op_reset,          op_driver_init,
    op_write_desc, op_write_desc, op_make_available, op_make_available,
    op_write_raw,  op_status,     op_interrupt_ack,  op_model_event,
};

/* ---- invariants ---- */

static uint64_t fatal_faults(void)
{
    const uint64_t *c = h.dev->faults.count;
    return c[VIRTIO_FAULT_AVAIL_IDX_JUMP] + c[VIRTIO_FAULT_HEAD_INDEX] + c[VIRTIO_FAULT_RING_SETUP];
}

static void check_status(void)
{
    uint32_t s = h.dev->status;
    INVARIANT((s & ~KNOWN_STATUS) == 0);
    /* §3.1.1: each step only after the one before. */
    if (s & VIRTIO_STATUS_DRIVER_OK)
        INVARIANT(s & VIRTIO_STATUS_FEATURES_OK);
    if (s & VIRTIO_STATUS_FEATURES_OK) {
        INVARIANT(s & VIRTIO_STATUS_DRIVER);
        uint64_t f = virtio_mmio_features(h.dev);
        INVARIANT((f & ~h.dev->ops->features) == 0 && (f & VIRTIO_BIT(VIRTIO_F_VERSION_1)));
    }
    if (s & VIRTIO_STATUS_DRIVER)
        INVARIANT(s & VIRTIO_STATUS_ACKNOWLEDGE);
}

static void check_queues(void)
{
    for (uint16_t i = 0; i < h.dev->ops->num_queues; i++) {
        const struct virtq *vq = &h.dev->queues[i].vq;
        if (!vq->ready)
            continue;
        INVARIANT(h.dev->status & VIRTIO_STATUS_FEATURES_OK);
        INVARIANT(vq->size <= h.dev->ops->queue_num_max && (vq->size & (vq->size - 1)) == 0);
        INVARIANT(regions_hold(&h.g, vq->desc, 16u * vq->size));
        INVARIANT(regions_hold(&h.g, vq->avail, VIRTQ_AVAIL_SIZE(vq->size)));
        INVARIANT(regions_hold(&h.g, vq->used, VIRTQ_USED_SIZE(vq->size)));
        /* Both models complete at once: nothing in flight, used caught up with avail. */
        INVARIANT(vq->inflight == 0 && vq->last_avail_idx == vq->used_idx);
    }
}

static void check_step(uint32_t status_before, uint64_t fatal_before)
{
    check_status();
    check_queues();
    INVARIANT((h.dev->interrupt_status & ~3u) == 0);
    INVARIANT(h.irq_level == (h.dev->interrupt_status != 0));
    /* DEVICE_NEEDS_RESET comes from a fatal fault or the model, and stays until reset. */
    bool needs = h.dev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    bool had = status_before & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    if (needs && !had)
        INVARIANT(fatal_faults() > fatal_before || h.model_asked_reset);
    if (had && !h.reset_in_op)
        INVARIANT(needs);
    if (fatal_faults() > fatal_before)
        INVARIANT(needs || h.dev->status == 0);
}

/* The region table is valid unless a region wraps past 2^64; init must agree. */
static enum virtio_mmio_init_result expected_init(void)
{
    for (size_t i = 0; i < h.g.mem.count; i++) {
        if (h.g.region[i].gpa > UINT64_MAX - (h.g.region[i].size - 1))
            return VIRTIO_MMIO_INIT_BAD_MEM;
    }
    return VIRTIO_MMIO_INIT_OK;
}

static bool setup(void)
{
    h.use_echo = in_u8(&h.in) & 1;
    regions_create(&h.g, &h.in, 4096, 16384);
    enum virtio_mmio_init_result r;
    if (h.use_echo) {
        r = virtio_echo_init(&h.echo, &h.g.mem, set_irq, &h, on_log, NULL);
        h.dev = &h.echo.mmio;
    } else {
        struct virtio_mmio_setup s = {.ops = &checker_ops,
                                      .queues = h.checker_queues,
                                      .mem = &h.g.mem,
                                      .set_irq = set_irq,
                                      .irq_ctx = &h,
                                      .log = on_log};
        r = virtio_mmio_init(&h.checker, &s);
        h.dev = &h.checker;
    }
    INVARIANT(r == expected_init());
    return r == VIRTIO_MMIO_INIT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(&h, 0, sizeof(h));
    h.in = (struct fuzz_input){data, size, 0};
    bool ready = setup();
    for (unsigned op = 0; ready && op < 4096 && !in_done(&h.in); op++) {
        uint32_t status_before = h.dev->status;
        uint64_t fatal_before = fatal_faults();
        h.model_asked_reset = false;
        h.reset_in_op = false;
        ops[in_u8(&h.in) % (sizeof(ops) / sizeof(ops[0]))]();
        check_step(status_before, fatal_before);
    }
    regions_destroy(&h.g);
    return 0;
}
