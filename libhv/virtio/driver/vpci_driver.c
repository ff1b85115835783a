/* virtio-pci modern for the driver: the capability walk (every value from config space is
 * the device's word, so each is bounded before use) and the common-config register protocol. */
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vpci_driver.h>

#include <stddef.h>

#include "transport_ops.h"

static struct vpci_drv *drv(struct virtio_transport *t)
{
    return (struct vpci_drv *)t;
}

static uint32_t cfg_rd(struct vpci_drv *d, uint32_t off, unsigned size)
{
    return d->cfg.read(d->cfg.ctx, off, size);
}

/* Accesses within one virtio structure; probe checked that the whole region is in its BAR. */
static uint32_t reg_rd(struct vpci_drv *d, const struct vpci_region *r, uint32_t off, unsigned size)
{
    const struct virtio_regs *b = &d->bars[r->bar].regs;
    uint32_t v = b->read(b->ctx, r->offset + off, size);
    return size == 4 ? v : v & ((1u << (8 * size)) - 1u);
}

static void reg_wr(struct vpci_drv *d, const struct vpci_region *r, uint32_t off, unsigned size,
                   uint32_t v)
{
    const struct virtio_regs *b = &d->bars[r->bar].regs;
    b->write(b->ctx, r->offset + off, size, v);
}

static uint8_t get_status(struct virtio_transport *t)
{
    return (uint8_t)reg_rd(drv(t), &drv(t)->common, VIRTIO_PCI_COMMON_STATUS, 1);
}

static void set_status(struct virtio_transport *t, uint8_t status)
{
    reg_wr(drv(t), &drv(t)->common, VIRTIO_PCI_COMMON_STATUS, 1, status);
}

static uint64_t device_features(struct virtio_transport *t)
{
    struct vpci_drv *d = drv(t);
    reg_wr(d, &d->common, VIRTIO_PCI_COMMON_DFSELECT, 4, 0);
    uint64_t f = reg_rd(d, &d->common, VIRTIO_PCI_COMMON_DF, 4);
    reg_wr(d, &d->common, VIRTIO_PCI_COMMON_DFSELECT, 4, 1);
    return f | (uint64_t)reg_rd(d, &d->common, VIRTIO_PCI_COMMON_DF, 4) << 32;
}

