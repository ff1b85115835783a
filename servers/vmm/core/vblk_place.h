/* Where a partition's disk goes on its VMM's bus: the one decision both arches' glue make from
 * the root task's configuration (docs/storage.md, "The VMM side"). */
#pragma once

#include "core/vblk.h"
#include "core/vmm_boot.h"
#include <stdbool.h>
#include <stdint.h>

enum vblk_placed {
    VBLK_PLACED_NONE,   /* the partition table gives no disk: the slot stays unclaimed */
    VBLK_PLACED_ABSENT, /* a disk, but no storage server to serve it: the slot stays unclaimed */
    VBLK_PLACED_EMPTY,  /* the same, shown as an empty virtio-mmio slot */
    VBLK_PLACED_DEVICE, /* the virtio-blk device, opened with the server */
};

/* Places the disk at base: nothing without a disk in the partition table; the device when the
 * root task gave the storage server (boot->storage_given) and it answers HV_VDEV_OPEN; else a
 * line in the log and, if empty_slot (a device tree names the slot whatever happens), an empty
 * slot so the guest's probe finds no device instead of an external abort. The guest boots in
 * every case. HV_OK (what was done in *placed) or the bus's error. */
int vmm_vblk_place(struct vmm_vdev *vb, struct vmm *vmm, const struct vmm_boot *boot,
                   uint64_t base, const struct vdev_setup *setup, bool empty_slot,
                   enum vblk_placed *placed);
