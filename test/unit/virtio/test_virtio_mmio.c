/* Unit tests for the virtio-mmio v2 transport: registers, status, queues, interrupts. */
#include "check_run.h"
#include "guest_sim.h"

#include <hv/virtio/virtio_mmio.h>
#include <hv/virtio/virtio_spec.h>
#include <string.h>

#define QUEUES 2
#define QMAX 16
#define DEV_FEATURE_0 VIRTIO_BIT(0)
#define DEV_FEATURE_5 VIRTIO_BIT(5)
#define OFFERED                                                                                    \
    (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |                         \
     VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | DEV_FEATURE_0 | DEV_FEATURE_5)
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define ACK VIRTIO_STATUS_ACKNOWLEDGE
#define DRV VIRTIO_STATUS_DRIVER
#define FOK VIRTIO_STATUS_FEATURES_OK
#define DOK VIRTIO_STATUS_DRIVER_OK
#define NEEDS_RESET VIRTIO_STATUS_DEVICE_NEEDS_RESET

/* A device model that records what the transport asked of it. */
struct recorder {
    uint8_t config[16];
    unsigned notifies[QUEUES];
    unsigned resets;
    unsigned config_reads;
};

static struct guest g;
static struct recorder rec;
static struct virtio_mmio dev;
static struct virtio_mmio_queue queues[QUEUES];
static bool irq_level;
static unsigned irq_edges;
static unsigned log_lines;

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

static const struct virtio_device_ops rec_ops = {
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

static void set_irq(void *ctx, bool level)
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

static void setup(void)
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

static void teardown(void)
{
    guest_free(&g);
}

static uint32_t rd(uint32_t offset)
{
    return (uint32_t)virtio_mmio_read(&dev, offset, 4);
}

static void wr(uint32_t offset, uint32_t value)
{
    virtio_mmio_write(&dev, offset, 4, value);
}

static uint64_t faults(enum virtio_fault kind)
{
    return dev.faults.count[kind];
}

static uint64_t all_faults(void)
{
    uint64_t n = 0;
    for (int k = 0; k < VIRTIO_FAULT_KINDS; k++)
        n += dev.faults.count[k];
    return n;
}

static void write_driver_features(uint64_t features)
{
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
}

/* §3.1.1 steps 1-6; returns Status as read back. */
static uint32_t negotiate(uint64_t features)
{
    wr(VIRTIO_MMIO_STATUS, ACK);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV);
    write_driver_features(features);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK);
    return rd(VIRTIO_MMIO_STATUS);
}

static void queue_regs(uint32_t sel, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
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
static void bring_up(void)
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

/* ---- setup ---- */

static enum virtio_mmio_init_result init_with(const struct virtio_device_ops *ops)
{
    struct virtio_mmio d;
    struct virtio_mmio_setup s = {.ops = ops, .queues = queues, .mem = &g.mem, .set_irq = set_irq};
    return virtio_mmio_init(&d, &s);
}

START_TEST(init_refuses_bad_device_descriptions)
{
    setup();
    struct virtio_device_ops ops = rec_ops;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_OK);
    ops.features = DEV_FEATURE_0;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_FEATURES);
    ops.features = V1 | VIRTIO_BIT(VIRTIO_F_RING_PACKED);
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_FEATURES);
    ops.features = V1 | VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA);
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_FEATURES);
    ops = rec_ops;
    ops.queue_num_max = 24;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_OPS);
    ops.queue_num_max = 0;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_OPS);
    ops = rec_ops;
    ops.num_queues = 0;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_OPS);
    ops = rec_ops;
    ops.config_size = 0xf01;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_OPS);
    ops = rec_ops;
    ops.queue_notify = NULL;
    ck_assert_int_eq(init_with(&ops), VIRTIO_MMIO_INIT_BAD_OPS);
    ck_assert_int_eq(init_with(NULL), VIRTIO_MMIO_INIT_BAD_OPS);
    struct virtio_mem_region bad = {0x1000, 0, g.ram};
    struct virtio_mem bad_mem = {&bad, 1};
    struct virtio_mmio d;
    struct virtio_mmio_setup s = {
        .ops = &rec_ops, .queues = queues, .mem = &bad_mem, .set_irq = set_irq};
    ck_assert_int_eq(virtio_mmio_init(&d, &s), VIRTIO_MMIO_INIT_BAD_MEM);
    teardown();
}
END_TEST

