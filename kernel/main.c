/* The arch-independent start of the kernel: boot information, page tables, the tick. */
#include <arch.h>
#include <hv/abi/error.h>
#include <hv/cmdline.h>
#include <kernel/boot_test.h>
#include <kernel/kernel_pt.h>
#include <kernel/printk.h>
#include <kernel/root_task.h>
#include <kernel/string.h>
#include <kernel/tick.h>

#define BANNER_TICKS 5

static struct boot_info boot_info;

_Noreturn void kernel_main(void)
{
    char mode[16] = "";

    printk("Duet: %s kernel starting at %s\n", arch_name(), arch_privilege_name());
    if (arch_boot_info(&boot_info) || kernel_pt_init(&boot_info))
        arch_poweroff(false);
    cmdline_get(boot_info.cmdline, "duet.test", mode, sizeof(mode));

    if (strcmp(mode, "fault") == 0) {
        /* Proves that a kernel exception is reported and fails the run. */
        printk("Duet: triggering a kernel exception on purpose (duet.test=fault)\n");
        arch_trigger_fault();
        printk("Duet: the deliberate fault did not trap\n");
        arch_poweroff(false);
    }

    arch_irq_init();
    if (tick_start(TICK_HZ))
        arch_poweroff(false);
    arch_irq_enable();
    uint64_t ticks = tick_wait(BANNER_TICKS);
    printk("Duet: %s at %s, RAM %lu MiB in %u region(s), timer %u Hz running (%lu ticks)\n",
           arch_name(), arch_privilege_name(), boot_info_ram_total(&boot_info) >> 20,
           boot_info.nram, TICK_HZ, ticks);

    if (strcmp(mode, "boot") == 0)
        arch_poweroff(boot_test_run(&boot_info) == 0);

    /* Every other test mode is the root task's business (it gets the command line). */
    arch_irq_disable();
    if (root_task_create(&boot_info))
        arch_poweroff(false);
    tick_start_scheduling();
    arch_run_first_thread();
}
