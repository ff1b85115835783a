/* PSCI calls and the guest's ways out: SYSTEM_OFF and SYSTEM_RESET through the conduit the DT's /psci node names
 * (HVC in a partition and on QEMU virt without EL2; SMC when QEMU emulates EL2). */
#include <guest/console.h>
#include <guest/fdt.h>
#include <guest/guest.h>
#include <guest/psci.h>
#include <hv/string.h>

static bool use_smc;

void psci_init(const void *dtb)
{
    uint32_t len;
    const char *m = dtb ? fdt_prop(dtb, "/psci", "method", &len) : 0;
    use_smc = m && len == 4 && memcmp(m, "smc", 4) == 0;
}

const char *psci_conduit(void)
{
    return use_smc ? "smc" : "hvc";
}

int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    /* SMCCC: x0..x17 may be clobbered by the callee (v1.0). */
    if (use_smc)
        __asm__ volatile("smc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                           "x15", "x16", "x17", "memory");
    else
        __asm__ volatile("hvc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                           "x15", "x16", "x17", "memory");
    return (int64_t)x0;
}

void guest_exit(int status)
{
    gprintf("GUEST-EXIT: status %d, PSCI SYSTEM_OFF over %s\n", status, psci_conduit());
    int64_t r = psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    gprintf("GUEST-EXIT-FAILED: SYSTEM_OFF returned %lld\n", (long long)r);
    for (;;)
        __asm__ volatile("msr daifset, #0xf\n wfi");
}

void guest_reset(void)
{
    int64_t r = psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
    gprintf("GUEST-RESET-FAILED: SYSTEM_RESET over %s returned %lld\n", psci_conduit(),
            (long long)r);
    for (;;)
        __asm__ volatile("msr daifset, #0xf\n wfi");
}
