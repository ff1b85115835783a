/* x2APIC mode (Intel SDM Vol. 3A 10.12 "Extended XAPIC (x2APIC)"), where CPUID offers it: the
 * registers become MSRs 0x800 + offset / 16 and the xAPIC page stops answering. Goes back to
 * xAPIC mode through disabled (the only legal way, 10.12.5.1), which resets the APIC. */
#include <guest/check.h>
#include <guest/lapic.h>
#include <guest/x86.h>

#define MSR_X2APIC_ID 0x802
#define MSR_X2APIC_VERSION 0x803

/* SDM 10.12.1 and 10.12.5: with CPUID.01H:ECX.x2APIC[bit 21], setting IA32_APIC_BASE.EXTD puts
 * the local APIC in x2APIC mode: its version register reads the same through MSR 0x803, its
 * 32-bit ID through MSR 0x802 is the xAPIC ID (bits 31:24 of the ID register), and the MMIO
 * page is no longer the APIC (10.12.1.2). */
CHECK(x2apic_mode, "LAPIC-X12")
{
    if (!(cpuid(1, 0).c >> 21 & 1)) {
        skip("CPUID.01H:ECX.x2APIC = 0: the mode does not exist");
        return;
    }
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
    uint32_t version = lapic_read(LAPIC_VERSION), xid = lapic_read(LAPIC_ID) >> 24;
    wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);
    uint64_t x2_version = rdmsr(MSR_X2APIC_VERSION), x2_id = rdmsr(MSR_X2APIC_ID);
    uint32_t page = lapic_read(LAPIC_VERSION);
    /* x2APIC -> disabled -> xAPIC, then set up again as at start. */
    wrmsr(MSR_IA32_APIC_BASE, base & ~(uint64_t)(APIC_BASE_EXTD | APIC_BASE_EN));
    lapic_init();
    uint32_t again = lapic_read(LAPIC_VERSION);
    report(x2_version == version && x2_id == xid && page != version && again == version,
           "x2APIC: version MSR 0x%llx (xAPIC 0x%x), ID MSR %llu (xAPIC %u), the page read 0x%x; "
           "back in xAPIC mode 0x%x",
           (unsigned long long)x2_version, version, (unsigned long long)x2_id, xid, page, again);
}
