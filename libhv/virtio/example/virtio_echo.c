/* The echo device: how a device server plugs a model into hv_virtio (see docs/virtio.md). */
#include "virtio_echo.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_spec.h>
#include <string.h>

/* One request: copy readable bytes to writable ones, XORed with the key, until either runs out. */
static void echo_handle(void *ctx, struct virtq *vq, struct virtq_req *req)
{
    struct virtio_echo *echo = ctx;
    uint8_t chunk[64];
    uint64_t done = 0;
    for (;;) {
        size_t n = virtq_req_read(req, done, chunk, sizeof(chunk));
        for (size_t i = 0; i < n; i++)
            chunk[i] ^= echo->key;
        size_t w = virtq_req_write(req, done, chunk, n);
        done += w;
        if (n < sizeof(chunk) || w < n)
            break;
    }
    virtq_push(vq, req, done > UINT32_MAX ? UINT32_MAX : (uint32_t)done);
    echo->served++;
}

static void echo_queue_notify(struct virtio_mmio *dev, uint16_t queue)
{
    struct virtio_echo *echo = virtio_mmio_device_ctx(dev);
    /* A real server would come back later on VIRTQ_POLL_AGAIN; the example just stops. */
    if (virtq_poll(virtio_mmio_queue(dev, queue), &echo->req, echo_handle, echo) ==
        VIRTQ_POLL_BROKEN)
        return;
    virtio_mmio_used_notify(dev, queue);
}

static uint64_t echo_config_read(struct virtio_mmio *dev, uint32_t offset, unsigned size)
{
    struct virtio_echo *echo = virtio_mmio_device_ctx(dev);
    uint8_t cfg[VIRTIO_ECHO_CFG_SIZE] = {0}, field[8] = {0};
    hv_put_le32(cfg + VIRTIO_ECHO_CFG_SERVED, echo->served);
    cfg[VIRTIO_ECHO_CFG_KEY] = echo->key;
    /* The transport checked that [offset, offset + size) lies in cfg and size <= 8. */
    memcpy(field, cfg + offset, size);
    return hv_le64(field);
}

static void echo_config_write(struct virtio_mmio *dev, uint32_t offset, unsigned size,
                              uint64_t value)
{
    struct virtio_echo *echo = virtio_mmio_device_ctx(dev);
    if (offset == VIRTIO_ECHO_CFG_KEY && size == 1)
        echo->key = (uint8_t)value;
}

static void echo_reset(struct virtio_mmio *dev)
{
    struct virtio_echo *echo = virtio_mmio_device_ctx(dev);
    echo->key = 0;
}

static const struct virtio_device_ops echo_ops = {
    .device_id = VIRTIO_ECHO_DEVICE_ID,
    .features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
                VIRTIO_BIT(VIRTIO_F_EVENT_IDX),
    .num_queues = 1,
    .queue_num_max = VIRTIO_ECHO_QUEUE_SIZE,
    .config_size = VIRTIO_ECHO_CFG_SIZE,
    .config_read = echo_config_read,
    .config_write = echo_config_write,
    .queue_notify = echo_queue_notify,
    .reset = echo_reset,
};

enum virtio_mmio_init_result virtio_echo_init(struct virtio_echo *echo,
                                              const struct virtio_mem *mem,
                                              void (*set_irq)(void *ctx, bool level), void *irq_ctx,
                                              virtio_log_fn *log, void *log_ctx)
{
    echo->served = 0;
    echo->key = 0;
    echo->req.segs = echo->segs;
    echo->req.capacity = VIRTIO_ECHO_QUEUE_SIZE;
    struct virtio_mmio_setup setup = {
        .ops = &echo_ops,
        .device_ctx = echo,
        .queues = &echo->queue,
        .mem = mem,
        .set_irq = set_irq,
        .irq_ctx = irq_ctx,
        .log = log,
        .log_ctx = log_ctx,
    };
    return virtio_mmio_init(&echo->mmio, &setup);
}
