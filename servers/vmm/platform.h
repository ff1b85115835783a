/* What the VMM's main loop (main.c) needs from the platform of its arch: aarch64/a64_target.c
 * implements it with the GICv3/PL011/PSCI platform; x86_64's platform implements the same
 * three functions (docs/vmm.md, "Adding a platform"). */
#pragma once

#include "core/vmm.h"
#include "vmm_boot.h"
#include <stdint.h>

/* The partition-table arch this build serves (HV_PT_ARCH_*). */
extern const uint32_t vmm_platform_arch;

/* Adds vcpu 0's power-on registers to boot (after vmm_boot_read): HV_OK or an hv_error. */
int vmm_platform_boot_regs(const struct hv_pt_partition *part, struct vmm_boot *boot);

/* Sets up (or, called again, resets) the platform for the partition and returns its VMM;
 * NULL on a configuration it can't build. */
struct vmm *vmm_platform_create(const struct vmm_ops *ops, void *ctx, const struct vmm_boot *boot);

/* One exit of vcpu cpu (the six words of the fault message) to a reply. */
enum vmm_exit_action vmm_platform_exit(struct vmm *vmm, unsigned cpu,
                                       const uint64_t w[HV_VCPU_EXIT_WORDS],
                                       uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len);
