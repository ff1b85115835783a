/* The partition's keyboard on the real target (vmm_keyboard.h): the device protocol's calls
 * and doorbell as system calls (vmm_vdev_ipc.c); everything else is core/vdev.c and
 * core/vinput.c, which the host tests drive. */
#include "vmm_keyboard.h"
#include "core/vblk_place.h"
#include "vmm_vdev_ipc.h"
#include <hv/abi/error.h>
#include <hv/proto/input.h>
#include <hv/proto/partition.h>

static struct vmm_vdev vinput;
static bool attached;
static struct virtio_mem_region ram_region;
static struct virtio_mem ram = {.regions = &ram_region, .count = 1};
static struct vdev_ipc keyboard_ipc = {HV_VMM_SLOT_KEYBOARD, HV_VMM_SLOT_KEYBOARD_BELL};

int vmm_keyboard_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                        struct vmm_irq_line irq, bool empty_slot)
{
    ram_region = (struct virtio_mem_region){
        .gpa = boot->ram_gpa, .size = boot->ram_size, .host = (void *)HV_VMM_RAM_VA};
    const struct vdev_setup setup = {
        .ops = &vdev_ipc_ops,
        .ctx = &keyboard_ipc,
        .irq_bits = &((struct hv_input_shared *)HV_VMM_KBD_SHARED_VA)->irq,
        .mem = &ram,
        .irq = irq,
    };
    enum vblk_placed placed;
    int r = vmm_vinput_place(&vinput, vmm, boot, base, &setup, empty_slot, &placed);
    attached = r == HV_OK && placed == VBLK_PLACED_DEVICE;
    if (attached)
        vdev_ipc_route_doorbell(&keyboard_ipc, VDEV_BELL_KEYBOARD, base, boot->ncpus);
    return r;
}

void vmm_keyboard_event(void)
{
    if (attached)
        vmm_vdev_complete(&vinput);
}

void vmm_keyboard_stop(void)
{
    if (attached && !vmm_vdev_stop(&vinput))
        vmm_logf(vinput.vmm, "keyboard: the keyboard server did not confirm the stop");
}
