/* Placing a partition's disk on the VMM's bus (vblk_place.h). */
#include "core/vblk_place.h"
#include "core/virtio_empty_slot.h"
#include <hv/abi/error.h>

static int no_device(struct vmm *vmm, uint64_t base, bool empty_slot, enum vblk_placed *placed)
{
    *placed = empty_slot ? VBLK_PLACED_EMPTY : VBLK_PLACED_ABSENT;
    return empty_slot ? vmm_virtio_empty_slot_attach(vmm, base) : HV_OK;
}

int vmm_vblk_place(struct vmm_vdev *vb, struct vmm *vmm, const struct vmm_boot *boot,
                   uint64_t base, const struct vdev_setup *setup, bool empty_slot,
                   enum vblk_placed *placed)
{
    *placed = VBLK_PLACED_NONE;
    if (!boot->disk_in_table)
        return HV_OK;
    if (!boot->storage_given) {
        vmm_logf(vmm, "disk: no storage server was given: the disk is absent");
        return no_device(vmm, base, empty_slot, placed);
    }
    int r = vmm_vblk_open(vb, vmm, setup);
    if (r != HV_OK) {
        vmm_logf(vmm, "disk: the storage server did not open it (error %d): the disk is absent",
                 r);
        return no_device(vmm, base, empty_slot, placed);
    }
    r = vmm_vdev_attach(vb, base);
    if (r == HV_OK)
        *placed = VBLK_PLACED_DEVICE;
    return r;
}
