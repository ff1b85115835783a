/* virtio-mmio version 2: the register file, the device status state machine, interrupts. */
#include <hv/virtio/virtio_mmio.h>
#include <hv/virtio/virtio_spec.h>

#include <hv/bits.h>
#include <string.h>

#define REG_COUNT (VIRTIO_MMIO_CONFIG / 4)

/* Feature bits 24..41 belong to the transport and queues (§6); we implement these three. */
#define TRANSPORT_FEATURES (((UINT64_C(1) << 42) - 1) & ~((UINT64_C(1) << 24) - 1))
#define SUPPORTED_TRANSPORT_FEATURES                                                               \
    (VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |                         \
     VIRTIO_BIT(VIRTIO_F_VERSION_1))

#define DRIVER_STATUS_BITS                                                                         \
    (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |                \
     VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FAILED)

/* SHMLen/SHMBase of a region that doesn't exist read as -1 (§4.2.2); we have none. */
#define SHM_ABSENT 0xffffffffu

static void irq_update(struct virtio_mmio *dev, uint32_t old_status)
{
    bool was = old_status != 0, is = dev->interrupt_status != 0;
    if (was != is)
        dev->set_irq(dev->irq_ctx, is);
}

static void raise_interrupt(struct virtio_mmio *dev, uint32_t bits)
{
    uint32_t old = dev->interrupt_status;
    dev->interrupt_status |= bits;
    irq_update(dev, old);
}

static bool status_has(const struct virtio_mmio *dev, uint32_t bits)
{
    return (dev->status & bits) == bits;
}

/* The selected queue, or NULL (and a counted fault when the driver meant to change it). */
static struct virtio_mmio_queue *selected_queue(struct virtio_mmio *dev, bool for_write)
{
    if (dev->queue_sel < dev->ops->num_queues)
        return &dev->queues[dev->queue_sel];
    if (for_write)
        virtio_fault_record(&dev->faults, VIRTIO_FAULT_QUEUE_SEL);
    return NULL;
}

static void fault(struct virtio_mmio *dev, enum virtio_fault kind)
{
    virtio_fault_record(&dev->faults, kind);
}

/* ---- Device reset (§2.4, §4.2.3.1: writing 0 to Status) ---- */

static void queue_clear(struct virtio_mmio *dev, struct virtio_mmio_queue *q)
{
    q->num = dev->ops->queue_num_max;
    q->desc = 0;
    q->driver = 0;
    q->device = 0;
    virtq_reset(&q->vq);
}

static void device_reset(struct virtio_mmio *dev)
{
    uint32_t old_interrupts = dev->interrupt_status;
    dev->status = 0;
    dev->device_features_sel = 0;
    dev->driver_features_sel = 0;
    dev->driver_features = 0;
    dev->driver_features_unknown = false;
    dev->queue_sel = 0;
    dev->shm_sel = 0;
    for (uint16_t i = 0; i < dev->ops->num_queues; i++)
        queue_clear(dev, &dev->queues[i]);
    dev->interrupt_status = 0;
    irq_update(dev, old_interrupts);
    if (dev->ops->reset != NULL)
        dev->ops->reset(dev);
}

/* ---- Status state machine (§2.1, §3.1.1) ---- */

/* §2.2.2: FEATURES_OK only for a subset of what was offered, and only with VERSION_1. */
static bool features_acceptable(const struct virtio_mmio *dev)
{
    uint64_t f = dev->driver_features;
    return !dev->driver_features_unknown && (f & ~dev->ops->features) == 0 &&
           (f & VIRTIO_BIT(VIRTIO_F_VERSION_1)) != 0;
}

/* Each step of initialisation requires the one before it (§3.1.1). */
static uint32_t status_prerequisite(uint32_t bit)
{
    switch (bit) {
    case VIRTIO_STATUS_DRIVER:
        return VIRTIO_STATUS_ACKNOWLEDGE;
    case VIRTIO_STATUS_FEATURES_OK:
        return VIRTIO_STATUS_DRIVER;
    case VIRTIO_STATUS_DRIVER_OK:
        return VIRTIO_STATUS_FEATURES_OK;
    default:
        return 0; /* ACKNOWLEDGE starts it; FAILED may come at any time */
    }
}

