/* The transport of a partition's server-run virtio device (vdev.h): libhv's virtio-mmio
 * register file for the guest, the device protocol (hv/proto/vdev.h) to the server behind it.
 * The same for every device; a struct vdev_profile says what is the device's own. */
#include "core/vdev.h"
#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>

/* "Duet" little-endian: the subsystem vendor a guest's driver may print; nothing matches it. */
#define VDEV_VENDOR_ID 0x74657544u

/* Bits 24 and up belong to the transport (§6): the VMM's, never the server's to offer. */
#define VDEV_TRANSPORT_BITS (~((UINT64_C(1) << 24) - 1))
/* The server runs the rings with libhv's virtqueue, which implements these two. */
#define VDEV_TRANSPORT_FEATURES                                                                    \
    (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |                         \
     VIRTIO_BIT(VIRTIO_F_EVENT_IDX))

static struct vmm_vdev *vdev_of(struct virtio_mmio *dev)
{
    return virtio_mmio_device_ctx(dev);
}

static int server_call(struct vmm_vdev *vd, uint64_t label, const uint64_t *w, unsigned n,
                       uint64_t *reply, unsigned reply_max, unsigned *reply_len)
{
    *reply_len = 0;
    return vd->setup.ops->call(vd->setup.ctx, label, w, n, reply, reply_max, reply_len);
}

/* Completion bits the server left for queues that no longer exist (before a reset it
 * confirmed) must not reach the new driver. */
static void discard_irq_bits(struct vmm_vdev *vd)
{
    if (__atomic_exchange_n(vd->setup.irq_bits, 0, __ATOMIC_ACQUIRE) != 0)
        vd->stats.dropped_irqs++;
}

/* HV_VDEV_RESET: the server stops the queues before it answers, so once it says 0 it no
 * longer touches the guest's rings or buffers. */
static bool server_reset(struct vmm_vdev *vd)
{
    unsigned len;
    vd->stats.resets++;
    int r = server_call(vd, HV_VDEV_RESET, NULL, 0, NULL, 0, &len);
    if (r != HV_OK || len != 0) {
        vd->server_unsure = true;
        if (hv_count_and_check(&vd->stats.reset_failed))
            vmm_logf(vd->vmm, "%s: the %s did not confirm a reset (%d): no queue until it "
                              "does",
                     vd->profile->what, vd->profile->server, r);
        return false;
    }
    vd->server_unsure = false;
    discard_irq_bits(vd);
    return true;
}

/* ---- the device model under libhv's transport ---- */

static uint64_t config_read(struct virtio_mmio *dev, uint32_t offset, unsigned size)
{
    const uint8_t *c = vdev_of(dev)->config + offset; /* libhv checked the range */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)c[i] << (8 * i);
    return v;
}

/* The profile's, if it has writable fields; else every field is read-only. */
static void config_write(struct virtio_mmio *dev, uint32_t offset, unsigned size, uint64_t value)
{
    struct vmm_vdev *vd = vdev_of(dev);
    if (vd->profile->config_write)
        vd->profile->config_write(vd->config, offset, size, value);
}

static void queue_notify(struct virtio_mmio *dev, uint16_t queue)
{
    struct vmm_vdev *vd = vdev_of(dev);
    (void)queue; /* the server looks at every live queue of the client it is rung for */
    vd->stats.kicks++;
    vd->setup.ops->doorbell(vd->setup.ctx);
}

static void device_reset(struct virtio_mmio *dev)
{
    server_reset(vdev_of(dev));
}

/* Whether a queue other than q is live: the server's reset stops all of them. */
static bool other_queue_live(const struct vmm_vdev *vd, uint16_t q)
{
    for (uint16_t i = 0; i < vd->profile->num_queues; i++)
        if (i != q && vd->queues[i].vq.ready)
            return true;
    return false;
}

/* QueueReady = 1 (rings already checked against the guest's RAM by libhv): the server takes
 * them or refuses; QueueReady = 0 on a live queue: the server lets go of it. */
