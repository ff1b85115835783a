/* A partition's virtio-blk device as its VMM shows it: core/vdev.c's transport with the block
 * device's profile (hv/proto/block.h: what the storage server's OPEN answers, turned into
 * struct virtio_blk_config), run by the storage server (docs/storage.md). */
#pragma once

#include "core/vdev.h"
#include <hv/proto/block.h>
#include <hv/virtio/virtio_blk.h>

/* The block device's profile: one queue, the features the VMM knows how to show in the
 * configuration space (a server's other device bits are not offered). */
extern const struct vdev_profile vblk_profile;

/* Opens the disk with the storage server: vmm_vdev_open with vblk_profile. HV_EFORMAT also
 * for a reply of another version, or limits of 0 for features offered. */
int vmm_vblk_open(struct vmm_vdev *vd, struct vmm *vmm, const struct vdev_setup *setup);
