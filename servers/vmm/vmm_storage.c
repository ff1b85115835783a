/* The partition's disk on the real target (vmm_storage.h): the block protocol's calls and
 * doorbell as system calls; everything else is core/vblk.c, which the host tests drive. */
#include "vmm_storage.h"
#include "core/vblk_place.h"
#include <hv/abi/error.h>
#include <hv/fmt.h>
#include <hv/proto/partition.h>
#include <hv/sys.h>

static struct vmm_vdev vblk;
static bool attached;
static struct virtio_mem_region ram_region;
static struct virtio_mem ram = {.regions = &ram_region, .count = 1};

static int sys_call(void *ctx, uint64_t label, const uint64_t *w, unsigned n, uint64_t *reply,
                    unsigned reply_max, unsigned *reply_len)
{
    (void)ctx;
    struct hv_msg m = {.info = hv_msginfo(label, n)};
    for (unsigned i = 0; i < n && i < HV_MSG_WORDS; i++)
        m.w[i] = w[i];
    int r = hv_call(HV_VMM_SLOT_STORAGE, &m);
    if (r != HV_OK)
        return r;
    unsigned len = hv_msginfo_len(m.info);
    for (unsigned i = 0; i < len && i < reply_max && i < HV_MSG_WORDS; i++)
        reply[i] = m.w[i];
    *reply_len = len;
    return (int)hv_msginfo_label(m.info);
}

static void sys_doorbell(void *ctx)
{
    (void)ctx;
    hv_signal(HV_VMM_SLOT_STORAGE_BELL); /* a refusal is a root-task bug: the kick is lost */
}

static const struct vdev_server_ops sys_ops = {.call = sys_call, .doorbell = sys_doorbell};

int vmm_storage_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                       struct vmm_irq_line irq, bool empty_slot)
{
    ram_region = (struct virtio_mem_region){
        .gpa = boot->ram_gpa, .size = boot->ram_size, .host = (void *)HV_VMM_RAM_VA};
    const struct vdev_setup setup = {
        .ops = &sys_ops,
        .irq_bits = &((struct hv_blk_shared *)HV_VMM_BLK_SHARED_VA)->irq,
        .mem = &ram,
        .irq = irq,
    };
    enum vblk_placed placed;
    int r = vmm_vblk_place(&vblk, vmm, boot, base, &setup, empty_slot, &placed);
    attached = r == HV_OK && placed == VBLK_PLACED_DEVICE;
    return r;
}

void vmm_storage_event(void)
{
    if (attached)
        vmm_vdev_complete(&vblk);
}

void vmm_storage_stop(void)
{
    if (attached && !vmm_vdev_stop(&vblk))
        vmm_logf(vblk.vmm, "disk: the storage server did not confirm the stop");
}

void vmm_storage_format_stats(char *buf, unsigned size)
{
    if (!size)
        return;
    buf[0] = '\0';
    if (!attached)
        return;
    const struct vdev_stats *s = &vblk.stats;
    fmt_snprintf(buf, size, " blk_kicks=%lu blk_irqs=%lu blk_setups=%lu blk_resets=%lu",
                 (unsigned long)s->kicks, (unsigned long)s->used_irqs,
                 (unsigned long)s->setups, (unsigned long)s->resets);
}
