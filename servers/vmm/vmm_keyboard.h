/* The partition's keyboard on the real target: core/vinput.c's device with its server ops made
 * of system calls on the caps and page hv/proto/partition.h names (HV_VMM_SLOT_KEYBOARD,
 * HV_VMM_SLOT_KEYBOARD_BELL, HV_VMM_KBD_SHARED_VA). */
#pragma once

#include "core/irq_line.h"
#include "core/vmm.h"
#include "core/vmm_boot.h"
#include <stdbool.h>
#include <stdint.h>

/* Puts the keyboard's virtio-mmio window at base with its interrupt line (as vmm_radio_attach
 * does for the network port): nothing without HV_PT_UI_KEYBOARD in the partition table; said
 * once and left out (or an empty slot, if empty_slot) without the keyboard server. HV_OK or
 * the bus's error. */
int vmm_keyboard_attach(struct vmm *vmm, const struct vmm_boot *boot, uint64_t base,
                        struct vmm_irq_line irq, bool empty_slot);

/* The keyboard server signalled (HV_VMM_EVENT_KBD): raise what it asks for. */
void vmm_keyboard_event(void);

/* Before the root task wipes the guest's RAM or the partition stops: the server lets go of
 * the guest's rings. */
void vmm_keyboard_stop(void);