/* ---- registers ---- */

START_TEST(identification_registers)
{
    setup();
    ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION), 2);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_VENDOR_ID), 0x44554554);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    ck_assert_uint_eq(all_faults(), 0);
    teardown();
}
END_TEST

START_TEST(device_features_by_word)
{
    setup();
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), (uint32_t)OFFERED);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1 is bit 32 */
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0xffffffff);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
    ck_assert_uint_eq(all_faults(), 0);
    teardown();
}
END_TEST

START_TEST(shared_memory_regions_are_absent)
{
    setup();
    wr(VIRTIO_MMIO_SHM_SEL, 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_BASE_LOW), 0xffffffff);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_BASE_HIGH), 0xffffffff);
    ck_assert_uint_eq(all_faults(), 0);
    teardown();
}
END_TEST

START_TEST(register_access_must_be_32_bit_aligned)
{
    setup();
    static const unsigned sizes[] = {1, 2, 8, 0, 3};
    for (unsigned i = 0; i < 5; i++)
        ck_assert_uint_eq(virtio_mmio_read(&dev, VIRTIO_MMIO_MAGIC_VALUE, sizes[i]), 0);
    ck_assert_uint_eq(virtio_mmio_read(&dev, VIRTIO_MMIO_MAGIC_VALUE + 1, 4), 0);
    ck_assert_uint_eq(virtio_mmio_read(&dev, VIRTIO_MMIO_VERSION + 2, 2), 0);
    virtio_mmio_write(&dev, VIRTIO_MMIO_STATUS, 1, ACK);
    virtio_mmio_write(&dev, VIRTIO_MMIO_STATUS, 2, ACK);
    virtio_mmio_write(&dev, VIRTIO_MMIO_STATUS, 8, ACK);
    virtio_mmio_write(&dev, VIRTIO_MMIO_STATUS + 1, 4, ACK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_MMIO_ACCESS), 11);
    ck_assert_uint_eq(all_faults(), 11);
    /* Lines at counts 1, 2, 4, 8. */
    ck_assert_uint_eq(log_lines, 4);
    teardown();
}
END_TEST

START_TEST(reserved_offsets_read_zero)
{
    setup();
    static const uint32_t reserved[] = {0x018, 0x028, 0x03c, 0x040, 0x0a8, 0x0c0, 0x0f8};
    for (unsigned i = 0; i < 7; i++) {
        ck_assert_uint_eq(rd(reserved[i]), 0);
        wr(reserved[i], 0xffffffff);
    }
    ck_assert_uint_eq(faults(VIRTIO_FAULT_MMIO_OFFSET), 14);
    ck_assert_uint_eq(all_faults(), 14);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    teardown();
}
END_TEST

START_TEST(register_directions_are_enforced)
{
    setup();
    wr(VIRTIO_MMIO_MAGIC_VALUE, 0);
    wr(VIRTIO_MMIO_INTERRUPT_STATUS, 3);
    wr(VIRTIO_MMIO_CONFIG_GENERATION, 5);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_SEL), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NOTIFY), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DRIVER_FEATURES), 0);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_MMIO_DIRECTION), 6);
    ck_assert_uint_eq(all_faults(), 6);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
    teardown();
}
END_TEST

/* ---- configuration space ---- */

