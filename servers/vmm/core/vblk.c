/* The virtio-blk transport of a partition's VMM (vblk.h): libhv's virtio-mmio register file
 * for the guest, the block protocol (hv/proto/block.h) to the storage server behind it. */
#include "core/vblk.h"
#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>

/* "Duet" little-endian: the subsystem vendor a guest's driver may print; nothing matches it. */
#define VBLK_VENDOR_ID 0x74657544u

/* The device features the VMM knows how to show in the configuration space; a server's other
 * device bits are not offered (a device may offer less than it could). */
#define VBLK_DEVICE_FEATURES                                                                       \
    (VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |                        \
     VIRTIO_BIT(VIRTIO_BLK_F_RO) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |                             \
     VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) |                           \
     VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES))
/* Bits 24 and up belong to the transport (§6): the VMM's, never the server's to offer. */
#define VBLK_TRANSPORT_BITS (~((UINT64_C(1) << 24) - 1))
/* The server runs the ring with libhv's virtqueue, which implements these two. */
#define VBLK_TRANSPORT_FEATURES                                                                    \
    (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |                         \
     VIRTIO_BIT(VIRTIO_F_EVENT_IDX))

static struct vmm_vblk *vblk_of(struct virtio_mmio *dev)
{
    return virtio_mmio_device_ctx(dev);
}

static int server_call(struct vmm_vblk *vb, uint64_t label, const uint64_t *w, unsigned n,
                       uint64_t *reply, unsigned reply_max, unsigned *reply_len)
{
    *reply_len = 0;
    return vb->setup.ops->call(vb->setup.ctx, label, w, n, reply, reply_max, reply_len);
}

/* Completion bits the server left for queues that no longer exist (before a reset it
 * confirmed) must not reach the new driver. */
static void discard_irq_bits(struct vmm_vblk *vb)
{
    if (__atomic_exchange_n(&vb->setup.shared->irq, 0, __ATOMIC_ACQUIRE) != 0)
        vb->stats.dropped_irqs++;
}

/* HV_BLK_RESET: the server stops the queue before it answers, so once it says 0 it no longer
 * touches the guest's rings or buffers. */
static bool server_reset(struct vmm_vblk *vb)
{
    unsigned len;
    vb->stats.resets++;
    int r = server_call(vb, HV_BLK_RESET, NULL, 0, NULL, 0, &len);
    if (r != HV_OK || len != 0) {
        vb->server_unsure = true;
        if (hv_count_and_check(&vb->stats.reset_failed))
            vmm_logf(vb->vmm, "disk: the storage server did not confirm a reset (%d): no "
                              "queue until it does",
                     r);
        return false;
    }
    vb->server_unsure = false;
    discard_irq_bits(vb);
    return true;
}

/* ---- the device model under libhv's transport ---- */

static uint64_t config_read(struct virtio_mmio *dev, uint32_t offset, unsigned size)
{
    const uint8_t *c = vblk_of(dev)->config + offset; /* libhv checked the range */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)c[i] << (8 * i);
    return v;
}

/* Every field the VMM offers is read-only (writeback needs CONFIG_WCE, not offered). */
static void config_write(struct virtio_mmio *dev, uint32_t offset, unsigned size, uint64_t value)
{
    (void)dev, (void)offset, (void)size, (void)value;
}

static void queue_notify(struct virtio_mmio *dev, uint16_t queue)
{
    struct vmm_vblk *vb = vblk_of(dev);
    (void)queue; /* one queue: libhv only calls for a live one */
    vb->stats.kicks++;
    vb->setup.ops->doorbell(vb->setup.ctx);
}

static void device_reset(struct virtio_mmio *dev)
{
    server_reset(vblk_of(dev));
}

/* QueueReady = 1 (rings already checked against the guest's RAM by libhv): the server takes
 * them or refuses; QueueReady = 0 on a live queue: the server lets go of it. */