static void status_set_bit(struct virtio_mmio *dev, uint32_t bit)
{
    if (!status_has(dev, status_prerequisite(bit))) {
        fault(dev, VIRTIO_FAULT_STATUS_ILLEGAL);
        return;
    }
    if (bit == VIRTIO_STATUS_FEATURES_OK && !features_acceptable(dev)) {
        /* The driver reads Status back and finds FEATURES_OK missing (§3.1.1 step 6). */
        fault(dev, VIRTIO_FAULT_FEATURES_REFUSED);
        return;
    }
    dev->status |= bit;
    /* §2.1.2: a driver going live on a device that already needs a reset is told at once. */
    if (bit == VIRTIO_STATUS_DRIVER_OK && status_has(dev, VIRTIO_STATUS_DEVICE_NEEDS_RESET))
        raise_interrupt(dev, VIRTIO_MMIO_INT_CONFIG);
}

static void write_status(struct virtio_mmio *dev, uint32_t value)
{
    if (value == 0) {
        device_reset(dev);
        return;
    }
    /* DEVICE_NEEDS_RESET is the device's; the driver may echo it back but not set it. */
    uint32_t echoed = VIRTIO_STATUS_DEVICE_NEEDS_RESET & dev->status;
    if ((value & ~(DRIVER_STATUS_BITS | echoed)) != 0)
        fault(dev, VIRTIO_FAULT_STATUS_ILLEGAL);
    uint32_t wanted = value & DRIVER_STATUS_BITS;
    uint32_t have = dev->status & DRIVER_STATUS_BITS;
    /* §2.1.1: the driver never clears a bit; only a reset does. */
    if ((have & ~wanted) != 0) {
        fault(dev, VIRTIO_FAULT_STATUS_ILLEGAL);
        return;
    }
    static const uint32_t order[] = {VIRTIO_STATUS_ACKNOWLEDGE, VIRTIO_STATUS_DRIVER,
                                     VIRTIO_STATUS_FEATURES_OK, VIRTIO_STATUS_DRIVER_OK,
                                     VIRTIO_STATUS_FAILED};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if ((wanted & ~have) & order[i])
            status_set_bit(dev, order[i]);
    }
}

static uint32_t read_status(struct virtio_mmio *dev)
{
    return dev->status;
}

/* ---- Identification and features ---- */

static uint32_t read_magic(struct virtio_mmio *dev)
{
    (void)dev;
    return VIRTIO_MMIO_MAGIC;
}

static uint32_t read_version(struct virtio_mmio *dev)
{
    (void)dev;
    return VIRTIO_MMIO_VERSION_2;
}

static uint32_t read_device_id(struct virtio_mmio *dev)
{
    return dev->ops->device_id;
}

static uint32_t read_vendor_id(struct virtio_mmio *dev)
{
    return dev->ops->vendor_id;
}

static uint32_t read_device_features(struct virtio_mmio *dev)
{
    if (dev->device_features_sel > 1)
        return 0;
    return (uint32_t)(dev->ops->features >> (32 * dev->device_features_sel));
}

static void write_device_features_sel(struct virtio_mmio *dev, uint32_t value)
{
    dev->device_features_sel = value;
}

static void write_driver_features(struct virtio_mmio *dev, uint32_t value)
{
    /* §3.1.1: features are fixed once FEATURES_OK is set. */
    if (status_has(dev, VIRTIO_STATUS_FEATURES_OK)) {
        fault(dev, VIRTIO_FAULT_FEATURES_LATE);
        return;
    }
    uint32_t sel = dev->driver_features_sel;
    if (sel > 1) {
        dev->driver_features_unknown |= value != 0;
        return;
    }
    unsigned shift = 32 * sel;
    dev->driver_features &= ~((uint64_t)UINT32_MAX << shift);
    dev->driver_features |= (uint64_t)value << shift;
}

static void write_driver_features_sel(struct virtio_mmio *dev, uint32_t value)
{
    dev->driver_features_sel = value;
}

