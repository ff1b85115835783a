/* The host tests' stand-ins for servers/vmm/vmm_storage.c, vmm_radio.c and vmm_keyboard.c
 * (fake_storage.c):
 * what the arch glue placed, and the fake servers behind them. */
#pragma once

#include "core/vblk_place.h"
#include "vblk_fake.h"
#include "vmm_keyboard.h"
#include "vmm_radio.h"
#include "vmm_storage.h"
#include <hv/virtio/virtio_spec.h>

extern struct vblk_fake fake_storage_server;
extern struct vmm_vdev fake_storage_vblk;
extern enum vblk_placed fake_storage_placed;
extern struct vblk_fake fake_radio_server;
extern struct vmm_vdev fake_radio_vnet;
extern enum vblk_placed fake_radio_placed;
extern struct vblk_fake fake_keyboard_server;
extern struct vmm_vdev fake_keyboard_vinput;
extern enum vblk_placed fake_keyboard_placed;
