/* What a virtio driver (the physical side of a device server) touches: a register window
 * behind two functions, DMA memory with its physical address, and the errors it reports. */
#pragma once

#include <stdint.h>

/*
 * A window of device registers: a virtio-mmio transport, or a region of a PCI BAR or of PCI
 * configuration space. size is 1, 2 or 4 bytes; offsets are from the window's start. On
 * target the functions are volatile accesses to a mapping the server holds a cap for (an
 * MMIO write must also order the DMA-memory stores before it, as a device doorbell); on the
 * host they are a device model, which is how the drivers are tested and fuzzed.
 */
struct virtio_regs {
    uint32_t (*read)(void *ctx, uint32_t offset, unsigned size);
    void (*write)(void *ctx, uint32_t offset, unsigned size, uint32_t value);
    void *ctx;
};

/* Memory the device may read and write by DMA: the server's mapping and its bus address. */
struct virtio_dma {
    void *va;
    uint64_t pa;
    uint64_t size;
};

/* Why a driver gave up on a device. Errors are values: the device is left reset or FAILED. */
enum virtio_drv_error {
    VIRTIO_DRV_OK = 0,
    VIRTIO_DRV_NO_DEVICE,         /* bad magic, device id 0, or no virtio capabilities */
    VIRTIO_DRV_BAD_VERSION,       /* transport version we do not speak */
    VIRTIO_DRV_WRONG_DEVICE,      /* another device type than the one asked for */
    VIRTIO_DRV_RESET_TIMEOUT,     /* status did not read back 0 after a reset */
    VIRTIO_DRV_FEATURES_MISSING,  /* the device lacks a feature the driver requires */
    VIRTIO_DRV_FEATURES_REFUSED,  /* FEATURES_OK did not stick */
    VIRTIO_DRV_QUEUE_UNAVAILABLE, /* queue index beyond the device's, or its max size is 0 */
    VIRTIO_DRV_QUEUE_IN_USE,      /* queue already live before we set it up */
    VIRTIO_DRV_QUEUE_MEMORY,      /* DMA memory too small or misaligned for the rings */
    VIRTIO_DRV_CONFIG_UNSTABLE,   /* config generation kept changing under the reads */
    VIRTIO_DRV_CONFIG_RANGE,      /* config read outside the device's config space */
    VIRTIO_DRV_BAD_CAPABILITY, /* PCI: a virtio capability that is malformed or outside its BAR */
    VIRTIO_DRV_NEEDS_RESET,    /* the device set DEVICE_NEEDS_RESET */
    VIRTIO_DRV_ERRORS
};

/* A fixed description, for log lines. */
const char *virtio_drv_error_name(enum virtio_drv_error e);
