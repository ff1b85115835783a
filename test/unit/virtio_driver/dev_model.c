/* The virtio-mmio device model of the driver tests (dev_model.h). */
#include "dev_model.h"

#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vmmio_driver.h>
#include <stdlib.h>
#include <string.h>

void model_dma_init(struct model_dma *m, uint64_t pa_offset)
{
    void *va = aligned_alloc(4096, MODEL_DMA_SIZE);
    memset(va, 0xa5, MODEL_DMA_SIZE);
    m->dma = (struct virtio_dma){.va = va, .pa = MODEL_DMA_PA + pa_offset, .size = MODEL_DMA_SIZE};
    m->region = (struct virtio_mem_region){.gpa = m->dma.pa, .size = MODEL_DMA_SIZE, .host = va};
    m->mem = (struct virtio_mem){.regions = &m->region, .count = 1};
}

void model_dma_free(struct model_dma *m)
{
    free(m->dma.va);
}

void mmio_model_init(struct mmio_model *m, uint32_t version, uint32_t device_id)
{
    memset(m, 0, sizeof(*m));
    m->magic = VIRTIO_MMIO_MAGIC;
    m->version = version;
    m->device_id = device_id;
    m->features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | 0x5;
    m->queue_max[0] = 128;
    m->queue_max[1] = 0;
}

struct virtio_regs mmio_model_regs(struct mmio_model *m)
{
    return (struct virtio_regs){.read = mmio_model_read, .write = mmio_model_write, .ctx = m};
}

static uint32_t half(uint64_t v, uint32_t sel)
{
    return sel == 0 ? (uint32_t)v : sel == 1 ? (uint32_t)(v >> 32) : 0;
}

static uint32_t reg_read(struct mmio_model *m, uint32_t offset)
{
    unsigned q = m->queue_sel < MODEL_QUEUES ? m->queue_sel : 0;
    bool qok = m->queue_sel < MODEL_QUEUES;
    switch (offset) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        return m->magic;
    case VIRTIO_MMIO_VERSION:
        return m->version;
    case VIRTIO_MMIO_DEVICE_ID:
        return m->device_id;
    case VIRTIO_MMIO_VENDOR_ID:
        return 0x554d4551;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return half(m->version == 1 ? (uint32_t)m->features : m->features, m->dfsel);
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return qok ? m->queue_max[q] : 0;
    case VIRTIO_MMIO_QUEUE_READY:
        return qok ? m->q[q].ready : 0;
    case VIRTIO_MMIO_LEGACY_QUEUE_PFN:
        return qok ? m->q[q].pfn : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return m->interrupt_status;
    case VIRTIO_MMIO_STATUS:
        if (m->delay_left > 0) {
            m->delay_left--;
            return 0x0f;
        }
        return m->status;
    case VIRTIO_MMIO_CONFIG_GENERATION:
        if (m->generation_bumps > 0) {
            m->generation_bumps--;
            m->generation++;
        }
        return m->generation;
    }
    m->bad_accesses++;
    return 0;
}

static void queue_write(struct mmio_model *m, uint32_t offset, uint32_t v)
{
    if (m->queue_sel >= MODEL_QUEUES)
        return;
    typeof(m->q[0]) *q = &m->q[m->queue_sel];
    switch (offset) {
    case VIRTIO_MMIO_QUEUE_NUM:
        q->num = v;
        break;
    case VIRTIO_MMIO_LEGACY_QUEUE_PFN:
        q->pfn = v;
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        q->ready = v;
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        q->desc = (q->desc & ~0xffffffffull) | v;
        break;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        q->desc = (q->desc & 0xffffffffull) | (uint64_t)v << 32;
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        q->driver = (q->driver & ~0xffffffffull) | v;
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        q->driver = (q->driver & 0xffffffffull) | (uint64_t)v << 32;
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        q->device = (q->device & ~0xffffffffull) | v;
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        q->device = (q->device & 0xffffffffull) | (uint64_t)v << 32;
        break;
    }
}

static void status_write(struct mmio_model *m, uint32_t v)
{
    if (v == 0) {
        m->resets++;
        m->delay_left = m->reset_delay;
        uint64_t keep_features = m->features;
        m->status = 0;
        m->driver_features = 0;
        m->interrupt_status = 0;
        memset(m->q, 0, sizeof(m->q));
        m->features = keep_features;
        return;
    }
    if ((v & VIRTIO_STATUS_FEATURES_OK) && m->refuse_features_ok)
        v &= ~VIRTIO_STATUS_FEATURES_OK;
    m->status = v;
}

static void reg_write(struct mmio_model *m, uint32_t offset, uint32_t v)
{
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        m->dfsel = v;
        return;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        m->gfsel = v;
        return;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (m->gfsel == 0)
            m->driver_features = (m->driver_features & ~0xffffffffull) | v;
        else if (m->gfsel == 1)
            m->driver_features = (m->driver_features & 0xffffffffull) | (uint64_t)v << 32;
        return;
    case VIRTIO_MMIO_LEGACY_GUEST_PAGE_SIZE:
        m->page_size = v;
        return;
    case VIRTIO_MMIO_LEGACY_QUEUE_ALIGN:
        m->queue_align = v;
        return;
    case VIRTIO_MMIO_QUEUE_SEL:
        m->queue_sel = v;
        return;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        if (v < MODEL_QUEUES)
            m->notifies[v]++;
        return;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        m->acked |= v;
        m->interrupt_status &= ~v;
        return;
    case VIRTIO_MMIO_STATUS:
        status_write(m, v);
        return;
    case VIRTIO_MMIO_QUEUE_NUM:
    case VIRTIO_MMIO_LEGACY_QUEUE_PFN:
    case VIRTIO_MMIO_QUEUE_READY:
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        queue_write(m, offset, v);
        return;
    }
    m->bad_accesses++;
}

uint32_t mmio_model_read(void *ctx, uint32_t offset, unsigned size)
{
    struct mmio_model *m = ctx;
    if (offset >= VIRTIO_MMIO_CONFIG) {
        uint32_t at = offset - VIRTIO_MMIO_CONFIG, v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint32_t)(at + i < sizeof(m->config) ? m->config[at + i] : 0) << (8 * i);
        return v;
    }
    if (size != 4) {
        m->bad_accesses++;
        return 0;
    }
    return reg_read(m, offset);
}

void mmio_model_write(void *ctx, uint32_t offset, unsigned size, uint32_t value)
{
    struct mmio_model *m = ctx;
    if (size != 4 || offset >= VIRTIO_MMIO_CONFIG) {
        m->bad_accesses++;
        return;
    }
    reg_write(m, offset, value);
}

bool mmio_model_queue(struct mmio_model *m, unsigned q, const struct virtio_mem *mem,
                      struct virtio_faults *faults, struct virtq *vq)
{
    struct virtq_config cfg = {.size = m->q[q].num, .features = m->driver_features};
    if (m->version == 1) {
        uint64_t n = m->q[q].num, align = m->queue_align;
        cfg.desc = (uint64_t)m->q[q].pfn * m->page_size;
        cfg.driver = cfg.desc + 16 * n;
        cfg.device = (cfg.driver + 6 + 2 * n + align - 1) & ~(align - 1);
        /* The device side checks for VERSION_1 nowhere; EVENT_IDX is what matters here. */
    } else {
        cfg.desc = m->q[q].desc;
        cfg.driver = m->q[q].driver;
        cfg.device = m->q[q].device;
    }
    memset(vq, 0, sizeof(*vq));
    return virtq_init(vq, &cfg, mem, faults) == VIRTQ_SETUP_OK;
}
