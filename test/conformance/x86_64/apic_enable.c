/* The local APIC's global enable (SDM 10.4.3 "Enabling or Disabling the Local APIC"): with
 * IA32_APIC_BASE.EN clear the processor is one without an APIC, and CPUID says so. Runs last:
 * QEMU's APIC, once disabled, stays disabled (a processor before the Pentium 4 did too). */
#include <guest/check.h>
#include <guest/lapic.h>
#include <guest/x86.h>

/* SDM 10.4.3: "the processor is functionally equivalent to an IA-32 processor without an on-chip
 * APIC. The CPUID feature flag for the APIC ... is also set to 0." */
CHECK(cpuid_apic_bit, "CPUID-X3")
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
    bool on = cpuid(1, 0).d >> 9 & 1;
    wrmsr(MSR_IA32_APIC_BASE, base & ~(uint64_t)APIC_BASE_EN);
    bool off = cpuid(1, 0).d >> 9 & 1;
    lapic_init(); /* enabled again (xAPIC), in its reset state: set it up as at start */
    bool again = cpuid(1, 0).d >> 9 & 1;
    report(on && !off,
           "CPUID.1:EDX.APIC = %u enabled, %u with IA32_APIC_BASE.EN clear (%u once "
           "enabled again)",
           on, off, again);
}
