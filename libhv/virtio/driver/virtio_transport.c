/* Device bring-up over any transport: reset, status sequence and features (§3.1.1), queue
 * setup, and config space reads that are consistent across a generation change (§2.5.1). */
#include <hv/enum_name.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/virtio_transport.h>

enum virtio_drv_error virtio_drv_reset(struct virtio_transport *t)
{
    t->ops->set_status(t, 0);
    for (uint32_t i = 0; i < VIRTIO_DRV_RESET_POLLS; i++) {
        if (t->ops->get_status(t) == 0)
            return VIRTIO_DRV_OK;
    }
    return VIRTIO_DRV_RESET_TIMEOUT;
}

void virtio_drv_fail(struct virtio_transport *t)
{
    t->ops->set_status(t, (uint8_t)(t->ops->get_status(t) | VIRTIO_STATUS_FAILED));
}

bool virtio_drv_needs_reset(struct virtio_transport *t)
{
    return !t->legacy && (t->ops->get_status(t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static enum virtio_drv_error fail(struct virtio_transport *t, enum virtio_drv_error e)
{
    virtio_drv_fail(t);
    return e;
}

enum virtio_drv_error virtio_drv_negotiate(struct virtio_transport *t, uint64_t wanted,
                                           uint64_t required)
{
    enum virtio_drv_error e = virtio_drv_reset(t);
    if (e != VIRTIO_DRV_OK)
        return e;
    t->features = 0;
    uint8_t status = VIRTIO_STATUS_ACKNOWLEDGE;
    t->ops->set_status(t, status);
    status |= VIRTIO_STATUS_DRIVER;
    t->ops->set_status(t, status);

    uint64_t offered = t->ops->device_features(t);
    if (t->legacy) {
        /* A legacy device has 32 feature bits; VERSION_1 and above do not exist there. */
        offered &= UINT32_MAX;
        required &= ~VIRTIO_BIT(VIRTIO_F_VERSION_1);
    } else {
        required |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
    }
    if ((offered & required) != required)
        return fail(t, VIRTIO_DRV_FEATURES_MISSING);
    uint64_t accepted = offered & (wanted | required);
    t->ops->driver_features(t, accepted);
    if (!t->legacy) {
        status |= VIRTIO_STATUS_FEATURES_OK;
        t->ops->set_status(t, status);
        /* §3.1.1 step 6: the device may refuse the subset; only a read-back tells. */
        if (!(t->ops->get_status(t) & VIRTIO_STATUS_FEATURES_OK))
            return fail(t, VIRTIO_DRV_FEATURES_REFUSED);
    }
    t->features = accepted;
    return VIRTIO_DRV_OK;
}

static uint16_t round_down_pow2(uint16_t n)
{
    uint16_t p = 1;
    while (p <= n / 2)
        p = (uint16_t)(p * 2);
    return n == 0 ? 0 : p;
}

enum virtio_drv_error virtio_drv_queue_setup(struct virtio_transport *t, uint16_t q,
                                             uint16_t max_size, const struct virtio_dma *mem,
                                             struct vqd_slot *slots, struct vqd *vq)
{
    uint16_t offered = t->ops->queue_max(t, q);
    uint16_t n = offered < max_size ? offered : max_size;
    n = round_down_pow2(n);
    if (n == 0)
        return VIRTIO_DRV_QUEUE_UNAVAILABLE;
    struct vqd_layout layout;
    if (!vqd_layout(n, t->used_align, &layout))
        return VIRTIO_DRV_QUEUE_MEMORY;
    bool event_idx = (t->features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)) != 0;
    if (vqd_init(vq, n, mem, &layout, slots, event_idx) != VQD_OK)
        return VIRTIO_DRV_QUEUE_MEMORY;
    return t->ops->queue_enable(t, q, vq);
}

enum virtio_drv_error virtio_drv_ready(struct virtio_transport *t)
{
    uint8_t status = t->ops->get_status(t);
    t->ops->set_status(t, (uint8_t)(status | VIRTIO_STATUS_DRIVER_OK));
    if (virtio_drv_needs_reset(t))
        return VIRTIO_DRV_NEEDS_RESET;
    return VIRTIO_DRV_OK;
}

/* One pass over the range, each access at the widest natural alignment that fits. */
static enum virtio_drv_error config_pass(struct virtio_transport *t, uint32_t offset, uint8_t *out,
                                         uint32_t len)
{
    uint32_t done = 0;
    while (done < len) {
        uint32_t at = offset + done, left = len - done;
        unsigned size = (at % 4 == 0 && left >= 4) ? 4 : (at % 2 == 0 && left >= 2) ? 2 : 1;
        uint32_t v;
        enum virtio_drv_error e = t->ops->config_read(t, at, size, &v);
        if (e != VIRTIO_DRV_OK)
            return e;
        for (unsigned i = 0; i < size; i++)
            out[done + i] = (uint8_t)(v >> (8 * i));
        done += size;
    }
    return VIRTIO_DRV_OK;
}

enum virtio_drv_error virtio_drv_config_read(struct virtio_transport *t, uint32_t offset, void *buf,
                                             uint32_t len)
{
    if (offset > UINT32_MAX - len)
        return VIRTIO_DRV_CONFIG_RANGE;
    for (uint32_t tries = 0; tries < VIRTIO_DRV_CONFIG_TRIES; tries++) {
        uint32_t before = t->ops->config_generation(t);
        enum virtio_drv_error e = config_pass(t, offset, buf, len);
        if (e != VIRTIO_DRV_OK)
            return e;
        if (t->ops->config_generation(t) == before)
            return VIRTIO_DRV_OK;
    }
    return VIRTIO_DRV_CONFIG_UNSTABLE;
}

const char *virtio_drv_error_name(enum virtio_drv_error e)
{
    static const char *const names[VIRTIO_DRV_ERRORS] = {
        [VIRTIO_DRV_OK] = "ok",
        [VIRTIO_DRV_NO_DEVICE] = "no virtio device",
        [VIRTIO_DRV_BAD_VERSION] = "unknown transport version",
        [VIRTIO_DRV_WRONG_DEVICE] = "another device type",
        [VIRTIO_DRV_RESET_TIMEOUT] = "status did not read 0 after reset",
        [VIRTIO_DRV_FEATURES_MISSING] = "device lacks a required feature",
        [VIRTIO_DRV_FEATURES_REFUSED] = "device refused FEATURES_OK",
        [VIRTIO_DRV_QUEUE_UNAVAILABLE] = "queue not offered",
        [VIRTIO_DRV_QUEUE_IN_USE] = "queue already live",
        [VIRTIO_DRV_QUEUE_MEMORY] = "DMA memory unfit for the rings",
        [VIRTIO_DRV_CONFIG_UNSTABLE] = "config generation kept changing",
        [VIRTIO_DRV_CONFIG_RANGE] = "config read outside the config space",
        [VIRTIO_DRV_BAD_CAPABILITY] = "malformed virtio PCI capability",
        [VIRTIO_DRV_NEEDS_RESET] = "device needs a reset",
    };
    return HV_ENUM_NAME(names, e, "?");
}
