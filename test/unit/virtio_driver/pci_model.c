/* The virtio-pci function model of the driver tests (pci_model.h). */
#include "pci_model.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_spec.h>
#include <string.h>

void pci_model_cap(struct pci_model *m, uint8_t prev, uint8_t pos, uint8_t type, uint8_t bar,
                   uint32_t offset, uint32_t length)
{
    uint8_t *c = &m->cfg[pos];
    c[0] = PCI_CAP_ID_VNDR;
    c[1] = 0;
    c[2] = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16;
    c[3] = type;
    c[4] = bar;
    hv_put_le32(c + 8, offset);
    hv_put_le32(c + 12, length);
    if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
        hv_put_le32(c + 16, PCI_MODEL_NOTIFY_MULT);
    if (prev == 0)
        m->cfg[PCI_CAPABILITY_LIST] = pos;
    else
        m->cfg[prev + 1] = pos;
}

void pci_model_init(struct pci_model *m)
{
    memset(m, 0, sizeof(*m));
    hv_put_le16(&m->cfg[PCI_VENDOR_ID], VIRTIO_PCI_VENDOR);
    hv_put_le16(&m->cfg[PCI_DEVICE_ID], 0x1001);
    hv_put_le16(&m->cfg[PCI_SUBSYSTEM_ID], VIRTIO_ID_BLOCK);
    hv_put_le16(&m->cfg[PCI_STATUS], PCI_STATUS_CAP_LIST);
    hv_put_le16(&m->cfg[PCI_COMMAND], 0x0003);
    /* An MSI-X capability first (not vendor-specific: skipped), then QEMU's order. */
    m->cfg[0x98] = 0x11;
    m->cfg[PCI_CAPABILITY_LIST] = 0x98;
    pci_model_cap(m, 0x98, 0x84, VIRTIO_PCI_CAP_COMMON_CFG, 4, PCI_MODEL_COMMON, 0x1000);
    pci_model_cap(m, 0x84, 0x74, VIRTIO_PCI_CAP_ISR_CFG, 4, PCI_MODEL_ISR, 0x1000);
    pci_model_cap(m, 0x74, 0x64, VIRTIO_PCI_CAP_DEVICE_CFG, 4, PCI_MODEL_DEVICE, 0x1000);
    pci_model_cap(m, 0x64, 0x50, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, PCI_MODEL_NOTIFY, 0x1000);
    pci_model_cap(m, 0x50, 0x40, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 4);
    m->features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | 0x244;
    m->num_queues = 1;
    m->queue_max = 256;
    for (unsigned q = 0; q < 4; q++)
        m->q[q].notify_off = (uint16_t)q;
}

static uint32_t cfg_read(void *ctx, uint32_t off, unsigned size)
{
    struct pci_model *m = ctx;
    uint32_t v = 0;
    for (unsigned i = 0; i < size && off + i < 256; i++)
        v |= (uint32_t)m->cfg[off + i] << (8 * i);
    return v;
}

static void cfg_write(void *ctx, uint32_t off, unsigned size, uint32_t v)
{
    struct pci_model *m = ctx;
    for (unsigned i = 0; i < size && off + i < 256; i++)
        m->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

struct virtio_regs pci_model_cfg_regs(struct pci_model *m)
{
    return (struct virtio_regs){.read = cfg_read, .write = cfg_write, .ctx = m};
}

static uint32_t common_read(struct pci_model *m, uint32_t off)
{
    typeof(m->q[0]) *q = &m->q[m->queue_sel < 4 ? m->queue_sel : 0];
    bool qok = m->queue_sel < m->num_queues;
    switch (off) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        return m->dfsel;
    case VIRTIO_PCI_COMMON_DF:
        return m->dfsel == 0   ? (uint32_t)m->features
               : m->dfsel == 1 ? (uint32_t)(m->features >> 32)
                               : 0;
    case VIRTIO_PCI_COMMON_NUMQ:
        return m->num_queues;
    case VIRTIO_PCI_COMMON_STATUS:
        return m->status;
    case VIRTIO_PCI_COMMON_CFGGENERATION:
        return m->generation;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        return m->queue_sel;
    case VIRTIO_PCI_COMMON_Q_SIZE:
        return qok ? (q->size ? q->size : m->queue_max) : 0;
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        return qok ? q->enable : 0;
    case VIRTIO_PCI_COMMON_Q_NOFF:
        return qok ? q->notify_off : 0;
    }
    m->bad_accesses++;
    return 0;
}

