/* The partition's network port on the real target (vmm_radio.h): the device protocol's calls
 * and doorbell as system calls (vmm_vdev_ipc.c); everything else is core/vdev.c and
 * core/vnet.c, which the host tests drive. */
#include "vmm_radio.h"
#include "core/vblk_place.h"
#include "vmm_vdev_ipc.h"
#include <hv/abi/error.h>
#include <hv/proto/net.h>
#include <hv/proto/partition.h>

static struct vmm_vdev vnet;
static bool attached;
static struct virtio_mem_region ram_region;
static struct virtio_mem ram = {.regions = &ram_region, .count = 1};
static struct vdev_ipc radio_ipc = {HV_VMM_SLOT_RADIO, HV_VMM_SLOT_RADIO_BELL};

int vmm_radio_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                     struct vmm_irq_line irq, bool empty_slot)
{
    ram_region = (struct virtio_mem_region){
        .gpa = boot->ram_gpa, .size = boot->ram_size, .host = (void *)HV_VMM_RAM_VA};
    const struct vdev_setup setup = {
        .ops = &vdev_ipc_ops,
        .ctx = &radio_ipc,
        .irq_bits = &((struct hv_net_shared *)HV_VMM_NET_SHARED_VA)->irq,
        .mem = &ram,
        .irq = irq,
    };
    enum vblk_placed placed;
    int r = vmm_vnet_place(&vnet, vmm, boot, base, &setup, empty_slot, &placed);
    attached = r == HV_OK && placed == VBLK_PLACED_DEVICE;
    return r;
}

void vmm_radio_event(void)
{
    if (attached)
        vmm_vdev_complete(&vnet);
}

void vmm_radio_stop(void)
{
    if (attached && !vmm_vdev_stop(&vnet))
        vmm_logf(vnet.vmm, "network: the radio server did not confirm the stop");
}
