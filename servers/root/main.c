/* The root task: the first program at EL0 / ring 3, holding every capability the kernel did not
 * keep. Today it proves it runs unprivileged and runs the kernel-core tests on request
 * (duet.test=core); it will read the system manifest and start everything else. */
#include "root.h"
#include <hv/cmdline.h>
#include <hv/print.h>

__attribute__((weak)) unsigned vcpu_tests_run(const struct hv_bootinfo *info)
{
    hv_printf("SKIP: VCPU-0: no vcpu tests on this arch yet\n"
              "SUMMARY: 1 tests, 0 unexpected failures\n");
    return 0;
}

/* The exit benchmark exists where vcpu_test_<arch>.c defines it. */
__attribute__((weak)) void vcpu_bench_run(void)
{
    hv_printf("BENCH: no exit benchmark on this arch\nBENCH-DONE\n");
}

void hv_main(uint64_t arg)
{
    const struct hv_bootinfo *info = (const struct hv_bootinfo *)arg;

    hv_printf("root: running unprivileged, argument 0x%lx\n", arg);
    if (info->magic != HV_BOOTINFO_MAGIC) {
        hv_printf("root: no boot information at 0x%lx\n", arg);
        return;
    }
    root_alloc_init(info);
    root_loader_init(info);
    if (cmdline_has(info->cmdline, "duet.bench=ipc"))
        bench_ipc_run();
    if (cmdline_has(info->cmdline, "duet.test=console"))
        console_test_run(info);
    if (cmdline_has(info->cmdline, "duet.test=vcpu"))
        hv_printf("root: vcpu tests done, %u failure(s)\n", vcpu_tests_run(info));
    if (cmdline_has(info->cmdline, "duet.bench=exit"))
        vcpu_bench_run();
    if (cmdline_has(info->cmdline, "duet.test=core")) {
        unsigned failures = core_tests_run(info);
        hv_printf("root: core tests done, %u failure(s)\n", failures);
    }
    root_run_partitions(info);
}