static void set64(uint64_t *f, uint32_t off_in_field, uint32_t v)
{
    if (off_in_field == 0)
        *f = (*f & ~0xffffffffull) | v;
    else
        *f = (*f & 0xffffffffull) | (uint64_t)v << 32;
}

static void common_write(struct pci_model *m, uint32_t off, uint32_t v)
{
    typeof(m->q[0]) *q = &m->q[m->queue_sel < 4 ? m->queue_sel : 0];
    switch (off) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        m->dfsel = v;
        return;
    case VIRTIO_PCI_COMMON_GFSELECT:
        m->gfsel = v;
        return;
    case VIRTIO_PCI_COMMON_GF:
        if (m->gfsel < 2)
            set64(&m->driver_features, m->gfsel * 4, v);
        return;
    case VIRTIO_PCI_COMMON_STATUS:
        m->status = (uint8_t)v;
        if (v == 0)
            memset(m->q, 0, sizeof(m->q));
        for (unsigned i = 0; v == 0 && i < 4; i++)
            m->q[i].notify_off = (uint16_t)i;
        return;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        m->queue_sel = (uint16_t)v;
        return;
    case VIRTIO_PCI_COMMON_Q_SIZE:
        q->size = (uint16_t)v;
        return;
    case VIRTIO_PCI_COMMON_Q_MSIX:
        q->msix = (uint16_t)v;
        return;
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        q->enable = (uint16_t)v;
        return;
    }
    if (off >= VIRTIO_PCI_COMMON_Q_DESCLO && off < VIRTIO_PCI_COMMON_CFG_SIZE) {
        uint32_t rel = off - VIRTIO_PCI_COMMON_Q_DESCLO;
        uint64_t *f = rel < 8 ? &q->desc : rel < 16 ? &q->driver : &q->device;
        set64(f, rel % 8, v);
        return;
    }
    m->bad_accesses++;
}

static uint32_t bar_read(void *ctx, uint32_t off, unsigned size)
{
    struct pci_model *m = ctx;
    if (off < PCI_MODEL_ISR)
        return common_read(m, off - PCI_MODEL_COMMON);
    if (off < PCI_MODEL_DEVICE) {
        uint8_t isr = m->isr;
        m->isr = 0;
        return isr;
    }
    if (off < PCI_MODEL_NOTIFY) {
        uint32_t at = off - PCI_MODEL_DEVICE, v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint32_t)(at + i < sizeof(m->device_cfg) ? m->device_cfg[at + i] : 0) << (8 * i);
        return v;
    }
    m->bad_accesses++;
    return 0;
}

static void bar_write(void *ctx, uint32_t off, unsigned size, uint32_t v)
{
    struct pci_model *m = ctx;
    if (off >= PCI_MODEL_BAR_SIZE) {
        m->bad_accesses++;
        return;
    }
    if (off < PCI_MODEL_ISR) {
        common_write(m, off - PCI_MODEL_COMMON, v);
        return;
    }
    if (off >= PCI_MODEL_NOTIFY && size == 2) {
        m->last_notify_offset = off - PCI_MODEL_NOTIFY;
        if (v < 4)
            m->notifies[v]++;
        return;
    }
    m->bad_accesses++;
}

void pci_model_bars(struct pci_model *m, struct vpci_bar bars[6])
{
    memset(bars, 0, 6 * sizeof(*bars));
    bars[PCI_MODEL_BAR] = (struct vpci_bar){
        .regs = {.read = bar_read, .write = bar_write, .ctx = m}, .size = PCI_MODEL_BAR_SIZE};
}
