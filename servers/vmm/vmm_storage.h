/* The partition's disk on the real target: core/vblk.c's transport with its server ops made of
 * system calls on the caps and page hv/proto/partition.h names (HV_VMM_SLOT_STORAGE,
 * HV_VMM_SLOT_STORAGE_BELL, HV_VMM_BLK_SHARED_VA). */
#pragma once

#include "core/irq_line.h"
#include "core/vmm.h"
#include "core/vmm_boot.h"
#include <stdint.h>

/* Puts the disk's virtio-mmio window at base with its interrupt line, called by the arch's
 * vmm_target_create after the platform is built. Without a disk in the partition table:
 * nothing. With one but without the storage server (HV_VMM_DEV_BLK not given, or the server
 * refusing HV_VDEV_OPEN): said once in the log, and the guest boots without the disk; the slot
 * is left unclaimed, or is an empty slot if empty_slot (AArch64, whose device tree names the
 * slot from the partition table alone). HV_OK or the bus's error. */
int vmm_storage_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                       struct vmm_irq_line irq, bool empty_slot);

/* The storage server signalled (HV_VMM_EVENT_BLK): raise what it asks for. */
void vmm_storage_event(void);

/* Before the root task wipes the guest's RAM (a reset) or the partition stops: the server lets
 * go of the guest's rings. */
void vmm_storage_stop(void);

/* "kicks=N ..." for the VMM-STATS line (empty without a disk). */
void vmm_storage_format_stats(char *buf, unsigned size);
