/* servers/vmm/vmm_storage.h for host tests of the arch glue (a64_target.c): the same placement
 * as the target's, with the fake storage server of vblk_fake.h instead of system calls. */
#include "fake_storage.h"
#include <hv/abi/error.h>

struct vblk_fake fake_storage_server;
struct vmm_vdev fake_storage_vblk;
enum vblk_placed fake_storage_placed;

int vmm_storage_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                       struct vmm_irq_line irq, bool empty_slot)
{
    vblk_fake_free(&fake_storage_server);
    vblk_fake_init(&fake_storage_server);
    struct vdev_setup s = vblk_fake_setup(&fake_storage_server);
    s.irq = irq;
    return vmm_vblk_place(&fake_storage_vblk, vmm, boot, base, &s, empty_slot,
                          &fake_storage_placed);
}

void vmm_storage_event(void)
{
    if (fake_storage_placed == VBLK_PLACED_DEVICE)
        vmm_vdev_complete(&fake_storage_vblk);
}

void vmm_storage_stop(void)
{
    if (fake_storage_placed == VBLK_PLACED_DEVICE)
        vmm_vdev_stop(&fake_storage_vblk);
}

void vmm_storage_format_stats(char *buf, unsigned size)
{
    if (size)
        buf[0] = '\0';
}
