/* libFuzzer target: the virtio driver side against a hostile device. Register reads come from
 * a device model or, when the input says so, are made up; the device writes whatever it likes
 * into the used ring. The driver must turn every lie into an error value: no access outside
 * the register window, the BARs or the DMA block (ASan sees the block's exact size), no token
 * handed back twice or never sent, no used length beyond its buffer, no descriptor lost. */
#include "dev_model.h"
#include "fuzz_input.h"
#include "pci_model.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vmmio_driver.h>
#include <hv/virtio/vpci_driver.h>
#include <stdlib.h>
#include <string.h>

#define MAX_Q 64
#define WINDOW 0x200u

struct hostile {
    struct fuzz_input in;
    struct mmio_model mmio;
    struct pci_model pci;
    uint32_t (*model_read)(void *ctx, uint32_t off, unsigned size);
    void (*model_write)(void *ctx, uint32_t off, unsigned size, uint32_t v);
    void *model_ctx;
    uint64_t limit; /* bytes of the window accesses must stay in */
};

static void check_access(const struct hostile *h, uint32_t off, unsigned size)
{
    if (size != 1 && size != 2 && size != 4)
        abort();
    if ((uint64_t)off + size > h->limit)
        abort(); /* the driver reached outside the window it was given */
}

/* One in 8 reads (as the input decides) is a lie. */
static uint32_t hostile_read(void *ctx, uint32_t off, unsigned size)
{
    struct hostile *h = ctx;
    check_access(h, off, size);
    if ((in_u8(&h->in) & 7) == 0)
        return in_u32(&h->in);
    return h->model_read(h->model_ctx, off, size);
}

static void hostile_write(void *ctx, uint32_t off, unsigned size, uint32_t v)
{
    struct hostile *h = ctx;
    check_access(h, off, size);
    h->model_write(h->model_ctx, off, size, v);
}

static struct hostile cfg_h; /* PCI config space accesses */

static uint32_t cfg_read_model(void *ctx, uint32_t off, unsigned size)
{
    struct pci_model *m = ctx;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)m->cfg[off + i] << (8 * i);
    return v;
}