/* ---- Queue configuration (§4.2.3.2) ---- */

static void write_queue_sel(struct virtio_mmio *dev, uint32_t value)
{
    dev->queue_sel = value;
}

/* Reads 0 for a queue that does not exist: that is how a driver finds the queue count. */
static uint32_t read_queue_num_max(struct virtio_mmio *dev)
{
    return selected_queue(dev, false) ? dev->ops->queue_num_max : 0;
}

static uint32_t read_queue_ready(struct virtio_mmio *dev)
{
    struct virtio_mmio_queue *q = selected_queue(dev, false);
    return q != NULL && q->vq.ready;
}

/* A queue's layout may change only while it is not ready. */
static struct virtio_mmio_queue *configurable_queue(struct virtio_mmio *dev)
{
    struct virtio_mmio_queue *q = selected_queue(dev, true);
    if (q != NULL && q->vq.ready) {
        fault(dev, VIRTIO_FAULT_QUEUE_LIVE);
        return NULL;
    }
    return q;
}

static void write_queue_num(struct virtio_mmio *dev, uint32_t value)
{
    struct virtio_mmio_queue *q = configurable_queue(dev);
    if (q != NULL)
        q->num = value; /* checked when the queue is made ready */
}

static void set_low(uint64_t *reg, uint32_t value)
{
    *reg = (*reg & ~(uint64_t)UINT32_MAX) | value;
}

static void set_high(uint64_t *reg, uint32_t value)
{
    *reg = (*reg & UINT32_MAX) | (uint64_t)value << 32;
}

/* The six ring address halves share one shape: pick the field, then the half. */
#define RING_ADDR_WRITER(name, field, setter)                                                      \
    static void name(struct virtio_mmio *dev, uint32_t value)                                      \
    {                                                                                              \
        struct virtio_mmio_queue *q = configurable_queue(dev);                                     \
        if (q != NULL)                                                                             \
            setter(&q->field, value);                                                              \
    }
RING_ADDR_WRITER(write_queue_desc_low, desc, set_low)
RING_ADDR_WRITER(write_queue_desc_high, desc, set_high)
RING_ADDR_WRITER(write_queue_driver_low, driver, set_low)
RING_ADDR_WRITER(write_queue_driver_high, driver, set_high)
RING_ADDR_WRITER(write_queue_device_low, device, set_low)
RING_ADDR_WRITER(write_queue_device_high, device, set_high)

static void queue_enable(struct virtio_mmio *dev, struct virtio_mmio_queue *q)
{
    if (q->vq.ready)
        return;
    /* Negotiated features decide the ring format, so they must be final first. */
    if (!status_has(dev, VIRTIO_STATUS_FEATURES_OK)) {
        fault(dev, VIRTIO_FAULT_QUEUE_LIVE);
        return;
    }
    struct virtq_config cfg = {
        .size = q->num,
        .desc = q->desc,
        .driver = q->driver,
        .device = q->device,
        .features = dev->driver_features,
    };
    if (q->num > dev->ops->queue_num_max ||
        virtq_init(&q->vq, &cfg, dev->mem, &dev->faults) != VIRTQ_SETUP_OK) {
        virtq_reset(&q->vq);
        virtio_fault_fatal(&dev->faults, VIRTIO_FAULT_RING_SETUP);
        return;
    }
    /* The rings are sound; the model (or the server behind it) may still refuse them. That is
     * the device's decision, not a driver fault, so it is not counted as one. */
    if (dev->ops->queue_state != NULL &&
        !dev->ops->queue_state(dev, (uint16_t)(q - dev->queues), true)) {
        virtq_reset(&q->vq);
        virtio_mmio_needs_reset(dev);
    }
}

static void write_queue_ready(struct virtio_mmio *dev, uint32_t value)
{
    struct virtio_mmio_queue *q = selected_queue(dev, true);
    if (q == NULL)
        return;
    if (value != 0) {
        queue_enable(dev, q);
        return;
    }
    bool was_ready = q->vq.ready;
    virtq_reset(&q->vq);
    if (was_ready && dev->ops->queue_state != NULL)
        dev->ops->queue_state(dev, (uint16_t)(q - dev->queues), false);
}