START_TEST(config_space_takes_every_width)
{
    setup();
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x100, 1), 0x10);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x10f, 1), 0x1f);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x102, 2), 0x1312);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x104, 4), 0x17161514);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x108, 8), 0x1f1e1d1c1b1a1918ull);
    virtio_mmio_write(&dev, 0x101, 1, 0xabcd);
    virtio_mmio_write(&dev, 0x104, 4, 0x1122334455667788ull);
    virtio_mmio_write(&dev, 0x108, 8, 0x0102030405060708ull);
    ck_assert_uint_eq(rec.config[1], 0xcd);
    ck_assert_uint_eq(rec.config[2], 0x12);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x104, 4), 0x55667788);
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x108, 8), 0x0102030405060708ull);
    ck_assert_uint_eq(all_faults(), 0);
    teardown();
}
END_TEST

START_TEST(config_space_refuses_bad_accesses)
{
    setup();
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x101, 2), 0);  /* misaligned */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x102, 4), 0);  /* misaligned */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x104, 8), 0);  /* misaligned */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x100, 3), 0);  /* no such width */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x100, 16), 0); /* no such width */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x110, 1), 0);  /* past config_size */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0x10c, 8), 0);  /* runs past it */
    ck_assert_uint_eq(virtio_mmio_read(&dev, 0xfffffff8, 8), 0);
    virtio_mmio_write(&dev, 0x110, 4, 0);
    virtio_mmio_write(&dev, 0x103, 2, 0);
    ck_assert_uint_eq(rec.config_reads, 0);
    ck_assert_uint_eq(rec.config[3], 0x13);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_CONFIG_ACCESS), 10);
    ck_assert_uint_eq(all_faults(), 10);
    teardown();
}
END_TEST

START_TEST(config_change_bumps_generation)
{
    setup();
    virtio_mmio_config_changed(&dev);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0); /* no driver running yet */
    bring_up();
    virtio_mmio_config_changed(&dev);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 2);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    ck_assert(irq_level);
    teardown();
}
END_TEST

/* ---- status state machine ---- */

START_TEST(status_handshake_reaches_driver_ok)
{
    setup();
    bring_up();
    ck_assert_uint_eq(virtio_mmio_features(&dev), V1 | DEV_FEATURE_5);
    teardown();
}
END_TEST

START_TEST(features_ok_refused_for_unoffered_feature)
{
    setup();
    ck_assert_uint_eq(negotiate(V1 | VIRTIO_BIT(7)), ACK | DRV);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_FEATURES_REFUSED), 1);
    ck_assert_uint_eq(all_faults(), 1);
    teardown();
}
END_TEST

START_TEST(features_ok_refused_without_version_1)
{
    setup();
    ck_assert_uint_eq(negotiate(DEV_FEATURE_0), ACK | DRV);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_FEATURES_REFUSED), 1);
    /* The driver may try again with a correct set. */
    write_driver_features(V1 | DEV_FEATURE_0);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK);
    teardown();
}
END_TEST

START_TEST(features_ok_refused_for_bits_beyond_64)
{
    setup();
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    ck_assert_uint_eq(negotiate(V1), ACK | DRV);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_FEATURES_REFUSED), 1);
    teardown();
}
END_TEST

START_TEST(driver_features_frozen_after_features_ok)
{
    setup();
    ck_assert_uint_eq(negotiate(V1), ACK | DRV | FOK);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)DEV_FEATURE_0);
    ck_assert_uint_eq(virtio_mmio_features(&dev), V1);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_FEATURES_LATE), 1);
    ck_assert_uint_eq(all_faults(), 1);
    teardown();
}
END_TEST

START_TEST(status_steps_out_of_order_are_refused)
{
    setup();
    wr(VIRTIO_MMIO_STATUS, DRV); /* no ACKNOWLEDGE yet */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    wr(VIRTIO_MMIO_STATUS, ACK | FOK); /* FEATURES_OK without DRIVER */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | DOK); /* DRIVER_OK without FEATURES_OK */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_STATUS_ILLEGAL), 3);
    /* All steps in one write, in order, is fine. */
    write_driver_features(V1);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK | DOK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK);
    ck_assert_uint_eq(all_faults(), 3);
    teardown();
}
END_TEST

