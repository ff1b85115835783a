/* The kernel's own page tables (kernel/kernel_pt.c), built once at boot from the loader's RAM
 * map and never changed afterwards. */
#pragma once

#include <kernel/boot_info.h>
#include <kernel/pagetable.h>

/* Builds the tables (devices, the image by section, RAM in the linear map) and switches the
 * CPU to them (arch_kernel_pt_load); on an error the boot tables stay and it is reported. */
int kernel_pt_init(const struct boot_info *bi);

/* The tables, for the arch: x86_64 copies their upper half into every task's root, and both
 * boot self-tests check that the CPU walks them. */
const struct pt *kernel_pt(void);
