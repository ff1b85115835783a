/* The virtio-mmio transport, version 2 (§4.2.2): guest register accesses in, model calls out. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <hv/virtio/virtio_faults.h>
#include <hv/virtio/virtio_mem.h>
#include <hv/virtio/virtqueue.h>

struct virtio_mmio;

/*
 * What a device model provides. Offsets given to config_read/config_write are already
 * checked: offset + size <= config_size, size 1, 2, 4 or 8 and naturally aligned.
 */
struct virtio_device_ops {
    uint32_t device_id;
    uint32_t vendor_id;
    /* Offered features; must include VIRTIO_F_VERSION_1. The library itself supports
     * VIRTIO_F_INDIRECT_DESC and VIRTIO_F_EVENT_IDX; other transport bits are refused. */
    uint64_t features;
    uint16_t num_queues;
    uint16_t queue_num_max; /* power of two, at most 32768 */
    uint32_t config_size;   /* bytes of device-specific configuration, at most 0xf00 */
    uint64_t (*config_read)(struct virtio_mmio *dev, uint32_t offset, unsigned size);
    void (*config_write)(struct virtio_mmio *dev, uint32_t offset, unsigned size, uint64_t value);
    /* The driver notified a live queue (DRIVER_OK set, queue ready, no reset pending). */
    void (*queue_notify)(struct virtio_mmio *dev, uint16_t queue);
    /* The driver wrote 0 to Status; all queues are already reset. */
    void (*reset)(struct virtio_mmio *dev);
    /* Optional, for a model that runs its queues elsewhere (the VMM hands them to a device
     * server): the driver made a queue ready, after the library checked its rings (ready), or
     * turned a ready queue off (!ready). Returning false for ready refuses the queue: it stays
     * off and the device needs a reset. Not called for the queues a device reset stops. */
    bool (*queue_state)(struct virtio_mmio *dev, uint16_t queue, bool ready);
};

/* Transport state of one queue: the registers the driver writes before QueueReady. */
struct virtio_mmio_queue {
    uint32_t num;
    uint64_t desc;
    uint64_t driver;
    uint64_t device;
    struct virtq vq;
};

/* Everything virtio_mmio_init needs; storage for queues is the caller's. */
struct virtio_mmio_setup {
    const struct virtio_device_ops *ops;
    void *device_ctx;                 /* for the model: virtio_mmio_device_ctx() */
    struct virtio_mmio_queue *queues; /* ops->num_queues entries */
    const struct virtio_mem *mem;     /* guest memory the queues may use */
    /* Level of the device's interrupt line: high while InterruptStatus != 0. */
    void (*set_irq)(void *ctx, bool level);
    void *irq_ctx;
    virtio_log_fn *log; /* may be NULL */
    void *log_ctx;
};

struct virtio_mmio {
    const struct virtio_device_ops *ops;
    void *device_ctx;
    struct virtio_mmio_queue *queues;
    const struct virtio_mem *mem;
    void (*set_irq)(void *ctx, bool level);
    void *irq_ctx;
    struct virtio_faults faults;

    uint32_t status;
    uint32_t device_features_sel;
    uint32_t driver_features_sel;
    uint64_t driver_features;
    bool driver_features_unknown; /* driver set a bit in a word beyond the 64 we know */
    uint32_t queue_sel;
    uint32_t shm_sel;
    uint32_t interrupt_status;
    uint32_t config_generation;
};

enum virtio_mmio_init_result {
    VIRTIO_MMIO_INIT_OK = 0,
    VIRTIO_MMIO_INIT_BAD_OPS = -1,      /* missing callback, bad queue count/size/config size */
    VIRTIO_MMIO_INIT_BAD_FEATURES = -2, /* no VERSION_1, or a transport feature we don't do */
    VIRTIO_MMIO_INIT_BAD_MEM = -3,      /* the region table fails virtio_mem_check */
};

enum virtio_mmio_init_result virtio_mmio_init(struct virtio_mmio *dev,
                                              const struct virtio_mmio_setup *setup);

/*
 * The guest's register accesses, offset from the start of the device's window. size is
 * the access width in bytes. Invalid accesses read as 0 and are ignored on write, and
 * are counted in dev->faults; they never fail the caller.
 */
uint64_t virtio_mmio_read(struct virtio_mmio *dev, uint32_t offset, unsigned size);
void virtio_mmio_write(struct virtio_mmio *dev, uint32_t offset, unsigned size, uint64_t value);

/*
 * The 32-bit word at a 4-aligned offset of the window as the guest would read it, without a
 * fault counted for what the guest may not read (a write-only or reserved register reads 0,
 * the configuration space is read byte by byte up to its size, 0 past it). For a VMM that
 * keeps a copy of the window the guest reads without an exit: every aligned 32-bit read the
 * guest could make returns what this does.
 */
uint32_t virtio_mmio_peek(struct virtio_mmio *dev, uint32_t offset);

/* The queue a model works on; NULL if the index is out of range. */
struct virtq *virtio_mmio_queue(struct virtio_mmio *dev, uint16_t queue);

/* The features the driver accepted; meaningful once FEATURES_OK is set. */
uint64_t virtio_mmio_features(const struct virtio_mmio *dev);

void *virtio_mmio_device_ctx(const struct virtio_mmio *dev);

/* After pushing to a queue: raises a used buffer notification if the driver wants one. */
void virtio_mmio_used_notify(struct virtio_mmio *dev, uint16_t queue);

/* A used buffer notification decided elsewhere (a device server that runs the queue and has
 * already applied the driver's suppression): raised if the queue is live (ready, DRIVER_OK, no
 * reset needed), else dropped. */
void virtio_mmio_used_interrupt(struct virtio_mmio *dev, uint16_t queue);

/* The model changed its configuration: new generation, configuration change notification. */
void virtio_mmio_config_changed(struct virtio_mmio *dev);

/* The model hit an error it cannot recover from without a reset (§2.1.2). */
void virtio_mmio_needs_reset(struct virtio_mmio *dev);