static bool queue_state(struct virtio_mmio *dev, uint16_t queue, bool ready)
{
    struct vmm_vdev *vd = vdev_of(dev);
    if (!ready) {
        /* The server's reset takes every queue: a driver that turns off one of several is
         * told to reset the device rather than left with queues nobody runs. */
        bool others = other_queue_live(vd, queue);
        server_reset(vd);
        if (others)
            virtio_mmio_needs_reset(&vd->mmio);
        return true;
    }
    if (vd->server_unsure && !server_reset(vd)) {
        vd->stats.setup_refused++;
        return false;
    }
    const struct virtio_mmio_queue *q = &vd->queues[queue];
    const uint64_t w[HV_VDEV_QUEUE_SETUP_WORDS] = {
        (uint64_t)queue | (uint64_t)q->num << 16, q->desc, q->driver, q->device,
        virtio_mmio_features(dev)};
    unsigned len;
    int r = server_call(vd, HV_VDEV_QUEUE_SETUP, w, HV_VDEV_QUEUE_SETUP_WORDS, NULL, 0, &len);
    if (r == HV_OK && len == 0) {
        vd->stats.setups++;
        return true;
    }
    if (hv_count_and_check(&vd->stats.setup_refused))
        vmm_logf(vd->vmm, "%s: the %s refused queue %u (size %u, error %d)", vd->profile->what,
                 vd->profile->server, (unsigned)queue, (unsigned)q->num, r);
    return false;
}

/* ---- set-up ---- */

static void set_irq(void *ctx, bool level)
{
    struct vmm_vdev *vd = ctx;
    vmm_irq_set(&vd->setup.irq, level);
}

static void log_fault(void *ctx, enum virtio_fault kind, uint64_t count, const char *what)
{
    struct vmm_vdev *vd = ctx;
    vmm_logf(vd->vmm, "%s: guest driver: %s (%s, %lu times)", vd->profile->what, what,
             virtio_fault_name(kind), (unsigned long)count);
}

static bool profile_usable(const struct vdev_profile *p)
{
    return p && p->what && p->server && p->open_reply && p->open && p->num_queues >= 1 &&
           p->num_queues <= VDEV_MAX_QUEUES && p->config_size <= VDEV_CONFIG_MAX;
}

/* The server's answer, as the profile reads it and as the transport can show it. */
static int open_answer(struct vmm_vdev *vd, const uint64_t *w, unsigned len, uint64_t *features,
                       uint16_t *qmax)
{
    int r = vd->profile->open_reply(w, len, vd->config, features, qmax);
    if (r != HV_OK)
        return r;
    if ((*features & VDEV_TRANSPORT_BITS) || *qmax == 0 || *qmax > VIRTQ_MAX_SIZE ||
        (*qmax & (*qmax - 1)))
        return HV_EFORMAT;
    return HV_OK;
}

int vmm_vdev_open(struct vmm_vdev *vd, struct vmm *vmm, const struct vdev_profile *profile,
                  const struct vdev_setup *setup)
{
    *vd = (struct vmm_vdev){.vmm = vmm, .profile = profile};
    if (!profile_usable(profile) || !setup->ops || !setup->ops->call || !setup->ops->doorbell ||
        !setup->irq_bits || !setup->mem)
        return HV_EINVAL;
    vd->setup = *setup;
    uint64_t w[VDEV_OPEN_REPLY_MAX];
    unsigned len;
    int r = server_call(vd, HV_VDEV_OPEN, profile->open, profile->open_words, w,
                        VDEV_OPEN_REPLY_MAX, &len);
    uint64_t features = 0;
    uint16_t qmax = 0;
    if (r == HV_OK)
        r = open_answer(vd, w, len, &features, &qmax);
    if (r != HV_OK)
        return r;
    vd->dev_ops = (struct virtio_device_ops){
        .device_id = profile->device_id,
        .vendor_id = VDEV_VENDOR_ID,
        .features = features | VDEV_TRANSPORT_FEATURES,
        .num_queues = profile->num_queues,
        .queue_num_max = qmax,
        .config_size = profile->config_size,
        .config_read = config_read,
        .config_write = config_write,
        .queue_notify = queue_notify,
        .reset = device_reset,
        .queue_state = queue_state,
    };
    const struct virtio_mmio_setup ms = {
        .ops = &vd->dev_ops,
        .device_ctx = vd,
        .queues = vd->queues,
        .mem = setup->mem,
        .set_irq = set_irq,
        .irq_ctx = vd,
        .log = log_fault,
        .log_ctx = vd,
    };
    if (virtio_mmio_init(&vd->mmio, &ms) != VIRTIO_MMIO_INIT_OK)
        return HV_EINVAL;
    /* Whatever an earlier VMM run left in the page belongs to rings that are gone. */
    discard_irq_bits(vd);
    return HV_OK;
}

