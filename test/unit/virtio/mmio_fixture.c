/* The virtio-mmio transport tests' fixture (mmio_fixture.h). */
#include "mmio_fixture.h"

struct guest g;
struct recorder rec;
struct virtio_mmio dev;
struct virtio_mmio_queue queues[QUEUES];
bool irq_level;
unsigned irq_edges;
unsigned log_lines;

static uint64_t rec_config_read(struct virtio_mmio *d, uint32_t offset, unsigned size)
{
    struct recorder *r = virtio_mmio_device_ctx(d);
    uint64_t v = 0;
    memcpy(&v, r->config + offset, size);
    r->config_reads++;
    return v | 0xdead000000000000ull * (size < 8); /* junk above the access width */
}

static void rec_config_write(struct virtio_mmio *d, uint32_t offset, unsigned size, uint64_t value)
{
    struct recorder *r = virtio_mmio_device_ctx(d);
    memcpy(r->config + offset, &value, size);
}

static void rec_notify(struct virtio_mmio *d, uint16_t queue)
{
    struct recorder *r = virtio_mmio_device_ctx(d);
    ck_assert_uint_lt(queue, QUEUES);
    r->notifies[queue]++;
}

static void rec_reset(struct virtio_mmio *d)
{
    struct recorder *r = virtio_mmio_device_ctx(d);
    r->resets++;
}

const struct virtio_device_ops rec_ops = {
    .device_id = VIRTIO_ID_BLOCK,
    .vendor_id = 0x44554554,
    .features = OFFERED,
    .num_queues = QUEUES,
    .queue_num_max = QMAX,
    .config_size = 16,
    .config_read = rec_config_read,
    .config_write = rec_config_write,
    .queue_notify = rec_notify,
    .reset = rec_reset,
};

void set_irq(void *ctx, bool level)
{
    ck_assert_ptr_eq(ctx, &irq_level);
    ck_assert_int_ne(level, irq_level); /* only changes are reported */
    irq_level = level;
    irq_edges++;
}

static void count_log(void *ctx, enum virtio_fault kind, uint64_t count, const char *what)
{
    log_lines++;
}

void setup(void)
{
    guest_init(&g, 8);
    memset(&rec, 0, sizeof(rec));
    for (int i = 0; i < 16; i++)
        rec.config[i] = (uint8_t)(0x10 + i);
    irq_level = false;
    irq_edges = 0;
    log_lines = 0;
    struct virtio_mmio_setup s = {.ops = &rec_ops,
                                  .device_ctx = &rec,
                                  .queues = queues,
                                  .mem = &g.mem,
                                  .set_irq = set_irq,
                                  .irq_ctx = &irq_level,
                                  .log = count_log};
    ck_assert_int_eq(virtio_mmio_init(&dev, &s), VIRTIO_MMIO_INIT_OK);
}

void teardown(void)
{
    guest_free(&g);
}

uint32_t rd(uint32_t offset)
{
    return (uint32_t)virtio_mmio_read(&dev, offset, 4);
}

void wr(uint32_t offset, uint32_t value)
{
    virtio_mmio_write(&dev, offset, 4, value);
}

uint64_t faults(enum virtio_fault kind)
{
    return dev.faults.count[kind];
}

uint64_t all_faults(void)
{
    uint64_t n = 0;
    for (int k = 0; k < VIRTIO_FAULT_KINDS; k++)
        n += dev.faults.count[k];
    return n;
}

void write_driver_features(uint64_t features)
{
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
}

/* §3.1.1 steps 1-6; returns Status as read back. */
uint32_t negotiate(uint64_t features)
{
    wr(VIRTIO_MMIO_STATUS, ACK);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV);
    write_driver_features(features);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK);
    return rd(VIRTIO_MMIO_STATUS);
}

void queue_regs(uint32_t sel, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    wr(VIRTIO_MMIO_QUEUE_SEL, sel);
    wr(VIRTIO_MMIO_QUEUE_NUM, num);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
}

/* A driver all the way to DRIVER_OK with queue 0 on the guest's rings. */
void bring_up(void)
{
    uint64_t faults_before = all_faults();
    ck_assert_uint_eq(negotiate(V1 | DEV_FEATURE_5), ACK | DRV | FOK);
    queue_regs(0, 8, GUEST_DESC, GUEST_AVAIL, GUEST_USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 1);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK | DOK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK);
    ck_assert_uint_eq(all_faults(), faults_before);
}