static void driver_features(struct virtio_transport *t, uint64_t f)
{
    struct vpci_drv *d = drv(t);
    reg_wr(d, &d->common, VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
    reg_wr(d, &d->common, VIRTIO_PCI_COMMON_GF, 4, (uint32_t)f);
    reg_wr(d, &d->common, VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
    reg_wr(d, &d->common, VIRTIO_PCI_COMMON_GF, 4, (uint32_t)(f >> 32));
}

static uint32_t config_generation(struct virtio_transport *t)
{
    return reg_rd(drv(t), &drv(t)->common, VIRTIO_PCI_COMMON_CFGGENERATION, 1);
}

static enum virtio_drv_error config_read(struct virtio_transport *t, uint32_t offset, unsigned size,
                                         uint32_t *value)
{
    struct vpci_drv *d = drv(t);
    if (offset >= d->device.length || size > d->device.length - offset || offset % size != 0)
        return VIRTIO_DRV_CONFIG_RANGE;
    *value = reg_rd(d, &d->device, offset, size);
    return VIRTIO_DRV_OK;
}

static bool queue_select(struct vpci_drv *d, uint16_t q)
{
    if (q >= d->num_queues || q >= VPCI_MAX_QUEUES)
        return false;
    reg_wr(d, &d->common, VIRTIO_PCI_COMMON_Q_SELECT, 2, q);
    return true;
}

static uint16_t queue_max(struct virtio_transport *t, uint16_t q)
{
    struct vpci_drv *d = drv(t);
    if (!queue_select(d, q))
        return 0;
    uint32_t max = reg_rd(d, &d->common, VIRTIO_PCI_COMMON_Q_SIZE, 2);
    return max > VIRTQ_MAX_SIZE ? VIRTQ_MAX_SIZE : (uint16_t)max;
}

static void wr64(struct vpci_drv *d, uint32_t off, uint64_t v)
{
    /* §4.1.3.1: a 64-bit field may be written as two 32-bit halves, low first. */
    reg_wr(d, &d->common, off, 4, (uint32_t)v);
    reg_wr(d, &d->common, off + 4, 4, (uint32_t)(v >> 32));
}

static enum virtio_drv_error queue_enable(struct virtio_transport *t, uint16_t q,
                                          const struct vqd *vq)
{
    struct vpci_drv *d = drv(t);
    if (!queue_select(d, q))
        return VIRTIO_DRV_QUEUE_UNAVAILABLE;
    uint32_t max = reg_rd(d, &d->common, VIRTIO_PCI_COMMON_Q_SIZE, 2);
    if (max == 0)
        return VIRTIO_DRV_QUEUE_UNAVAILABLE;
    if (vq->size > max)
        return VIRTIO_DRV_QUEUE_MEMORY;
    if (reg_rd(d, &d->common, VIRTIO_PCI_COMMON_Q_ENABLE, 2) != 0)
        return VIRTIO_DRV_QUEUE_IN_USE;
    /* §4.1.4.4: the queue's doorbell is at notify offset + queue_notify_off * multiplier. */
    uint64_t at =
        (uint64_t)reg_rd(d, &d->common, VIRTIO_PCI_COMMON_Q_NOFF, 2) * d->notify_multiplier;
    if (d->notify.length < 2 || at > d->notify.length - 2)
        return VIRTIO_DRV_BAD_CAPABILITY;
    d->queue_notify[q] = (uint32_t)at;
    reg_wr(d, &d->common, VIRTIO_PCI_COMMON_Q_SIZE, 2, vq->size);
    /* Interrupts come by INTx and the ISR register: no MSI-X vector. */
    reg_wr(d, &d->common, VIRTIO_PCI_COMMON_Q_MSIX, 2, VIRTIO_MSI_NO_VECTOR);
    wr64(d, VIRTIO_PCI_COMMON_Q_DESCLO, vq->desc_pa);
    wr64(d, VIRTIO_PCI_COMMON_Q_AVAILLO, vq->avail_pa);
    wr64(d, VIRTIO_PCI_COMMON_Q_USEDLO, vq->used_pa);
    reg_wr(d, &d->common, VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
    return VIRTIO_DRV_OK;
}

static void notify(struct virtio_transport *t, uint16_t q)
{
    struct vpci_drv *d = drv(t);
    if (q < VPCI_MAX_QUEUES && d->notify.length >= 2 && d->queue_notify[q] <= d->notify.length - 2)
        reg_wr(d, &d->notify, d->queue_notify[q], 2, q);
}

static uint32_t interrupt_ack(struct virtio_transport *t)
{
    /* §4.1.4.5: reading the ISR byte acknowledges it. */
    return reg_rd(drv(t), &drv(t)->isr, 0, 1) & (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
}

VIRTIO_TRANSPORT_OPS(vpci_ops);

/* The virtio device type of a 0x1af4 function, or 0 if it is not a virtio device. */
static uint32_t device_type(struct vpci_drv *d)
{
    if (cfg_rd(d, PCI_VENDOR_ID, 2) != VIRTIO_PCI_VENDOR)
        return 0;
    uint32_t id = cfg_rd(d, PCI_DEVICE_ID, 2);
    if (id >= VIRTIO_PCI_DEVICE_MODERN && id <= VIRTIO_PCI_DEVICE_MODERN + 0x3f)
        return id - VIRTIO_PCI_DEVICE_MODERN;
    if (id >= VIRTIO_PCI_DEVICE_TRANSITIONAL && id < VIRTIO_PCI_DEVICE_MODERN)
        return cfg_rd(d, PCI_SUBSYSTEM_ID, 2);
    return 0;
}

enum cap_verdict { CAP_IGNORE, CAP_TAKE, CAP_BAD };

/* Reads one virtio capability at pos into *r: ignored if its BAR is reserved (§4.1.4.1),
 * bad if it is too short or reaches outside a mapped BAR. */
static enum cap_verdict cap_region(struct vpci_drv *d, uint32_t pos, unsigned min_len,
                                   struct vpci_region *r)
{
    uint32_t cap_len = cfg_rd(d, pos + 2, 1) & 0xff;
    uint32_t bar = cfg_rd(d, pos + VIRTIO_PCI_CAP_BAR, 1) & 0xff;
    if (bar > 5)
        return CAP_IGNORE;
    if (cap_len < min_len || pos + min_len > PCI_CONFIG_SPACE)
        return CAP_BAD;
    uint32_t offset = cfg_rd(d, pos + VIRTIO_PCI_CAP_OFFSET, 4);
    uint32_t length = cfg_rd(d, pos + VIRTIO_PCI_CAP_LENGTH, 4);
    const struct vpci_bar *b = &d->bars[bar];
    if (b->regs.read == NULL || b->regs.write == NULL || offset > b->size ||
        length > b->size - offset)
        return CAP_BAD;
    *r = (struct vpci_region){.bar = (uint8_t)bar, .offset = offset, .length = length};
    return CAP_TAKE;
}

/* §4.1.4: the first capability of each type is the one to use. */
static enum virtio_drv_error walk_caps(struct vpci_drv *d, bool found[5])
{
    if (!(cfg_rd(d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return VIRTIO_DRV_NO_DEVICE;
    uint32_t pos = cfg_rd(d, PCI_CAPABILITY_LIST, 1) & 0xfc;
    for (uint32_t n = 0; pos != 0; n++) {
        /* The list lives after the 64-byte header; a longer walk than fits is a loop. */
        if (n >= VPCI_MAX_CAPS || pos < 0x40 || pos > PCI_CONFIG_SPACE - 4)
            return VIRTIO_DRV_BAD_CAPABILITY;
        uint32_t id = cfg_rd(d, pos, 1) & 0xff;
        uint32_t next = cfg_rd(d, pos + 1, 1) & 0xfc;
        uint32_t type =
            id == PCI_CAP_ID_VNDR ? cfg_rd(d, pos + VIRTIO_PCI_CAP_CFG_TYPE, 1) & 0xff : 0;
        struct vpci_region *slot[5] = {NULL, &d->common, &d->notify, &d->isr, &d->device};
        if (type >= VIRTIO_PCI_CAP_COMMON_CFG && type <= VIRTIO_PCI_CAP_DEVICE_CFG &&
            !found[type]) {
            unsigned min_len = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? VIRTIO_PCI_NOTIFY_CAP_SIZE
                                                                 : VIRTIO_PCI_CAP_SIZE;
            switch (cap_region(d, pos, min_len, slot[type])) {
            case CAP_BAD:
                return VIRTIO_DRV_BAD_CAPABILITY;
            case CAP_TAKE:
                found[type] = true;
                if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
                    d->notify_multiplier = cfg_rd(d, pos + VIRTIO_PCI_NOTIFY_MULTIPLIER, 4);
                break;
            case CAP_IGNORE:
                break;
            }
        }
        pos = next;
    }
    return VIRTIO_DRV_OK;
}

enum virtio_drv_error vpci_drv_probe(struct vpci_drv *d, const struct virtio_regs *cfg,
                                     const struct vpci_bar bars[6], uint32_t expect_id)
{
    *d = (struct vpci_drv){.cfg = *cfg};
    for (unsigned i = 0; i < 6; i++)
        d->bars[i] = bars[i];
    /* No doorbell until a queue is enabled: notify() before that writes nothing. */
    for (unsigned q = 0; q < VPCI_MAX_QUEUES; q++)
        d->queue_notify[q] = UINT32_MAX;
    uint32_t type = device_type(d);
    if (type == 0)
        return VIRTIO_DRV_NO_DEVICE;
    if (expect_id != 0 && type != expect_id)
        return VIRTIO_DRV_WRONG_DEVICE;
    bool found[5] = {false};
    enum virtio_drv_error e = walk_caps(d, found);
    if (e != VIRTIO_DRV_OK)
        return e;
    if (!found[VIRTIO_PCI_CAP_COMMON_CFG] || !found[VIRTIO_PCI_CAP_NOTIFY_CFG] ||
        !found[VIRTIO_PCI_CAP_ISR_CFG])
        return VIRTIO_DRV_NO_DEVICE;
    if (d->common.length < VIRTIO_PCI_COMMON_CFG_SIZE || d->isr.length < 1)
        return VIRTIO_DRV_BAD_CAPABILITY;
    /* A device with no device-specific structure has an empty config space. */
    if (!found[VIRTIO_PCI_CAP_DEVICE_CFG])
        d->device = (struct vpci_region){0};

    uint32_t cmd = cfg_rd(d, PCI_COMMAND, 2);
    cmd = (cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER) & ~PCI_COMMAND_INTX_DISABLE & 0xffff;
    d->cfg.write(d->cfg.ctx, PCI_COMMAND, 2, cmd);
    d->num_queues = (uint16_t)reg_rd(d, &d->common, VIRTIO_PCI_COMMON_NUMQ, 2);
    d->t = (struct virtio_transport){
        .ops = &vpci_ops,
        .device_id = type,
        .legacy = false,
        .used_align = VIRTQ_USED_ALIGN,
    };
    return VIRTIO_DRV_OK;
}
