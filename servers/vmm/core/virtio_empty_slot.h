/* An empty virtio-mmio slot, as QEMU shows the transports that have no device behind them. */
#pragma once

#include "core/vmm.h"
#include <stdint.h>

/* Puts an empty slot's window (0x200 bytes) on the bus at base: MagicValue "virt", Version 2,
 * DeviceID 0 and every other register 0; writes are ignored. Linux's virtio_mmio driver probes
 * such a slot and leaves it quietly (device id 0), where an unclaimed address would be an
 * external abort. HV_OK or vmm_bus_add's error. */
int vmm_virtio_empty_slot_attach(struct vmm *vmm, uint64_t base);
