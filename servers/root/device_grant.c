/* Hands a device server its physical device: register pages (uncached, never executable),
 * the interrupt line bound to the server's notification, and DMA memory the server may ask the
 * kernel the bus address of; for a server with partitions as clients, its endpoint and each
 * client's RAM, shared page and VMM notification. The same for every device server
 * (docs/device-servers.md). */
#include "device_grant.h"
#include <hv/abi/error.h>
#include <hv/string.h>
#include <hv/sys.h>

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

int device_grant_endpoint(const struct root_program *p, const struct root_device_clients *out,
                          uint64_t ready, struct server_watch *w)
{
    uint64_t thread = root_new(HV_OBJ_THREAD, 0);
    if (!thread)
        return HV_ENOMEM;
    int r = server_watch_thread(w, p->thread);
    if (!r)
        r = server_watch_thread(w, thread);
    if (!r)
        r = hv_cap_copy(out->ep, p->cnode, HV_DEVICE_SLOT_EP, HV_RIGHT_READ, 0);
    if (!r)
        r = hv_cap_copy(out->ep, p->cnode, HV_DEVICE_SLOT_EP_EVENTS, HV_RIGHT_WRITE,
                        HV_DEVICE_BADGE_EVENTS);
    if (!r)
        r = hv_cap_copy(p->vspace, p->cnode, HV_DEVICE_SLOT_VSPACE, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_cap_copy(thread, p->cnode, HV_DEVICE_SLOT_EVENT_THREAD, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_cap_copy(ready, p->cnode, HV_DEVICE_SLOT_READY, HV_RIGHT_WRITE, 0);
    if (!r)
        r = hv_cap_copy(w->fault_cap, p->cnode, HV_DEVICE_SLOT_FAULT, HV_RIGHT_WRITE, 0);
    return r;
}

int device_grant_client(const struct root_program *p, const struct partition *part, unsigned c,
                        uint64_t vmm_events, uint64_t vmm_event, struct root_device_clients *out)
{
    if (part->rec->ram_size > HV_DEVICE_RAM_MAX)
        return HV_ERANGE;
    uint64_t shared = root_new(HV_OBJ_FRAME, 12), copy = root_slot();
    if (!shared)
        return HV_ENOMEM;
    out->shared[part->index] = shared;
    int r = partition_mem_map_into(part, p->vspace, HV_DEVICE_RAM_VA(c));
    if (!r)
        r = hv_cap_copy(shared, ROOT_CNODE, copy, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_map(copy, p->vspace, HV_DEVICE_SHARED_VA(c), HV_MAP_READ | HV_MAP_WRITE);
    if (!r)
        r = hv_cap_copy(vmm_events, p->cnode, HV_DEVICE_SLOT_VMM_EVENTS + c, HV_RIGHT_WRITE,
                        vmm_event);
    return r;
}

int device_grant_client_bus(const struct hv_bootinfo *info, const struct root_program *p,
                            const struct bus_device *dev, const struct partition *part,
                            unsigned c)
{
    static uint64_t bus[4096 / sizeof(uint64_t)]; /* a page: kept off the stack */
    uint64_t regs = root_device_frame(info, dev->page_pa[0]);
    if (!regs)
        return HV_ENOENT;
    if (part->nblocks > sizeof(bus) / sizeof(bus[0]))
        return HV_ERANGE;
    memset(bus, 0, sizeof(bus));
    /* The kernel says where each frame is only to the holder of a device's registers. */
    for (unsigned i = 0; i < part->nblocks; i++) {
        int r = hv_dma_map(part->first_frame + i, regs, &bus[i]);
        if (r)
            return r;
    }
    return root_page_into(p->vspace, HV_DEVICE_RAM_BUS_VA(c), HV_MAP_READ, bus, sizeof(bus))
               ? HV_OK
               : HV_ENOMEM;
}

int device_grant_worker(const struct root_program *p, unsigned c, uint64_t ntfn,
                        const struct device_worker_layout *w)
{
    int r = hv_cap_copy(ntfn, p->cnode, w->slot_ntfn + c, HV_RIGHT_READ, 0);
    if (!r)
        r = hv_cap_copy(ntfn, p->cnode, w->slot_wake + c, HV_RIGHT_WRITE, w->wake_badge);
    for (unsigned i = 1; !r && i <= w->stack_pages; i++)
        if (!root_page_into(p->vspace, w->stack_top - i * 4096ull, HV_MAP_READ | HV_MAP_WRITE,
                            NULL, 0))
            r = HV_ENOMEM;
    return r;
}

int device_start_worker(const struct root_program *p, const struct partition *part, unsigned c,
                        const struct device_worker_layout *w, struct server_watch *watch)
{
    uint64_t thread = root_new(HV_OBJ_THREAD, 0);
    if (!thread)
        return HV_ENOMEM;
    if (!part->sc)
        return HV_EINVAL;
    int r = server_watch_thread(watch, thread);
    if (!r)
        r = hv_cap_copy(thread, p->cnode, w->slot_thread + c, HV_RIGHT_WRITE, 0);
    if (!r)
        r = hv_thread_configure(thread, p->cnode, p->vspace, watch->fault_cap,
                                part->rec->priority + HV_PT_VMM_PRIO_ABOVE, part->sc, p->entry,
                                w->stack_top);
    return r ? r : hv_thread_resume(thread);
}
