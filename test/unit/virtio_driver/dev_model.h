/* Host models of the devices a driver meets: a virtio-mmio device (v1 or v2) with knobs for
 * misbehaviour, DMA memory with a made-up bus address, and the device side of a queue
 * (libhv's own virtqueue code) to play an honest device on the rings the driver set up. */
#pragma once

#include <hv/virtio/virtio_drv_io.h>
#include <hv/virtio/virtio_faults.h>
#include <hv/virtio/virtio_mem.h>
#include <hv/virtio/virtqueue.h>
#include <stdbool.h>
#include <stdint.h>

#define MODEL_DMA_PA 0x80000000ull
#define MODEL_DMA_SIZE 0x10000u
#define MODEL_QUEUES 2

/* DMA memory: a page-aligned heap block that the device model sees at MODEL_DMA_PA. */
struct model_dma {
    struct virtio_dma dma;
    struct virtio_mem_region region;
    struct virtio_mem mem;
};
void model_dma_init(struct model_dma *m, uint64_t pa_offset);
void model_dma_free(struct model_dma *m);

struct mmio_model {
    /* What the device is (set before use). */
    uint32_t magic, version, device_id;
    uint64_t features;
    uint32_t queue_max[MODEL_QUEUES];
    uint8_t config[64];
    uint32_t generation;
    unsigned generation_bumps; /* the next N reads of ConfigGeneration each change it */
    bool refuse_features_ok;
    unsigned reset_delay; /* status reads that still show the old value after a reset */
    /* Driver-visible state. */
    uint32_t status, dfsel, gfsel, queue_sel, page_size, queue_align;
    uint64_t driver_features;
    uint32_t interrupt_status, acked;
    struct {
        uint32_t num, pfn, ready;
        uint64_t desc, driver, device;
    } q[MODEL_QUEUES];
    unsigned notifies[MODEL_QUEUES];
    unsigned resets, delay_left;
    unsigned bad_accesses; /* width other than 4 on a register, or unknown offset */
};

void mmio_model_init(struct mmio_model *m, uint32_t version, uint32_t device_id);
uint32_t mmio_model_read(void *ctx, uint32_t offset, unsigned size);
void mmio_model_write(void *ctx, uint32_t offset, unsigned size, uint32_t value);
struct virtio_regs mmio_model_regs(struct mmio_model *m);

/* The device side of queue q as the driver configured it (v1: from PFN; v2: addresses). */
bool mmio_model_queue(struct mmio_model *m, unsigned q, const struct virtio_mem *mem,
                      struct virtio_faults *faults, struct virtq *vq);
