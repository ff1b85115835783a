/* virtio-mmio register protocol for the driver: legacy (v1, page-frame queues, 32 feature
 * bits) and modern (v2, 64-bit ring addresses, FEATURES_OK, config generation). */
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vmmio_driver.h>

#include "transport_ops.h"

static struct vmmio_drv *drv(struct virtio_transport *t)
{
    return (struct vmmio_drv *)t;
}

static uint32_t rd(struct vmmio_drv *d, uint32_t off)
{
    return d->regs.read(d->regs.ctx, off, 4);
}

static void wr(struct vmmio_drv *d, uint32_t off, uint32_t v)
{
    d->regs.write(d->regs.ctx, off, 4, v);
}

static uint8_t get_status(struct virtio_transport *t)
{
    return (uint8_t)rd(drv(t), VIRTIO_MMIO_STATUS);
}

static void set_status(struct virtio_transport *t, uint8_t status)
{
    wr(drv(t), VIRTIO_MMIO_STATUS, status);
}

static uint64_t device_features(struct virtio_transport *t)
{
    struct vmmio_drv *d = drv(t);
    wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t f = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
    if (d->version != VIRTIO_MMIO_VERSION_LEGACY) {
        wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
        f |= (uint64_t)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    }
    return f;
}

static void driver_features(struct virtio_transport *t, uint64_t f)
{
    struct vmmio_drv *d = drv(t);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
    if (d->version != VIRTIO_MMIO_VERSION_LEGACY) {
        wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
        wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
    }
}

static uint32_t config_generation(struct virtio_transport *t)
{
    struct vmmio_drv *d = drv(t);
    return d->version == VIRTIO_MMIO_VERSION_LEGACY ? 0 : rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
}

static enum virtio_drv_error config_read(struct virtio_transport *t, uint32_t offset, unsigned size,
                                         uint32_t *value)
{
    struct vmmio_drv *d = drv(t);
    uint32_t space = d->window - VIRTIO_MMIO_CONFIG;
    if (offset >= space || size > space - offset || offset % size != 0)
        return VIRTIO_DRV_CONFIG_RANGE;
    uint32_t v = d->regs.read(d->regs.ctx, VIRTIO_MMIO_CONFIG + offset, size);
    /* A narrow read returns only its bytes, whatever the register function gave back. */
    *value = size == 4 ? v : v & ((1u << (8 * size)) - 1u);
    return VIRTIO_DRV_OK;
}

static uint16_t queue_max(struct virtio_transport *t, uint16_t q)
{
    struct vmmio_drv *d = drv(t);
    wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
    uint32_t max = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
    return max > VIRTQ_MAX_SIZE ? VIRTQ_MAX_SIZE : (uint16_t)max;
}

/* §4.2.4: one page-aligned block, used ring at QueueAlign, located by its page number. */
static enum virtio_drv_error legacy_enable(struct vmmio_drv *d, const struct vqd *vq)
{
    if (rd(d, VIRTIO_MMIO_LEGACY_QUEUE_PFN) != 0)
        return VIRTIO_DRV_QUEUE_IN_USE;
    struct vqd_layout l;
    if (!vqd_layout(vq->size, VIRTIO_MMIO_LEGACY_PAGE, &l) ||
        vq->desc_pa % VIRTIO_MMIO_LEGACY_PAGE != 0 ||
        vq->desc_pa / VIRTIO_MMIO_LEGACY_PAGE > UINT32_MAX ||
        vq->avail_pa != vq->desc_pa + l.avail || vq->used_pa != vq->desc_pa + l.used)
        return VIRTIO_DRV_QUEUE_MEMORY;
    wr(d, VIRTIO_MMIO_LEGACY_GUEST_PAGE_SIZE, VIRTIO_MMIO_LEGACY_PAGE);
    wr(d, VIRTIO_MMIO_QUEUE_NUM, vq->size);
    wr(d, VIRTIO_MMIO_LEGACY_QUEUE_ALIGN, VIRTIO_MMIO_LEGACY_PAGE);
    wr(d, VIRTIO_MMIO_LEGACY_QUEUE_PFN, (uint32_t)(vq->desc_pa / VIRTIO_MMIO_LEGACY_PAGE));
    return VIRTIO_DRV_OK;
}

static void wr64(struct vmmio_drv *d, uint32_t low, uint64_t v)
{
    wr(d, low, (uint32_t)v);
    wr(d, low + 4, (uint32_t)(v >> 32));
}

static enum virtio_drv_error queue_enable(struct virtio_transport *t, uint16_t q,
                                          const struct vqd *vq)
{
    struct vmmio_drv *d = drv(t);
    wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
    uint32_t max = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (max == 0)
        return VIRTIO_DRV_QUEUE_UNAVAILABLE;
    if (vq->size > max)
        return VIRTIO_DRV_QUEUE_MEMORY;
    if (d->version == VIRTIO_MMIO_VERSION_LEGACY)
        return legacy_enable(d, vq);
    if (rd(d, VIRTIO_MMIO_QUEUE_READY) != 0)
        return VIRTIO_DRV_QUEUE_IN_USE;
    wr(d, VIRTIO_MMIO_QUEUE_NUM, vq->size);
    wr64(d, VIRTIO_MMIO_QUEUE_DESC_LOW, vq->desc_pa);
    wr64(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, vq->avail_pa);
    wr64(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, vq->used_pa);
    wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
    return VIRTIO_DRV_OK;
}

static void notify(struct virtio_transport *t, uint16_t q)
{
    wr(drv(t), VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static uint32_t interrupt_ack(struct virtio_transport *t)
{
    struct vmmio_drv *d = drv(t);
    uint32_t s = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) & (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
    if (s != 0)
        wr(d, VIRTIO_MMIO_INTERRUPT_ACK, s);
    return s;
}

VIRTIO_TRANSPORT_OPS(vmmio_ops);

enum virtio_drv_error vmmio_drv_probe(struct vmmio_drv *d, const struct virtio_regs *regs,
                                      uint32_t window, uint32_t expect_id)
{
    *d = (struct vmmio_drv){.regs = *regs, .window = window};
    if (window < VIRTIO_MMIO_WINDOW_MIN || rd(d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
        return VIRTIO_DRV_NO_DEVICE;
    d->version = rd(d, VIRTIO_MMIO_VERSION);
    if (d->version != VIRTIO_MMIO_VERSION_LEGACY && d->version != VIRTIO_MMIO_VERSION_2)
        return VIRTIO_DRV_BAD_VERSION;
    uint32_t id = rd(d, VIRTIO_MMIO_DEVICE_ID);
    if (id == 0)
        return VIRTIO_DRV_NO_DEVICE;
    if (expect_id != 0 && id != expect_id)
        return VIRTIO_DRV_WRONG_DEVICE;
    d->t = (struct virtio_transport){
        .ops = &vmmio_ops,
        .device_id = id,
        .legacy = d->version == VIRTIO_MMIO_VERSION_LEGACY,
        .used_align =
            d->version == VIRTIO_MMIO_VERSION_LEGACY ? VIRTIO_MMIO_LEGACY_PAGE : VIRTQ_USED_ALIGN,
    };
    return VIRTIO_DRV_OK;
}
