/* The driver's view of a virtio transport (virtio-mmio v1/v2, virtio-pci modern), and the
 * bring-up every virtio driver does the same way over it: reset, status sequence, feature
 * negotiation, queue setup, config space reads (§3.1). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <hv/virtio/virtio_drv_io.h>
#include <hv/virtio/vq_driver.h>

struct virtio_transport;

/* One transport's register protocol; vmmio_driver.c and vpci_driver.c implement it. */
struct virtio_transport_ops {
    uint8_t (*get_status)(struct virtio_transport *t);
    void (*set_status)(struct virtio_transport *t, uint8_t status);
    uint64_t (*device_features)(struct virtio_transport *t);
    void (*driver_features)(struct virtio_transport *t, uint64_t features);
    /* Changes whenever the device changes its config space; legacy transports have none. */
    uint32_t (*config_generation)(struct virtio_transport *t);
    /* One naturally aligned access of 1, 2 or 4 bytes at offset in the device config. */
    enum virtio_drv_error (*config_read)(struct virtio_transport *t, uint32_t offset, unsigned size,
                                         uint32_t *value);
    /* The largest size the device offers for queue q; 0 if there is no such queue. */
    uint16_t (*queue_max)(struct virtio_transport *t, uint16_t q);
    /* Tells the device where vq's rings are and makes queue q live. */
    enum virtio_drv_error (*queue_enable)(struct virtio_transport *t, uint16_t q,
                                          const struct vqd *vq);
    void (*notify)(struct virtio_transport *t, uint16_t q);
    /* Reads and acknowledges the interrupt cause: VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG. */
    uint32_t (*interrupt_ack)(struct virtio_transport *t);
};

#define VIRTIO_ISR_QUEUE 1u  /* a used buffer notification */
#define VIRTIO_ISR_CONFIG 2u /* a configuration change notification */

struct virtio_transport {
    const struct virtio_transport_ops *ops;
    uint32_t device_id; /* the virtio device type (§5): VIRTIO_ID_BLOCK, ... */
    bool legacy;        /* pre-1.0 protocol: 32 feature bits, no FEATURES_OK, no generation */
    /* Where the used ring must start relative to the descriptor table (legacy: a page). */
    uint32_t used_align;
    uint64_t features; /* accepted, once virtio_drv_negotiate succeeded */
};

/* Status reads after a reset before the driver gives up (the device owns the timing). */
#define VIRTIO_DRV_RESET_POLLS 1000u
/* Times a config read is retried while the generation changes under it. */
#define VIRTIO_DRV_CONFIG_TRIES 8u

/* Writes 0 to the status and waits (bounded) for it to read 0 (§2.4.1). */
enum virtio_drv_error virtio_drv_reset(struct virtio_transport *t);

/*
 * Reset, ACKNOWLEDGE, DRIVER, then accept offered ∩ wanted; required bits must all be
 * offered (VERSION_1 is always required of a modern transport and never asked of a legacy
 * one). Modern: FEATURES_OK, read back. On error the status is FAILED.
 */
enum virtio_drv_error virtio_drv_negotiate(struct virtio_transport *t, uint64_t wanted,
                                           uint64_t required);

/*
 * Sets up queue q with at most max_size entries (the device's maximum rounded down to a
 * power of two if smaller), in mem, with slots[max_size] for the driver's records.
 */
enum virtio_drv_error virtio_drv_queue_setup(struct virtio_transport *t, uint16_t q,
                                             uint16_t max_size, const struct virtio_dma *mem,
                                             struct vqd_slot *slots, struct vqd *vq);

/* Sets DRIVER_OK; VIRTIO_DRV_NEEDS_RESET if the device already asks for a reset. */
enum virtio_drv_error virtio_drv_ready(struct virtio_transport *t);

/* Reads len bytes of device config at offset, consistently: retried while the generation
 * changes (§2.5.1), with each field read at its natural width where alignment allows. */
enum virtio_drv_error virtio_drv_config_read(struct virtio_transport *t, uint32_t offset, void *buf,
                                             uint32_t len);

/* Tells the device the driver gave up (status FAILED), as §3.1.1 asks after an error. */
void virtio_drv_fail(struct virtio_transport *t);

/* Whether the device set DEVICE_NEEDS_RESET. */
bool virtio_drv_needs_reset(struct virtio_transport *t);
