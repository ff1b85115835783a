/* The partition's disk on the real target (vmm_storage.h): the block protocol's calls and
 * doorbell as system calls (vmm_vdev_ipc.c); everything else is core/vdev.c and core/vblk.c,
 * which the host tests drive. */
#include "vmm_storage.h"
#include "vmm_vdev_ipc.h"
#include "core/vblk_place.h"
#include <hv/abi/error.h>
#include <hv/fmt.h>
#include <hv/proto/partition.h>

static struct vmm_vdev vblk;
static bool attached;
static struct virtio_mem_region ram_region;
static struct virtio_mem ram = {.regions = &ram_region, .count = 1};

static struct vdev_ipc storage_ipc = {HV_VMM_SLOT_STORAGE, HV_VMM_SLOT_STORAGE_BELL};

int vmm_storage_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                       struct vmm_irq_line irq, bool empty_slot)
{
    ram_region = (struct virtio_mem_region){
        .gpa = boot->ram_gpa, .size = boot->ram_size, .host = (void *)HV_VMM_RAM_VA};
    const struct vdev_setup setup = {
        .ops = &vdev_ipc_ops,
        .ctx = &storage_ipc,
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
