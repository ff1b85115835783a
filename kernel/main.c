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

/* Not code: executing it must fault (duet.test=wx-exec). */
static uint8_t not_code[16];

/* Deliberate kernel faults (duet.test=fault|wx-write|wx-exec): each must be reported as a kernel
 * exception and fail the run (test/qemu: the fault and wx tests read which one it took). The
 * wx modes show W^X holds at run time: the kernel's text is not writable, its data not
 * executable. */
static _Noreturn void deliberate_fault(const char *mode)
{
    printk("Duet: triggering a kernel exception on purpose (duet.test=%s)\n", mode);
    if (strcmp(mode, "wx-write") == 0) {
        printk("Duet: writing to kernel text at %p\n", (void *)&kernel_main);
        *(volatile uint8_t *)(uintptr_t)&kernel_main = 0;
    } else if (strcmp(mode, "wx-exec") == 0) {
        printk("Duet: executing kernel data at %p\n", (void *)not_code);
        ((void (*)(void))(uintptr_t)not_code)();
    } else {
        arch_trigger_fault();
    }
    printk("Duet: the deliberate fault did not trap\n");
    arch_poweroff(false);
}

_Noreturn void kernel_main(void)
{
    char mode[16] = "";

    printk("Duet: %s kernel starting at %s\n", arch_name(), arch_privilege_name());
    if (arch_boot_info(&boot_info) || kernel_pt_init(&boot_info))
        arch_poweroff(false);
    cmdline_get(boot_info.cmdline, "duet.test", mode, sizeof(mode));

    if (strcmp(mode, "fault") == 0 || strcmp(mode, "wx-write") == 0 ||
        strcmp(mode, "wx-exec") == 0)
        deliberate_fault(mode);

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