static bool queue_state(struct virtio_mmio *dev, uint16_t queue, bool ready)
{
    struct vmm_vblk *vb = vblk_of(dev);
    if (!ready) {
        server_reset(vb);
        return true;
    }
    if (vb->server_unsure && !server_reset(vb)) {
        vb->stats.setup_refused++;
        return false;
    }
    const struct virtio_mmio_queue *q = &vb->queue;
    const uint64_t w[HV_BLK_QUEUE_SETUP_WORDS] = {
        (uint64_t)queue | (uint64_t)q->num << 16, q->desc, q->driver, q->device,
        virtio_mmio_features(dev)};
    unsigned len;
    int r = server_call(vb, HV_BLK_QUEUE_SETUP, w, HV_BLK_QUEUE_SETUP_WORDS, NULL, 0, &len);
    if (r == HV_OK && len == 0) {
        vb->stats.setups++;
        return true;
    }
    if (hv_count_and_check(&vb->stats.setup_refused))
        vmm_logf(vb->vmm, "disk: the storage server refused queue %u (size %u, error %d)",
                 (unsigned)queue, (unsigned)q->num, r);
    return false;
}

/* ---- set-up ---- */

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* struct virtio_blk_config (§5.2.4) from the server's answer; fields of features not offered
 * stay zero. */
static void fill_config(struct vmm_vblk *vb, const struct hv_blk_open_reply *o, uint64_t f)
{
    uint8_t *c = vb->config;
    put_le(c + VIRTIO_BLK_CFG_CAPACITY, o->capacity, 8);
    if (f & VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX))
        put_le(c + VIRTIO_BLK_CFG_SIZE_MAX, o->seg_limits >> 32, 4);
    if (f & VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX))
        put_le(c + VIRTIO_BLK_CFG_SEG_MAX, (uint32_t)o->seg_limits, 4);
    if (f & VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE))
        put_le(c + VIRTIO_BLK_CFG_BLK_SIZE, VIRTIO_BLK_SECTOR_SIZE, 4);
    if (f & VIRTIO_BIT(VIRTIO_BLK_F_DISCARD)) {
        put_le(c + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, HV_BLK_DISCARD_SECTORS_MAX, 4);
        put_le(c + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, HV_BLK_DWZ_SEGS_MAX, 4);
        put_le(c + VIRTIO_BLK_CFG_DISCARD_ALIGNMENT, 1, 4);
    }
    if (f & VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES)) {
        put_le(c + VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS, HV_BLK_WRITE_ZEROES_SECTORS_MAX, 4);
        put_le(c + VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SEG, HV_BLK_DWZ_SEGS_MAX, 4);
    }
}

/* The server's answer as the protocol allows it; HV_EFORMAT otherwise. */
static int check_open_reply(const uint64_t *w, unsigned len, struct hv_blk_open_reply *o)
{
    if (len != HV_BLK_OPEN_REPLY_WORDS)
        return HV_EFORMAT;
    *o = (struct hv_blk_open_reply){w[0], w[1], w[2], w[3], w[4]};
    uint64_t qmax = o->queue_num_max;
    if (o->version != HV_BLK_VERSION || (o->features & VBLK_TRANSPORT_BITS) || qmax == 0 ||
        qmax > VIRTQ_MAX_SIZE || (qmax & (qmax - 1)))
        return HV_EFORMAT;
    if ((o->features & VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX)) && (uint32_t)o->seg_limits == 0)
        return HV_EFORMAT;
    if ((o->features & VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX)) && (o->seg_limits >> 32) == 0)
        return HV_EFORMAT;
    return HV_OK;
}

static void set_irq(void *ctx, bool level)
{
    struct vmm_vblk *vb = ctx;
    vmm_irq_set(&vb->setup.irq, level);
}

static void log_fault(void *ctx, enum virtio_fault kind, uint64_t count, const char *what)
{
    struct vmm_vblk *vb = ctx;
    vmm_logf(vb->vmm, "disk: guest driver: %s (%s, %lu times)", what, virtio_fault_name(kind),
             (unsigned long)count);
}

