/* Reports a broken kernel invariant on the console and stops the machine. */
#include <arch.h>
#include <kernel/assert.h>
#include <kernel/printk.h>

_Noreturn void kernel_assert_fail(const char *expr, const char *file, int line)
{
    printk("PANIC: assertion '%s' failed at %s:%d\n", expr, file, line);
    arch_poweroff(false);
}
