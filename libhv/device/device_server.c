/* Brings a device server's physical device up from what the root task handed it
 * (hv/proto/device.h): register windows as virtio register accessors, the PCI configuration
 * copy, the DMA memory's bus addresses, the interrupt's acknowledgement order, and the serving
 * loop of a server with partitions as clients. */
#include <hv/abi/error.h>
#include <hv/device_server.h>
#include <hv/dma_io.h>
#include <hv/print.h>
#include <hv/string.h>
#include <hv/sys.h>

/* Register accesses order the DMA memory around them, as Linux's readl/writel do: a store
 * to DMA memory is visible before the doorbell write after it (dma_wmb), and a register read
 * (a used index, a status) comes before the reads of DMA memory it announces (dma_rmb). */
static uint32_t window_read(void *ctx, uint32_t off, unsigned size)
{
    const struct device_window *w = ctx;
    if (off > w->size || size > w->size - off)
        return 0xffffffffu; /* what a bus answers where nothing is */
    uint32_t v;
    if (size == 1)
        v = *(volatile uint8_t *)(w->base + off);
    else if (size == 2)
        v = *(volatile uint16_t *)(w->base + off);
    else
        v = *(volatile uint32_t *)(w->base + off);
    dma_rmb();
    return v;
}

static void window_write(void *ctx, uint32_t off, unsigned size, uint32_t v)
{
    const struct device_window *w = ctx;
    if (off > w->size || size > w->size - off)
        return;
    dma_wmb();
    if (size == 1)
        *(volatile uint8_t *)(w->base + off) = (uint8_t)v;
    else if (size == 2)
        *(volatile uint16_t *)(w->base + off) = (uint16_t)v;
    else
        *(volatile uint32_t *)(w->base + off) = v;
}

/* PCI configuration space: the copy the bus owner left in the config page. A write that
 * would change it is refused (and said once): the server has no way to the real one. */
static uint32_t config_read(void *ctx, uint32_t off, unsigned size)
{
    const struct device_server *d = ctx;
    uint32_t v = 0;
    if (off > sizeof(d->pci_config) || size > sizeof(d->pci_config) - off)
        return 0xffffffffu;
    memcpy(&v, d->pci_config + off, size);
    return v;
}

static void config_write(void *ctx, uint32_t off, unsigned size, uint32_t v)
{
    struct device_server *d = ctx;
    if (config_read(ctx, off, size) != v && !d->said_config_write) {
        d->said_config_write = true;
        hv_printf("%s: configuration space is the root task's: write 0x%x at 0x%x refused\n",
                  d->name, v, off);
    }
}

struct virtio_transport *device_server_probe(struct device_server *d, const char *name,
                                             const struct hv_device_info *info,
                                             uint32_t virtio_id, enum virtio_drv_error *e)
{
    memset(d, 0, sizeof(*d));
    d->name = name;
    d->info = info;
    if (info->bus == HV_DEVICE_BUS_MMIO) {
        d->windows[0] = (struct device_window){info->mmio.va, info->mmio.size};
        struct virtio_regs regs = {window_read, window_write, &d->windows[0]};
        *e = vmmio_drv_probe(&d->mmio, &regs, (uint32_t)info->mmio.size, virtio_id);
        return &d->mmio.t;
    }
    struct vpci_bar bars[6];
    memset(bars, 0, sizeof(bars));
    for (unsigned i = 0; i < 6; i++) {
        if (!info->bars[i].va)
            continue;
        d->windows[i + 1] = (struct device_window){info->bars[i].va, info->bars[i].size};
        bars[i] = (struct vpci_bar){{window_read, window_write, &d->windows[i + 1]},
                                    info->bars[i].size};
    }
    memcpy(d->pci_config, info->pci_config, sizeof(d->pci_config));
    struct virtio_regs config = {config_read, config_write, d};
    *e = vpci_drv_probe(&d->pci, &config, bars, virtio_id);
    return &d->pci.t;
}

