/* Starts the storage server (servers/storage) on the physical disk the bus code finds: the
 * disk's register pages, its interrupt, DMA memory, a cap to log through the console, and
 * the slice each partition is to get (docs/storage.md). */
#include "bus.h"
#include "partition.h"
#include <hv/abi/error.h>
#include <hv/fmt.h>
#include <hv/print.h>
#include <hv/string.h>

/* Its own budget, as the console server's: 20 %; what it does for a partition's requests
 * will run on that partition's. */
#define STORAGE_BUDGET_TICKS 2
#define STORAGE_PERIOD_TICKS 10
/* The DMA frames come out of one untyped of this size, so that they are contiguous. */
#define STORAGE_DMA_UNTYPED_BITS 24

static int give_registers(const struct hv_bootinfo *info, const struct root_program *p,
                          const struct bus_device *dev)
{
    for (unsigned i = 0; i < dev->npages; i++) {
        uint64_t frame = root_device_frame(info, dev->page_pa[i]);
        if (!frame)
            return HV_ENOENT;
        int r = hv_map(frame, p->vspace, HV_STORAGE_REGS_VA + i * 4096ull,
                       HV_MAP_READ | HV_MAP_WRITE | HV_MAP_DEVICE);
        /* The first page also names the device to dma_map: read and write, no grant. */
        if (!r && i == 0)
            r = hv_cap_copy(frame, p->cnode, HV_STORAGE_SLOT_DEVICE,
                            HV_RIGHT_READ | HV_RIGHT_WRITE, 0);
        if (r)
            return r;
    }
    return HV_OK;
}

static int give_irq(const struct root_program *p, const struct bus_device *dev)
{
    uint64_t handler = root_slot(), ntfn = root_new(HV_OBJ_NOTIFICATION, 0);
    if (!ntfn)
        return HV_ENOMEM;
    int r = hv_sys(HV_SYS_IRQ_GET, ROOT_IRQ_CONTROL, dev->irq, ROOT_CNODE, handler, dev->trigger,
                   0);
    if (!r)
        r = hv_sys(HV_SYS_IRQ_BIND, handler, ntfn, 0, 0, 0, 0);
    if (!r)
        r = hv_cap_copy(handler, p->cnode, HV_STORAGE_SLOT_IRQ, HV_RIGHT_WRITE, 0);
    if (!r)
        r = hv_cap_copy(ntfn, p->cnode, HV_STORAGE_SLOT_IRQ_NTFN, HV_RIGHT_READ, 0);
    return r;
}

/* RAM the server's device will read and write: mapped in the server, and the caps with which
 * the server asks the kernel for their bus addresses. */
static int give_dma(const struct root_program *p)
{
    uint64_t ut = root_new_anywhere(HV_OBJ_UNTYPED, STORAGE_DMA_UNTYPED_BITS);
    uint64_t frames = root_slots(HV_STORAGE_DMA_FRAMES);
    if (!ut)
        return HV_ENOMEM;
    int r = hv_retype(ut, HV_OBJ_FRAME, HV_STORAGE_DMA_FRAME_BITS, ROOT_CNODE, frames,
                      HV_STORAGE_DMA_FRAMES);
    for (unsigned i = 0; !r && i < HV_STORAGE_DMA_FRAMES; i++) {
        r = hv_map(frames + i, p->vspace,
                   HV_STORAGE_DMA_VA + ((uint64_t)i << HV_STORAGE_DMA_FRAME_BITS),
                   HV_MAP_READ | HV_MAP_WRITE);
        if (!r)
            r = hv_cap_copy(frames + i, p->cnode, HV_STORAGE_SLOT_DMA + i,
                            HV_RIGHT_READ | HV_RIGHT_WRITE, 0);
    }
    return r;
}

/* Until the partition table carries the manifest's disk choices, partition P gets the GPT
 * partition "duet-P" (what scripts/mkdisk writes), read-write. */
static void fill_slices(struct hv_storage_config *cfg, const char names[][HV_PT_NAME_MAX],
                        unsigned nparts)
{
    for (unsigned i = 0; i < nparts && cfg->nslices < HV_STORAGE_MAX_SLICES; i++) {
        struct hv_storage_slice_spec *s = &cfg->slices[cfg->nslices++];
        fmt_snprintf(s->partition, sizeof(s->partition), "%s", names[i]);
        fmt_snprintf(s->gpt_name, sizeof(s->gpt_name), "duet-%s", names[i]);
        s->by = HV_STORAGE_BY_NAME;
        s->writable = 1;
    }
}

int root_start_storage(const struct hv_bootinfo *info, const char names[][HV_PT_NAME_MAX],
                       unsigned nparts, uint64_t console_ep, unsigned prio)
{
    static struct hv_storage_config cfg; /* a page: kept off the stack */
    struct bus_device dev;
    struct root_program p;
    memset(&cfg, 0, sizeof(cfg));
    cfg.version = HV_STORAGE_CONFIG_VERSION;
    int r = bus_find_virtio_blk(info, &dev, &cfg);
    if (r)
        return r;
    cfg.irq = dev.irq;
    fill_slices(&cfg, names, nparts);
    if ((r = root_load_program("storage", &p)) || (r = give_registers(info, &p, &dev)) ||
        (r = give_irq(&p, &dev)) || (r = give_dma(&p)) ||
        (r = hv_cap_copy(console_ep, p.cnode, HV_STORAGE_SLOT_LOG, HV_RIGHT_WRITE, 0)))
        return r;
    if (!root_page_into(p.vspace, HV_STORAGE_CONFIG_VA, HV_MAP_READ, &cfg, sizeof(cfg)))
        return HV_ENOMEM;
    return root_start_budgeted(&p, prio, STORAGE_BUDGET_TICKS, STORAGE_PERIOD_TICKS);
}
