/* servers/vmm/vmm_storage.h, vmm_radio.h and vmm_keyboard.h for host tests of the arch glue (a64_target.c): the
 * same placement as the target's, with fake servers (vblk_fake.h) instead of system calls. */
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

/* servers/vmm/vmm_radio.c the same way: the fake answering as a radio server would. */
struct vblk_fake fake_radio_server;
struct vmm_vdev fake_radio_vnet;
enum vblk_placed fake_radio_placed;

int vmm_radio_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                     struct vmm_irq_line irq, bool empty_slot)
{
    vblk_fake_free(&fake_radio_server);
    vblk_fake_init(&fake_radio_server);
    fake_radio_server.open_len = HV_NET_OPEN_REPLY_WORDS;
    fake_radio_server.open_reply[0] = HV_NET_VERSION;
    fake_radio_server.open_reply[1] = 0x0a0200005452ull; /* 52:54:00:00:02:0a */
    fake_radio_server.open_reply[2] = VIRTIO_BIT(VIRTIO_NET_F_MAC);
    fake_radio_server.open_reply[3] = 256;
    struct vdev_setup s = vblk_fake_setup(&fake_radio_server);
    s.irq = irq;
    return vmm_vnet_place(&fake_radio_vnet, vmm, boot, base, &s, empty_slot, &fake_radio_placed);
}

void vmm_radio_event(void)
{
    if (fake_radio_placed == VBLK_PLACED_DEVICE)
        vmm_vdev_complete(&fake_radio_vnet);
}

void vmm_radio_stop(void)
{
    if (fake_radio_placed == VBLK_PLACED_DEVICE)
        vmm_vdev_stop(&fake_radio_vnet);
}

/* servers/vmm/vmm_keyboard.c the same way: the fake answering as the keyboard server would. */
struct vblk_fake fake_keyboard_server;
struct vmm_vdev fake_keyboard_vinput;
enum vblk_placed fake_keyboard_placed;

int vmm_keyboard_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                        struct vmm_irq_line irq, bool empty_slot)
{
    vblk_fake_free(&fake_keyboard_server);
    vblk_fake_init(&fake_keyboard_server);
    fake_keyboard_server.open_len = HV_INPUT_OPEN_REPLY_WORDS;
    fake_keyboard_server.open_reply[0] = HV_INPUT_VERSION;
    fake_keyboard_server.open_reply[1] = 0;
    fake_keyboard_server.open_reply[2] = 64;
    struct vdev_setup s = vblk_fake_setup(&fake_keyboard_server);
    s.irq = irq;
    return vmm_vinput_place(&fake_keyboard_vinput, vmm, boot, base, &s, empty_slot,
                            &fake_keyboard_placed);
}

void vmm_keyboard_event(void)
{
    if (fake_keyboard_placed == VBLK_PLACED_DEVICE)
        vmm_vdev_complete(&fake_keyboard_vinput);
}

void vmm_keyboard_stop(void)
{
    if (fake_keyboard_placed == VBLK_PLACED_DEVICE)
        vmm_vdev_stop(&fake_keyboard_vinput);
}
