/* The device protocol's calls and doorbell (hv/proto/vdev.h) as system calls on a server's two
 * caps in the VMM's cnode: what the target's disk and network glue hand core/vdev.c. */
#pragma once

#include "core/vdev.h"

/* The server's endpoint and doorbell slots (HV_VMM_SLOT_STORAGE/_BELL, _RADIO/_BELL). */
struct vdev_ipc {
    uint64_t ep, bell;
};

extern const struct vdev_server_ops vdev_ipc_ops; /* ctx: a struct vdev_ipc */
