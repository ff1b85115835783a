/* Descriptor formats of AArch64 translation tables (4 KiB granule, 48-bit VAs). */
#pragma once

#include <kernel/pagetable.h>

/* Stage 1 of the EL2&0 regime (VHE): the kernel's tables (TTBR1_EL2) and tasks' (TTBR0_EL2). */
extern const struct pt_format aarch64_stage1_format;
/* Stage 2 of the EL1&0 regime: guest-physical (IPA) to physical, tagged by a VMID. */
extern const struct pt_format aarch64_stage2_format;
