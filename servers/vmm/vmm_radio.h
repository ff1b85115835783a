/* The partition's network port on the real target: core/vnet.c's device with its server ops
 * made of system calls on the caps and page hv/proto/partition.h names (HV_VMM_SLOT_RADIO,
 * HV_VMM_SLOT_RADIO_BELL, HV_VMM_NET_SHARED_VA). */
#pragma once

#include "core/irq_line.h"
#include "core/vmm.h"
#include "core/vmm_boot.h"
#include <stdint.h>

/* Puts the port's virtio-mmio window at base with its interrupt line (as vmm_storage_attach
 * does for the disk): nothing without a port in the partition table; said once and left out
 * (or an empty slot, if empty_slot) without the radio server. HV_OK or the bus's error. */
int vmm_radio_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                     struct vmm_irq_line irq, bool empty_slot);

/* The radio server signalled (HV_VMM_EVENT_NET): raise what it asks for. */
void vmm_radio_event(void);

/* Before the root task wipes the guest's RAM or the partition stops: the server lets go of
 * the guest's rings. */
void vmm_radio_stop(void);