START_TEST(status_bits_cannot_be_cleared)
{
    setup();
    bring_up();
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK);
    wr(VIRTIO_MMIO_STATUS, ACK);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_STATUS_ILLEGAL), 2);
    ck_assert_uint_eq(all_faults(), 2);
    teardown();
}
END_TEST

START_TEST(failed_may_be_set_from_any_state)
{
    setup();
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_FAILED);
    wr(VIRTIO_MMIO_STATUS, 0);
    bring_up();
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | FOK | DOK | VIRTIO_STATUS_FAILED);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | FOK | DOK | VIRTIO_STATUS_FAILED);
    ck_assert_uint_eq(all_faults(), 0);
    teardown();
}
END_TEST

START_TEST(driver_cannot_set_needs_reset_but_may_echo_it)
{
    setup();
    wr(VIRTIO_MMIO_STATUS, ACK | NEEDS_RESET | 0x10);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK);
    ck_assert_uint_eq(faults(VIRTIO_FAULT_STATUS_ILLEGAL), 1);
    virtio_mmio_needs_reset(&dev);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | NEEDS_RESET);
    wr(VIRTIO_MMIO_STATUS, ACK | DRV | NEEDS_RESET);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), ACK | DRV | NEEDS_RESET);
    ck_assert_uint_eq(all_faults(), 1);
    teardown();
}
END_TEST

START_TEST(reset_from_driver_ok_clears_everything)
{
    setup();
    bring_up();
    virtio_mmio_config_changed(&dev);
    ck_assert(irq_level);
    wr(VIRTIO_MMIO_QUEUE_SEL, 1);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_STATUS, 0);
    ck_assert_uint_eq(rec.resets, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    ck_assert(!irq_level);
    ck_assert_uint_eq(virtio_mmio_features(&dev), 0);
    /* Selectors back to 0, queue 0 no longer ready, its registers cleared. */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), (uint32_t)OFFERED);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert(!virtio_mmio_queue(&dev, 0)->ready);
    ck_assert_uint_eq(queues[0].desc, 0);
    ck_assert_uint_eq(queues[0].driver, 0);
    ck_assert_uint_eq(queues[0].device, 0);
    ck_assert_uint_eq(queues[0].num, QMAX);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), QMAX);
    /* The configuration generation survives: it only ever moves forward. */
    ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
    /* And the device comes up again. */
    bring_up();
    teardown();
}
END_TEST

/* ---- queues ---- */

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

static Suite *mmio_suite(void)
{
    Suite *s = suite_create("virtio_mmio");
    TCase *regs = tcase_create("registers");
    tcase_add_test(regs, init_refuses_bad_device_descriptions);
    tcase_add_test(regs, identification_registers);
    tcase_add_test(regs, device_features_by_word);
    tcase_add_test(regs, shared_memory_regions_are_absent);
    tcase_add_test(regs, register_access_must_be_32_bit_aligned);
    tcase_add_test(regs, reserved_offsets_read_zero);
    tcase_add_test(regs, register_directions_are_enforced);
    tcase_add_test(regs, config_space_takes_every_width);
    tcase_add_test(regs, config_space_refuses_bad_accesses);
    tcase_add_test(regs, config_change_bumps_generation);
    suite_add_tcase(s, regs);

    TCase *status = tcase_create("status");
    tcase_add_test(status, status_handshake_reaches_driver_ok);
    tcase_add_test(status, features_ok_refused_for_unoffered_feature);
    tcase_add_test(status, features_ok_refused_without_version_1);
    tcase_add_test(status, features_ok_refused_for_bits_beyond_64);
    tcase_add_test(status, driver_features_frozen_after_features_ok);
    tcase_add_test(status, status_steps_out_of_order_are_refused);
    tcase_add_test(status, status_bits_cannot_be_cleared);
    tcase_add_test(status, failed_may_be_set_from_any_state);
    tcase_add_test(status, driver_cannot_set_needs_reset_but_may_echo_it);
    tcase_add_test(status, reset_from_driver_ok_clears_everything);
    suite_add_tcase(s, status);

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
    return check_run(mmio_suite());
}