int vmm_vblk_open(struct vmm_vblk *vb, struct vmm *vmm, const struct vblk_setup *setup)
{
    *vb = (struct vmm_vblk){.vmm = vmm};
    if (!setup->ops || !setup->ops->call || !setup->ops->doorbell || !setup->shared ||
        !setup->mem)
        return HV_EINVAL;
    vb->setup = *setup;
    const uint64_t open[HV_BLK_OPEN_WORDS] = {HV_BLK_VERSION};
    uint64_t w[HV_BLK_OPEN_REPLY_WORDS];
    unsigned len;
    int r = server_call(vb, HV_BLK_OPEN, open, HV_BLK_OPEN_WORDS, w, HV_BLK_OPEN_REPLY_WORDS, &len);
    struct hv_blk_open_reply o;
    if (r == HV_OK)
        r = check_open_reply(w, len, &o);
    if (r != HV_OK)
        return r;
    uint64_t features = o.features & VBLK_DEVICE_FEATURES;
    fill_config(vb, &o, features);
    vb->dev_ops = (struct virtio_device_ops){
        .device_id = VIRTIO_ID_BLOCK,
        .vendor_id = VBLK_VENDOR_ID,
        .features = features | VBLK_TRANSPORT_FEATURES,
        .num_queues = 1,
        .queue_num_max = (uint16_t)o.queue_num_max,
        .config_size = VIRTIO_BLK_CFG_SIZE,
        .config_read = config_read,
        .config_write = config_write,
        .queue_notify = queue_notify,
        .reset = device_reset,
        .queue_state = queue_state,
    };
    const struct virtio_mmio_setup ms = {
        .ops = &vb->dev_ops,
        .device_ctx = vb,
        .queues = &vb->queue,
        .mem = setup->mem,
        .set_irq = set_irq,
        .irq_ctx = vb,
        .log = log_fault,
        .log_ctx = vb,
    };
    if (virtio_mmio_init(&vb->mmio, &ms) != VIRTIO_MMIO_INIT_OK)
        return HV_EINVAL;
    /* Whatever an earlier VMM run left in the page belongs to rings that are gone. */
    discard_irq_bits(vb);
    return HV_OK;
}

/* ---- the guest's window ---- */

static bool level(const struct vmm_vblk *vb)
{
    return vb->mmio.interrupt_status != 0;
}

uint64_t vmm_vblk_read(struct vmm_vblk *vb, uint32_t offset, unsigned size)
{
    uint64_t v = virtio_mmio_read(&vb->mmio, offset, size);
    vmm_irq_set(&vb->setup.irq, level(vb)); /* irq_line.h: after every guest access */
    return v;
}

void vmm_vblk_write(struct vmm_vblk *vb, uint32_t offset, unsigned size, uint64_t value)
{
    virtio_mmio_write(&vb->mmio, offset, size, value);
    vmm_irq_set(&vb->setup.irq, level(vb));
}

static bool bus_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    *value = vmm_vblk_read(dev, (uint32_t)offset, size);
    return true; /* a bad access reads as zero (counted in the transport's faults) */
}

static bool bus_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    vmm_vblk_write(dev, (uint32_t)offset, size, value);
    return true;
}

static const struct vmm_mmio_ops vblk_bus_ops = {.read = bus_read, .write = bus_write};

int vmm_vblk_attach(struct vmm_vblk *vb, uint64_t base)
{
    return vmm_bus_add(&vb->vmm->bus, base, VBLK_WINDOW, &vblk_bus_ops, vb, "virtio-blk");
}

/* ---- the server's side ---- */

void vmm_vblk_complete(struct vmm_vblk *vb)
{
    uint32_t bits = __atomic_exchange_n(&vb->setup.shared->irq, 0, __ATOMIC_ACQUIRE);
    if (bits & HV_BLK_IRQ_NEEDS_RESET) {
        vb->stats.needs_reset++;
        virtio_mmio_needs_reset(&vb->mmio);
    }
    if (bits & HV_BLK_IRQ_USED) {
        virtio_mmio_used_interrupt(&vb->mmio, 0);
        /* Raised only for a live queue; otherwise there is nothing to tell the guest. */
        if (vb->mmio.interrupt_status & VIRTIO_MMIO_INT_VRING)
            vb->stats.used_irqs++;
        else
            vb->stats.dropped_irqs++;
    }
    vmm_irq_set(&vb->setup.irq, level(vb));
}

bool vmm_vblk_stop(struct vmm_vblk *vb)
{
    /* As the guest's own Status = 0 would: queues off, interrupt low, then the server. */
    virtio_mmio_write(&vb->mmio, VIRTIO_MMIO_STATUS, 4, 0);
    vmm_irq_set(&vb->setup.irq, level(vb));
    return !vb->server_unsure;
}
