/* The device protocol's calls and doorbell (hv/proto/vdev.h) as system calls on a server's two
 * caps in the VMM's cnode: what the target's disk and network glue hand core/vdev.c. */
#pragma once

#include "core/vdev.h"

/* The server's endpoint and doorbell slots (HV_VMM_SLOT_STORAGE/_BELL, _RADIO/_BELL). */
struct vdev_ipc {
    uint64_t ep, bell;
};

extern const struct vdev_server_ops vdev_ipc_ops; /* ctx: a struct vdev_ipc */

/* Doorbell indexes of the vcpus (HV_SYS_VCPU_DOORBELL), one per server-run device. */
enum { VDEV_BELL_STORAGE, VDEV_BELL_RADIO, VDEV_BELL_KEYBOARD };

/* The guest's QueueNotify stores to the device at base go straight to the server: each of
 * ncpus vcpus rings the server's doorbell cap itself, with no exit to this VMM (hv/abi/vcpu.h,
 * docs/vcpu.md "Doorbells"). False where the kernel can't (x86_64: HV_ENOSYS), and the stores
 * keep reaching the VMM, which rings the same doorbell. */
bool vdev_ipc_route_doorbell(const struct vdev_ipc *s, unsigned index, uint64_t base,
                             unsigned ncpus);