bool device_server_dma(const struct device_server *d, struct virtio_dma *dma)
{
    uint64_t first = 0, frame_size = 1ull << HV_DEVICE_DMA_FRAME_BITS;
    unsigned n = d->info->dma_frames;
    if (n == 0 || n > HV_DEVICE_DMA_MAX_FRAMES) {
        hv_printf("%s: %u DMA frames granted: none usable\n", d->name, n);
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t bus = 0;
        int r = hv_dma_map(HV_DEVICE_SLOT_DMA + i, HV_DEVICE_SLOT_DEVICE, &bus);
        if (r || (i > 0 && bus != first + i * frame_size)) {
            hv_printf("%s: DMA frame %u refused (error %d, bus address 0x%lx)\n", d->name, i, r,
                      bus);
            return false;
        }
        if (i == 0)
            first = bus;
    }
    *dma = (struct virtio_dma){(void *)HV_DEVICE_DMA_VA, first, (uint64_t)n * frame_size};
    return true;
}

void device_server_ack_irq(struct virtio_transport *t)
{
    (void)t->ops->interrupt_ack(t);
    hv_sys(HV_SYS_IRQ_ACK, HV_DEVICE_SLOT_IRQ, 0, 0, 0, 0, 0);
}

void device_server_wait_irq(struct virtio_transport *t, uint64_t *bits)
{
    hv_wait(HV_DEVICE_SLOT_IRQ_NTFN, bits);
    device_server_ack_irq(t);
}

static uint8_t event_stack[4096] __attribute__((aligned(16)));

static void event_loop(void)
{
    for (;;) {
        uint64_t bits;
        if (hv_wait(HV_DEVICE_SLOT_IRQ_NTFN, &bits) != 0) {
            hv_thread_suspend(HV_DEVICE_SLOT_EVENT_THREAD);
            continue;
        }
        struct hv_msg m = {.info = hv_msginfo(0, 1), .w = {bits}};
        hv_call(HV_DEVICE_SLOT_EP_EVENTS, &m);
    }
}

_Noreturn void device_server_serve(const char *name, unsigned prio, unsigned *nclients,
                                   void (*events)(uint64_t bits),
                                   void (*call)(uint64_t badge, struct hv_msg *m))
{
    int r = hv_thread_configure(HV_DEVICE_SLOT_EVENT_THREAD, HV_SLOT_SELF_CNODE,
                                HV_DEVICE_SLOT_VSPACE, HV_DEVICE_SLOT_FAULT, prio, HV_SC_INHERIT,
                                (uint64_t)(uintptr_t)event_loop,
                                (uint64_t)(uintptr_t)(event_stack + sizeof(event_stack)));
    if (!r)
        r = hv_thread_resume(HV_DEVICE_SLOT_EVENT_THREAD);
    if (r) {
        hv_printf("%s: no event thread (error %d): no partition is served\n", name, r);
        *nclients = 0;
    }
    hv_printf("%s: serving %u partition(s)\n", name, *nclients);
    hv_signal(HV_DEVICE_SLOT_READY);
    struct hv_msg m = {0};
    hv_recv(HV_DEVICE_SLOT_EP, &m);
    for (;;) {
        if (m.badge == HV_DEVICE_BADGE_EVENTS) {
            events(m.w[0]);
            m.info = hv_msginfo(HV_OK, 0);
        } else {
            call(m.badge, &m);
        }
        hv_reply_recv(HV_DEVICE_SLOT_EP, &m);
    }
}

int device_worker_of_stack(unsigned max_clients)
{
    volatile char here;
    uintptr_t sp = (uintptr_t)&here;
    for (unsigned c = 0; c < max_clients; c++) {
        uint64_t top = HV_DEVICE_WORKER_STACK_TOP(c);
        if (sp < top && sp >= top - HV_DEVICE_WORKER_STACK_PAGES * 4096ull)
            return (int)c;
    }
    return -1;
}