static bool queue_live(const struct virtio_mmio *dev, uint32_t queue)
{
    return queue < dev->ops->num_queues && dev->queues[queue].vq.ready &&
           status_has(dev, VIRTIO_STATUS_DRIVER_OK) &&
           !status_has(dev, VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

/* Without VIRTIO_F_NOTIFICATION_DATA the value is just the queue index. */
static void write_queue_notify(struct virtio_mmio *dev, uint32_t value)
{
    if (!queue_live(dev, value)) {
        fault(dev, VIRTIO_FAULT_NOTIFY);
        return;
    }
    dev->ops->queue_notify(dev, (uint16_t)value);
}

/* ---- Interrupts, shared memory, configuration generation ---- */

static uint32_t read_interrupt_status(struct virtio_mmio *dev)
{
    return dev->interrupt_status;
}

static void write_interrupt_ack(struct virtio_mmio *dev, uint32_t value)
{
    uint32_t old = dev->interrupt_status;
    dev->interrupt_status &= ~value;
    irq_update(dev, old);
}

static void write_shm_sel(struct virtio_mmio *dev, uint32_t value)
{
    dev->shm_sel = value;
}

static uint32_t read_shm_absent(struct virtio_mmio *dev)
{
    (void)dev;
    return SHM_ABSENT;
}

static uint32_t read_config_generation(struct virtio_mmio *dev)
{
    return dev->config_generation;
}

/* ---- Register dispatch ---- */

struct reg_handler {
    uint32_t (*read)(struct virtio_mmio *dev);
    void (*write)(struct virtio_mmio *dev, uint32_t value);
};

#define REG(offset) [(offset) / 4]
static const struct reg_handler registers[REG_COUNT] = {
    REG(VIRTIO_MMIO_MAGIC_VALUE) = {.read = read_magic},
    REG(VIRTIO_MMIO_VERSION) = {.read = read_version},
    REG(VIRTIO_MMIO_DEVICE_ID) = {.read = read_device_id},
    REG(VIRTIO_MMIO_VENDOR_ID) = {.read = read_vendor_id},
    REG(VIRTIO_MMIO_DEVICE_FEATURES) = {.read = read_device_features},
    REG(VIRTIO_MMIO_DEVICE_FEATURES_SEL) = {.write = write_device_features_sel},
    REG(VIRTIO_MMIO_DRIVER_FEATURES) = {.write = write_driver_features},
    REG(VIRTIO_MMIO_DRIVER_FEATURES_SEL) = {.write = write_driver_features_sel},
    REG(VIRTIO_MMIO_QUEUE_SEL) = {.write = write_queue_sel},
    REG(VIRTIO_MMIO_QUEUE_NUM_MAX) = {.read = read_queue_num_max},
    REG(VIRTIO_MMIO_QUEUE_NUM) = {.write = write_queue_num},
    REG(VIRTIO_MMIO_QUEUE_READY) = {.read = read_queue_ready, .write = write_queue_ready},
    REG(VIRTIO_MMIO_QUEUE_NOTIFY) = {.write = write_queue_notify},
    REG(VIRTIO_MMIO_INTERRUPT_STATUS) = {.read = read_interrupt_status},
    REG(VIRTIO_MMIO_INTERRUPT_ACK) = {.write = write_interrupt_ack},
    REG(VIRTIO_MMIO_STATUS) = {.read = read_status, .write = write_status},
    REG(VIRTIO_MMIO_QUEUE_DESC_LOW) = {.write = write_queue_desc_low},
    REG(VIRTIO_MMIO_QUEUE_DESC_HIGH) = {.write = write_queue_desc_high},
    REG(VIRTIO_MMIO_QUEUE_DRIVER_LOW) = {.write = write_queue_driver_low},
    REG(VIRTIO_MMIO_QUEUE_DRIVER_HIGH) = {.write = write_queue_driver_high},
    REG(VIRTIO_MMIO_QUEUE_DEVICE_LOW) = {.write = write_queue_device_low},
    REG(VIRTIO_MMIO_QUEUE_DEVICE_HIGH) = {.write = write_queue_device_high},
    REG(VIRTIO_MMIO_SHM_SEL) = {.write = write_shm_sel},
    REG(VIRTIO_MMIO_SHM_LEN_LOW) = {.read = read_shm_absent},
    REG(VIRTIO_MMIO_SHM_LEN_HIGH) = {.read = read_shm_absent},
    REG(VIRTIO_MMIO_SHM_BASE_LOW) = {.read = read_shm_absent},
    REG(VIRTIO_MMIO_SHM_BASE_HIGH) = {.read = read_shm_absent},
    REG(VIRTIO_MMIO_CONFIG_GENERATION) = {.read = read_config_generation},
};

/* §4.2.2.2: control registers take 32-bit aligned accesses only. */
static const struct reg_handler *register_for(struct virtio_mmio *dev, uint32_t offset,
                                              unsigned size)
{
    if (size != 4 || offset % 4 != 0) {
        fault(dev, VIRTIO_FAULT_MMIO_ACCESS);
        return NULL;
    }
    const struct reg_handler *h = &registers[offset / 4];
    if (h->read == NULL && h->write == NULL) {
        fault(dev, VIRTIO_FAULT_MMIO_OFFSET);
        return NULL;
    }
    return h;
}

uint32_t virtio_mmio_peek(struct virtio_mmio *dev, uint32_t offset)
{
    if (offset % 4)
        return 0;
    if (offset >= VIRTIO_MMIO_CONFIG) {
        uint32_t rel = offset - VIRTIO_MMIO_CONFIG, v = 0;
        if (dev->ops->config_read == NULL)
            return 0;
        for (uint32_t i = 0; i < 4 && rel + i < dev->ops->config_size; i++)
            v |= (uint32_t)(dev->ops->config_read(dev, rel + i, 1) & 0xff) << (8 * i);
        return v;
    }
    const struct reg_handler *h = &registers[offset / 4];
    return h->read ? h->read(dev) : 0;
}

/* §4.2.2.2: config fields take accesses of their own width, naturally aligned. */
static bool config_access_ok(struct virtio_mmio *dev, uint32_t offset, unsigned size)
{
    bool width_ok = size == 1 || size == 2 || size == 4 || size == 8;
    uint32_t rel = offset - VIRTIO_MMIO_CONFIG;
    if (!width_ok || rel % size != 0 || (uint64_t)rel + size > dev->ops->config_size) {
        fault(dev, VIRTIO_FAULT_CONFIG_ACCESS);
        return false;
    }
    return true;
}

uint64_t virtio_mmio_read(struct virtio_mmio *dev, uint32_t offset, unsigned size)
{
    if (offset >= VIRTIO_MMIO_CONFIG) {
        if (!config_access_ok(dev, offset, size) || dev->ops->config_read == NULL)
            return 0;
        return dev->ops->config_read(dev, offset - VIRTIO_MMIO_CONFIG, size) & hv_size_mask(size);
    }
    const struct reg_handler *h = register_for(dev, offset, size);
    if (h == NULL)
        return 0;
    if (h->read == NULL) {
        fault(dev, VIRTIO_FAULT_MMIO_DIRECTION);
        return 0;
    }
    return h->read(dev);
}

void virtio_mmio_write(struct virtio_mmio *dev, uint32_t offset, unsigned size, uint64_t value)
{
    if (offset >= VIRTIO_MMIO_CONFIG) {
        if (config_access_ok(dev, offset, size) && dev->ops->config_write != NULL)
            dev->ops->config_write(dev, offset - VIRTIO_MMIO_CONFIG, size,
                                   value & hv_size_mask(size));
        return;
    }
    const struct reg_handler *h = register_for(dev, offset, size);
    if (h == NULL)
        return;
    if (h->write == NULL) {
        fault(dev, VIRTIO_FAULT_MMIO_DIRECTION);
        return;
    }
    h->write(dev, (uint32_t)value);
}

/* ---- Calls from the device model ---- */

void virtio_mmio_needs_reset(struct virtio_mmio *dev)
{
    if (status_has(dev, VIRTIO_STATUS_DEVICE_NEEDS_RESET))
        return;
    dev->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    /* §2.1.2: a driver already running learns of it through a configuration change. */
    if (status_has(dev, VIRTIO_STATUS_DRIVER_OK))
        raise_interrupt(dev, VIRTIO_MMIO_INT_CONFIG);
}

static void needs_reset_hook(void *ctx)
{
    virtio_mmio_needs_reset(ctx);
}

void virtio_mmio_config_changed(struct virtio_mmio *dev)
{
    dev->config_generation++;
    if (status_has(dev, VIRTIO_STATUS_DRIVER_OK))
        raise_interrupt(dev, VIRTIO_MMIO_INT_CONFIG);
}

void virtio_mmio_used_notify(struct virtio_mmio *dev, uint16_t queue)
{
    if (queue >= dev->ops->num_queues || !status_has(dev, VIRTIO_STATUS_DRIVER_OK))
        return;
    if (virtq_should_notify(&dev->queues[queue].vq))
        raise_interrupt(dev, VIRTIO_MMIO_INT_VRING);
}

void virtio_mmio_used_interrupt(struct virtio_mmio *dev, uint16_t queue)
{
    if (queue_live(dev, queue))
        raise_interrupt(dev, VIRTIO_MMIO_INT_VRING);
}

struct virtq *virtio_mmio_queue(struct virtio_mmio *dev, uint16_t queue)
{
    return queue < dev->ops->num_queues ? &dev->queues[queue].vq : NULL;
}

uint64_t virtio_mmio_features(const struct virtio_mmio *dev)
{
    return dev->driver_features;
}

void *virtio_mmio_device_ctx(const struct virtio_mmio *dev)
{
    return dev->device_ctx;
}

/* ---- Setup ---- */

static enum virtio_mmio_init_result check_ops(const struct virtio_device_ops *ops)
{
    uint32_t qmax = ops->queue_num_max;
    if (ops->num_queues == 0 || ops->queue_notify == NULL || qmax == 0 || qmax > VIRTQ_MAX_SIZE ||
        (qmax & (qmax - 1)) != 0 || ops->config_size > VIRTIO_MMIO_CONFIG_MAX)
        return VIRTIO_MMIO_INIT_BAD_OPS;
    uint64_t transport = ops->features & TRANSPORT_FEATURES;
    if ((transport & ~SUPPORTED_TRANSPORT_FEATURES) != 0 ||
        (ops->features & VIRTIO_BIT(VIRTIO_F_VERSION_1)) == 0)
        return VIRTIO_MMIO_INIT_BAD_FEATURES;
    return VIRTIO_MMIO_INIT_OK;
}

enum virtio_mmio_init_result virtio_mmio_init(struct virtio_mmio *dev,
                                              const struct virtio_mmio_setup *setup)
{
    if (setup->ops == NULL || setup->queues == NULL || setup->set_irq == NULL)
        return VIRTIO_MMIO_INIT_BAD_OPS;
    enum virtio_mmio_init_result r = check_ops(setup->ops);
    if (r != VIRTIO_MMIO_INIT_OK)
        return r;
    if (virtio_mem_check(setup->mem) != VIRTIO_MEM_OK)
        return VIRTIO_MMIO_INIT_BAD_MEM;

    memset(setup->queues, 0, sizeof(*setup->queues) * setup->ops->num_queues);
    *dev = (struct virtio_mmio){
        .ops = setup->ops,
        .device_ctx = setup->device_ctx,
        .queues = setup->queues,
        .mem = setup->mem,
        .set_irq = setup->set_irq,
        .irq_ctx = setup->irq_ctx,
        .faults = {.log = setup->log,
                   .log_ctx = setup->log_ctx,
                   .needs_reset = needs_reset_hook,
                   .reset_ctx = dev},
    };
    for (uint16_t i = 0; i < dev->ops->num_queues; i++)
        queue_clear(dev, &dev->queues[i]);
    return VIRTIO_MMIO_INIT_OK;
}
