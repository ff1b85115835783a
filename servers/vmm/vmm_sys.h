/* The VMM's environment on the real target: struct vmm_ops implemented with system calls
 * and the pages of hv/proto/partition.h, and the console input thread. */
#pragma once

#include "core/vmm.h"

extern const struct vmm_ops vmm_sys_ops;

/* What the guest asked for through ops->power since the last call (-1: nothing). */
int vmm_sys_take_power_request(void);

/* Starts the thread that turns console-input notifications into calls on the VMM's own
 * endpoint (badge HV_VMM_BADGE_INPUT), at priority prio. HV_OK or the syscall's error. */
int vmm_sys_start_input_thread(unsigned prio);
