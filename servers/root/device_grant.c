/* Hands a device server its physical device: register pages (uncached, never executable),
 * the interrupt line bound to the server's notification, and DMA memory the server may ask the
 * kernel the bus address of. The same for every device server (docs/device-servers.md). */
#include "device_grant.h"
#include <hv/abi/error.h>

static int give_registers(const struct hv_bootinfo *info, const struct root_program *p,
                          const struct bus_device *dev)
{
    for (unsigned i = 0; i < dev->npages; i++) {
        uint64_t frame = root_device_frame(info, dev->page_pa[i]);
        if (!frame)
            return HV_ENOENT;
        int r = hv_map(frame, p->vspace, HV_DEVICE_REGS_VA + i * 4096ull,
                       HV_MAP_READ | HV_MAP_WRITE | HV_MAP_DEVICE);
        /* The first page also names the device to dma_map: read and write, no grant. */
        if (!r && i == 0)
            r = hv_cap_copy(frame, p->cnode, HV_DEVICE_SLOT_DEVICE,
                            HV_RIGHT_READ | HV_RIGHT_WRITE, 0);
        if (r)
            return r;
    }
    return HV_OK;
}

/* The line signals bit HV_DEVICE_BIT_IRQ of ntfn, which the server may share with its
 * clients' doorbells (the bits below). */
static int give_irq(const struct root_program *p, const struct bus_device *dev, uint64_t ntfn)
{
    uint64_t handler = root_slot(), badged = root_slot();
    int r = hv_sys(HV_SYS_IRQ_GET, ROOT_IRQ_CONTROL, dev->irq, ROOT_CNODE, handler, dev->trigger,
                   0);
    if (!r)
        r = hv_cap_copy(ntfn, ROOT_CNODE, badged, HV_RIGHT_WRITE, HV_DEVICE_BIT_IRQ);
    if (!r)
        r = hv_sys(HV_SYS_IRQ_BIND, handler, badged, 0, 0, 0, 0);
    if (!r)
        r = hv_cap_copy(handler, p->cnode, HV_DEVICE_SLOT_IRQ, HV_RIGHT_WRITE, 0);
    if (!r)
        r = hv_cap_copy(ntfn, p->cnode, HV_DEVICE_SLOT_IRQ_NTFN, HV_RIGHT_READ, 0);
    return r;
}

/* n frames of 2 MiB out of one untyped, so that they are contiguous in physical memory. */
static int give_dma(const struct root_program *p, unsigned n)
{
    unsigned bits = HV_DEVICE_DMA_FRAME_BITS;
    while ((1ull << (bits - HV_DEVICE_DMA_FRAME_BITS)) < n)
        bits++;
    uint64_t ut = root_new_anywhere(HV_OBJ_UNTYPED, bits);
    uint64_t frames = root_slots(n);
    if (!ut || !frames)
        return HV_ENOMEM;
    int r = hv_retype(ut, HV_OBJ_FRAME, HV_DEVICE_DMA_FRAME_BITS, ROOT_CNODE, frames, n);
    for (unsigned i = 0; !r && i < n; i++) {
        r = hv_map(frames + i, p->vspace,
                   HV_DEVICE_DMA_VA + ((uint64_t)i << HV_DEVICE_DMA_FRAME_BITS),
                   HV_MAP_READ | HV_MAP_WRITE);
        if (!r)
            r = hv_cap_copy(frames + i, p->cnode, HV_DEVICE_SLOT_DMA + i,
                            HV_RIGHT_READ | HV_RIGHT_WRITE, 0);
    }
    return r;
}

int device_grant(const struct hv_bootinfo *info, const struct root_program *p,
                 const struct bus_device *dev, uint64_t ntfn, unsigned dma_frames,
                 struct hv_device_info *out)
{
    if (dma_frames == 0 || dma_frames > HV_DEVICE_DMA_MAX_FRAMES)
        return HV_EINVAL;
    int r = give_registers(info, p, dev);
    if (!r)
        r = give_irq(p, dev, ntfn);
    if (!r)
        r = give_dma(p, dma_frames);
    if (!r)
        out->dma_frames = dma_frames;
    return r;
}
