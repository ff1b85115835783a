/* The smallest device model on hv_virtio: echoes readable bytes into writable ones. */
#pragma once

#include <hv/virtio/virtio_mmio.h>

/* Not a device type the spec assigns: this model exists only for documentation and tests. */
#define VIRTIO_ECHO_DEVICE_ID 0xffffu
#define VIRTIO_ECHO_QUEUE_SIZE 64u

/* Configuration space: le32 requests served (read-only), u8 key XORed into echoed bytes. */
#define VIRTIO_ECHO_CFG_SERVED 0u
#define VIRTIO_ECHO_CFG_KEY 4u
#define VIRTIO_ECHO_CFG_SIZE 8u

struct virtio_echo {
    struct virtio_mmio mmio;
    struct virtio_mmio_queue queue;
    struct virtq_seg segs[VIRTIO_ECHO_QUEUE_SIZE];
    struct virtq_req req;
    uint32_t served;
    uint8_t key;
};

enum virtio_mmio_init_result virtio_echo_init(struct virtio_echo *echo,
                                              const struct virtio_mem *mem,
                                              void (*set_irq)(void *ctx, bool level), void *irq_ctx,
                                              virtio_log_fn *log, void *log_ctx);
