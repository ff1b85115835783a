/* Placing a partition's server-run devices on the VMM's bus (vblk_place.h). */
#include "core/vblk_place.h"
#include "core/virtio_empty_slot.h"
#include <hv/abi/error.h>

static int no_device(struct vmm *vmm, uint64_t base, bool empty_slot, enum vblk_placed *placed)
{
    *placed = empty_slot ? VBLK_PLACED_EMPTY : VBLK_PLACED_ABSENT;
    return empty_slot ? vmm_virtio_empty_slot_attach(vmm, base) : HV_OK;
}

int vmm_vdev_place(struct vmm_vdev *vd, struct vmm *vmm, const struct vdev_profile *profile,
                   bool in_table, bool given, uint64_t base, const struct vdev_setup *setup,
                   bool empty_slot, enum vblk_placed *placed)
{
    *placed = VBLK_PLACED_NONE;
    if (!in_table)
        return HV_OK;
    if (!given) {
        vmm_logf(vmm, "%s: no %s was given: the %s is absent", profile->what, profile->server,
                 profile->what);
        return no_device(vmm, base, empty_slot, placed);
    }
    int r = vmm_vdev_open(vd, vmm, profile, setup);
    if (r != HV_OK) {
        vmm_logf(vmm, "%s: the %s did not open it (error %d): the %s is absent", profile->what,
                 profile->server, r, profile->what);
        return no_device(vmm, base, empty_slot, placed);
    }
    r = vmm_vdev_attach(vd, base);
    if (r == HV_OK)
        *placed = VBLK_PLACED_DEVICE;
    return r;
}
