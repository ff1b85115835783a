/* The root task: the first program at EL0 / ring 3, holding every capability the kernel did not
 * keep. It builds the system of the boot image's partition table (partition.c), whose VMMs a
 * thread of the root per partition serves for as long as the system runs; this first thread
 * then has nothing left to do and stops (returning from hv_main suspends it). */
#include "partition.h"
#include <hv/print.h>

void hv_main(uint64_t arg)
{
    const struct hv_bootinfo *info = (const struct hv_bootinfo *)arg;

    hv_print_to_debug(ROOT_DEBUG_CONSOLE);
    hv_printf("root: running unprivileged, argument 0x%lx\n", arg);
    if (info->magic != HV_BOOTINFO_MAGIC) {
        hv_printf("root: no boot information at 0x%lx\n", arg);
        return;
    }
    root_alloc_init(info);
    root_loader_init(info);
    root_run_partitions(info);
}