/* ---- the guest's window ---- */

static bool level(const struct vmm_vdev *vd)
{
    return vd->mmio.interrupt_status != 0;
}

/* The words of [offset, offset + size) in the guest's register page (mmio_bus.h), once the
 * device is on the bus: after every change a guest's load there could see. */
static void page_refresh(struct vmm_vdev *vd, uint32_t offset, uint32_t size)
{
    if (vd->attached)
        vmm_bus_page_refresh(&vd->vmm->bus, vd->base + offset, size);
}

uint64_t vmm_vdev_read(struct vmm_vdev *vd, uint32_t offset, unsigned size)
{
    uint64_t v = virtio_mmio_read(&vd->mmio, offset, size);
    vmm_irq_set(&vd->setup.irq, level(vd)); /* irq_line.h: after every guest access */
    return v;
}

void vmm_vdev_write(struct vmm_vdev *vd, uint32_t offset, unsigned size, uint64_t value)
{
    virtio_mmio_write(&vd->mmio, offset, size, value);
    /* The two writes of every request: a kick changes nothing a load could see, an ACK only
     * InterruptStatus. Any other write may change any register (a reset, a queue's state,
     * QueueSel, the configuration space): rare, and all of it is written again. */
    if (offset == VIRTIO_MMIO_INTERRUPT_ACK)
        page_refresh(vd, VIRTIO_MMIO_INTERRUPT_STATUS, 4);
    else if (offset != VIRTIO_MMIO_QUEUE_NOTIFY)
        page_refresh(vd, 0, VDEV_WINDOW);
    vmm_irq_set(&vd->setup.irq, level(vd));
}

static bool bus_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    *value = vmm_vdev_read(dev, (uint32_t)offset, size);
    return true; /* a bad access reads as zero (counted in the transport's faults) */
}

static bool bus_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    vmm_vdev_write(dev, (uint32_t)offset, size, value);
    return true;
}

static uint32_t bus_peek(void *dev, uint64_t offset)
{
    return virtio_mmio_peek(&((struct vmm_vdev *)dev)->mmio, (uint32_t)offset);
}

static const struct vmm_mmio_ops vdev_bus_ops = {
    .read = bus_read, .write = bus_write, .peek = bus_peek};

int vmm_vdev_attach(struct vmm_vdev *vd, uint64_t base)
{
    int r = vmm_bus_add(&vd->vmm->bus, base, VDEV_WINDOW, &vdev_bus_ops, vd, vd->profile->what);
    if (r == HV_OK) {
        vd->attached = true;
        vd->base = base;
    }
    return r;
}

/* ---- the server's side ---- */

void vmm_vdev_complete(struct vmm_vdev *vd)
{
    uint32_t bits = __atomic_exchange_n(vd->setup.irq_bits, 0, __ATOMIC_ACQUIRE);
    if (bits & HV_VDEV_IRQ_NEEDS_RESET) {
        vd->stats.needs_reset++;
        virtio_mmio_needs_reset(&vd->mmio);
    }
    if (bits & HV_VDEV_IRQ_USED) {
        /* One line for all queues: raised if any is live (libhv checks each). */
        for (uint16_t q = 0; q < vd->profile->num_queues; q++)
            virtio_mmio_used_interrupt(&vd->mmio, q);
        /* Raised only for a live queue; otherwise there is nothing to tell the guest. */
        if (vd->mmio.interrupt_status & VIRTIO_MMIO_INT_VRING)
            vd->stats.used_irqs++;
        else
            vd->stats.dropped_irqs++;
    }
    /* Before the interrupt: the guest's handler loads InterruptStatus from the page. */
    page_refresh(vd, VIRTIO_MMIO_INTERRUPT_STATUS, 4);
    if (bits & HV_VDEV_IRQ_NEEDS_RESET)
        page_refresh(vd, VIRTIO_MMIO_STATUS, 4);
    vmm_irq_set(&vd->setup.irq, level(vd));
}

bool vmm_vdev_stop(struct vmm_vdev *vd)
{
    /* As the guest's own Status = 0 would: queues off, interrupt low, then the server. */
    virtio_mmio_write(&vd->mmio, VIRTIO_MMIO_STATUS, 4, 0);
    page_refresh(vd, 0, VDEV_WINDOW);
    vmm_irq_set(&vd->setup.irq, level(vd));
    return !vd->server_unsure;
}
