/* Starting the root task: carving boot memory, loading its ELF from the boot archive. */
#pragma once

#include <kernel/boot_info.h>

/* Builds the root task out of the RAM above the kernel and makes it ready to run; the arch
 * then enters it. Errors are reported on the console. */
int root_task_create(const struct boot_info *bi);
