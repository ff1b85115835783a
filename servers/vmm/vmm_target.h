/* What the VMM's target program (main.c) needs from its arch's platform: the arch it serves,
 * vcpu 0's boot registers, the platform itself and its exit handler. aarch64/a64_target.c and
 * x86_64/x86_target.c implement it (docs/vmm.md, "Adding a platform"). */
#pragma once

#include "core/vmm.h"
#include "core/vmm_boot.h"
#include <stdint.h>

/* The partition-table arch this build serves (HV_PT_ARCH_*). */
extern const uint32_t vmm_target_arch;

/* Adds vcpu 0's power-on registers to boot (after vmm_boot_read): HV_OK or an hv_error. */
int vmm_target_boot_regs(const struct hv_pt_partition *part, struct vmm_boot *boot);

/* Sets up (or, called again, resets) the platform for the partition and returns its VMM;
 * NULL on a configuration it can't build. */
struct vmm *vmm_target_create(const struct vmm_ops *ops, void *ctx, const struct vmm_boot *boot);

/* One exit of vcpu cpu (the six words of the fault message) to a reply. */
enum vmm_exit_action vmm_target_exit(struct vmm *vmm, unsigned cpu,
                                       const uint64_t w[HV_VCPU_EXIT_WORDS],
                                       uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len);
