/* Stopping QEMU: PSCI SYSTEM_OFF for success, a semihosting exit carrying a failing status. */
#include <arch.h>

#define PSCI_SYSTEM_OFF 0x84000008u
#define SEMIHOSTING_SYS_EXIT 0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static _Noreturn void psci_system_off(void)
{
    /* With virtualization=on QEMU's PSCI conduit is SMC. */
    register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
    __asm__ volatile("smc #0" : "+r"(x0)::"memory");
    for (;;)
        __asm__ volatile("wfi");
}

_Noreturn void arch_poweroff(bool success)
{
    static volatile bool stopping;

    /* If semihosting is off, HLT traps; the trap handler then lands here a second time. */
    if (success || stopping)
        psci_system_off();
    stopping = true;
    static uint64_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, 1};
    register uint64_t x0 __asm__("x0") = SEMIHOSTING_SYS_EXIT;
    register uint64_t x1 __asm__("x1") = (uint64_t)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    psci_system_off();
}
