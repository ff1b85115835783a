/* The host tests' stand-in for servers/vmm/vmm_storage.c (fake_storage.c): what the arch glue
 * placed, and the fake server behind it. */
#pragma once

#include "core/vblk_place.h"
#include "vblk_fake.h"
#include "vmm_storage.h"

extern struct vblk_fake fake_storage_server;
extern struct vmm_vdev fake_storage_vblk;
extern enum vblk_placed fake_storage_placed;
