/* A partition's virtio-net device as its VMM shows it: core/vdev.c's transport with the network
 * device's profile (hv/proto/net.h: what the radio server's OPEN answers, turned into struct
 * virtio_net_config: the partition's MAC from the manifest, link up), run by the radio server
 * (docs/network.md). Two queues, receive and transmit; no offloads. */
#pragma once

#include "core/vdev.h"
#include <hv/proto/net.h>
#include <hv/virtio/virtio_net.h>

extern const struct vdev_profile vnet_profile;

/* Opens the network device with the radio server: vmm_vdev_open with vnet_profile. HV_EFORMAT
 * also for a reply of another version or a MAC that is multicast or all zero. */
int vmm_vnet_open(struct vmm_vdev *vd, struct vmm *vmm, const struct vdev_setup *setup);