static void cfg_write_model(void *ctx, uint32_t off, unsigned size, uint32_t v)
{
    struct pci_model *m = ctx;
    for (unsigned i = 0; i < size; i++)
        m->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

/* The harness's own record of what the driver handed to the device. */
struct shadow {
    bool inflight[MAX_Q];
    uint32_t writable[MAX_Q];
    uint16_t descs[MAX_Q];
    unsigned count;
};

static void check_counts(const struct vqd *vq, const struct shadow *s)
{
    unsigned used = 0;
    for (unsigned i = 0; i < MAX_Q; i++)
        used += s->inflight[i] ? s->descs[i] : 0;
    if (vq->num_free + used != vq->size || vq->inflight != s->count)
        abort(); /* a descriptor was lost or counted twice */
}

static struct shadow *drain_shadow;
static void drained(void *ctx, void *token)
{
    (void)ctx;
    uintptr_t t = (uintptr_t)token;
    if (t >= MAX_Q || !drain_shadow->inflight[t])
        abort();
    drain_shadow->inflight[t] = false;
    drain_shadow->count--;
}

static void op_add(struct hostile *h, struct vqd *vq, struct shadow *s,
                   const struct virtio_dma *dma)
{
    unsigned out = in_u8(&h->in) % 4, in = in_u8(&h->in) % 4;
    struct vqd_buf b[8];
    uint64_t writable = 0;
    for (unsigned i = 0; i < out + in; i++) {
        b[i].pa = dma->pa + (in_u16(&h->in) % dma->size);
        b[i].len = 1 + in_u16(&h->in) % 512;
        if (i >= out)
            writable += b[i].len;
    }
    unsigned t = 0;
    while (t < MAX_Q && s->inflight[t])
        t++;
    if (t == MAX_Q)
        return;
    enum vqd_result r = vqd_add(vq, b, out, in, (void *)(uintptr_t)t);
    if (r == VQD_OK) {
        s->inflight[t] = true;
        s->writable[t] = (uint32_t)writable;
        s->descs[t] = (uint16_t)(out + in);
        s->count++;
    } else if (r != VQD_NO_SPACE && r != VQD_BAD_ARG && r != VQD_BROKEN) {
        abort();
    }
    if (r == VQD_BAD_ARG && out + in != 0 && out + in <= vq->size)
        abort(); /* only an empty request or one longer than the queue is a bad argument */
}

/* The device writes a used element and an idx of its choosing. */
static void op_device(struct hostile *h, struct vqd *vq)
{
    uint16_t slot = in_u16(&h->in);
    uint8_t *e = vq->used + 4 + 8u * (slot & (vq->size - 1u));
    hv_put_le32(e, in_u8(&h->in) & 1 ? in_u8(&h->in) % (vq->size + 2u) : in_u32(&h->in));
    hv_put_le32(e + 4, in_u16(&h->in));
    hv_put_le16(vq->used + 2, (uint16_t)(vq->last_used + in_u8(&h->in) % 4));
    hv_put_le16(vq->used, in_u8(&h->in) & 1);
    hv_put_le16(vq->used + 4 + 8u * vq->size, in_u16(&h->in)); /* avail_event */
}

static void op_get(struct vqd *vq, struct shadow *s)
{
    void *tok;
    uint32_t len;
    enum vqd_result r = vqd_get_used(vq, &tok, &len);
    if (r == VQD_OK) {
        uintptr_t t = (uintptr_t)tok;
        if (t >= MAX_Q || !s->inflight[t] || len > s->writable[t])
            abort();
        s->inflight[t] = false;
        s->count--;
    } else if (r >= 0 && r != VQD_EMPTY) {
        abort();
    }
}

static void run_queue(struct hostile *h, struct virtio_transport *t, struct vqd *vq,
                      struct vqd_slot *slots, const struct virtio_dma *dma)
{
    struct shadow s = {0};
    for (unsigned step = 0; step < 200 && !in_done(&h->in); step++) {
        switch (in_u8(&h->in) % 8) {
        case 0:
        case 1:
            op_add(h, vq, &s, dma);
            break;
        case 2:
            if (vqd_kick_needed(vq))
                t->ops->notify(t, 0);
            break;
        case 3:
        case 4:
            op_device(h, vq);
            break;
        case 5:
            op_get(vq, &s);
            break;
        case 6:
            (void)vqd_arm(vq);
            (void)t->ops->interrupt_ack(t);
            break;
        case 7: {
            /* Reset after a device error (or at will): every token comes back exactly once. */
            drain_shadow = &s;
            vqd_drain(vq, drained, NULL);
            if (s.count != 0)
                abort();
            struct vqd_layout l;
            if (!vqd_layout(vq->size, t->used_align, &l) ||
                vqd_init(vq, vq->size, dma, &l, slots, vq->event_idx) != VQD_OK)
                abort();
            break;
        }
        }
        if (!vq->broken)
            check_counts(vq, &s);
    }
}

static void config_reads(struct hostile *h, struct virtio_transport *t)
{
    uint8_t buf[64];
    for (unsigned i = in_u8(&h->in) % 4; i > 0; i--) {
        uint32_t off = in_u8(&h->in) & 1 ? in_u32(&h->in) : in_u8(&h->in);
        uint32_t len = in_u8(&h->in) % sizeof(buf);
        (void)virtio_drv_config_read(t, off, buf, len);
    }
}

static struct virtio_transport *bring_up_mmio(struct hostile *h, struct vmmio_drv *d)
{
    mmio_model_init(&h->mmio, 1 + in_u8(&h->in) % 2, VIRTIO_ID_BLOCK);
    h->mmio.features = in_u64(&h->in);
    h->mmio.queue_max[0] = in_u16(&h->in);
    h->model_read = mmio_model_read;
    h->model_write = mmio_model_write;
    h->model_ctx = &h->mmio;
    h->limit = WINDOW;
    struct virtio_regs r = {.read = hostile_read, .write = hostile_write, .ctx = h};
    return vmmio_drv_probe(d, &r, WINDOW, 0) == VIRTIO_DRV_OK ? &d->t : NULL;
}

static struct virtio_transport *bring_up_pci(struct hostile *h, struct vpci_drv *d)
{
    pci_model_init(&h->pci);
    h->pci.features = in_u64(&h->in);
    h->pci.num_queues = in_u8(&h->in) % 3;
    h->pci.queue_max = in_u16(&h->in);
    /* Some config-space bytes overwritten: capability lists of every shape. */
    for (unsigned i = in_u8(&h->in) % 16; i > 0; i--)
        h->pci.cfg[in_u8(&h->in)] = in_u8(&h->in);
    cfg_h = (struct hostile){.in = h->in,
                             .model_read = cfg_read_model,
                             .model_write = cfg_write_model,
                             .model_ctx = &h->pci,
                             .limit = PCI_CONFIG_SPACE};
    h->model_read = mmio_model_read; /* replaced below by the BAR's own functions */
    struct vpci_bar model_bars[6], bars[6];
    pci_model_bars(&h->pci, model_bars);
    h->model_read = model_bars[PCI_MODEL_BAR].regs.read;
    h->model_write = model_bars[PCI_MODEL_BAR].regs.write;
    h->model_ctx = &h->pci;
    h->limit = PCI_MODEL_BAR_SIZE;
    memset(bars, 0, sizeof(bars));
    bars[PCI_MODEL_BAR] =
        (struct vpci_bar){.regs = {.read = hostile_read, .write = hostile_write, .ctx = h},
                          .size = PCI_MODEL_BAR_SIZE};
    struct virtio_regs cfg = {.read = hostile_read, .write = hostile_write, .ctx = &cfg_h};
    enum virtio_drv_error e = vpci_drv_probe(d, &cfg, bars, 0);
    h->in = cfg_h.in; /* continue the stream after the config-space reads */
    return e == VIRTIO_DRV_OK ? &d->t : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct hostile h;
    memset(&h, 0, sizeof(h));
    h.in = (struct fuzz_input){.data = data, .size = size};
    struct vmmio_drv md;
    struct vpci_drv pd;
    struct virtio_transport *t = in_u8(&h.in) & 1 ? bring_up_pci(&h, &pd) : bring_up_mmio(&h, &md);
    if (t == NULL)
        return 0;
    if (virtio_drv_negotiate(t, in_u64(&h.in), in_u8(&h.in) & 1 ? 0 : in_u64(&h.in)) !=
        VIRTIO_DRV_OK)
        return 0;
    config_reads(&h, t);
    /* DMA memory: one exact-size heap block, so ASan sees any ring access beyond it. */
    struct vqd_layout l;
    uint16_t want = (uint16_t)(1u << (in_u8(&h.in) % 7));
    if (!vqd_layout(want, t->used_align, &l))
        return 0;
    void *va = aligned_alloc(4096, (l.total + 4095) & ~4095ull);
    struct virtio_dma dma = {.va = va, .pa = 0x40000000ull, .size = l.total};
    struct vqd vq;
    struct vqd_slot slots[MAX_Q];
    if (virtio_drv_queue_setup(t, 0, want, &dma, slots, &vq) == VIRTIO_DRV_OK &&
        virtio_drv_ready(t) == VIRTIO_DRV_OK) {
        if (vq.size > want)
            abort();
        run_queue(&h, t, &vq, slots, &dma);
    }
    free(va);
    return 0;
}
