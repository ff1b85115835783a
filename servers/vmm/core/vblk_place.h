/* Where a partition's server-run devices (its disk, its network port, its keyboard) go on its
 * VMM's bus: the one decision both arches' glue make from the root task's configuration
 * (docs/storage.md, "The VMM side"; docs/network.md; docs/trusted-path.md). */
#pragma once

#include "core/vblk.h"
#include "core/vmm_boot.h"
#include "core/vinput.h"
#include "core/vnet.h"
#include <stdbool.h>
#include <stdint.h>

enum vblk_placed {
    VBLK_PLACED_NONE,   /* the partition table gives no such device: the slot stays unclaimed */
    VBLK_PLACED_ABSENT, /* a device, but no server to serve it: the slot stays unclaimed */
    VBLK_PLACED_EMPTY,  /* the same, shown as an empty virtio-mmio slot */
    VBLK_PLACED_DEVICE, /* the virtio device, opened with the server */
};

/* Places a device of the given profile at base: nothing if the partition table gives none
 * (in_table); the device when the root task gave its server (given) and the server answers
 * HV_VDEV_OPEN; else a line in the log and, if empty_slot (a device tree names the slot
 * whatever happens), an empty slot so the guest's probe finds no device instead of an external
 * abort. The guest boots in every case. HV_OK (what was done in *placed) or the bus's error. */
int vmm_vdev_place(struct vmm_vdev *vd, struct vmm *vmm, const struct vdev_profile *profile,
                   bool in_table, bool given, uint64_t base, const struct vdev_setup *setup,
                   bool empty_slot, enum vblk_placed *placed);

/* The disk: vmm_vdev_place with the block profile and the boot's disk facts. */
static inline int vmm_vblk_place(struct vmm_vdev *vb, struct vmm *vmm,
                                 const struct vmm_boot *boot, uint64_t base,
                                 const struct vdev_setup *setup, bool empty_slot,
                                 enum vblk_placed *placed)
{
    return vmm_vdev_place(vb, vmm, &vblk_profile, boot->disk_in_table, boot->storage_given, base,
                          setup, empty_slot, placed);
}

/* The network port: the same with the network profile and the boot's port facts. */
static inline int vmm_vnet_place(struct vmm_vdev *vn, struct vmm *vmm,
                                 const struct vmm_boot *boot, uint64_t base,
                                 const struct vdev_setup *setup, bool empty_slot,
                                 enum vblk_placed *placed)
{
    return vmm_vdev_place(vn, vmm, &vnet_profile, boot->net_in_table, boot->radio_given, base,
                          setup, empty_slot, placed);
}

/* The keyboard: the same with the virtio-input profile and the boot's keyboard facts. */
static inline int vmm_vinput_place(struct vmm_vdev *vi, struct vmm *vmm,
                                   const struct vmm_boot *boot, uint64_t base,
                                   const struct vdev_setup *setup, bool empty_slot,
                                   enum vblk_placed *placed)
{
    return vmm_vdev_place(vi, vmm, &vinput_profile, boot->kbd_in_table, boot->keyboard_given,
                          base, setup, empty_slot, placed);
}
