/* MSR checks: the MSRs the advertised CPU has answer as the manuals say (AMD APM Vol. 2,
 * "Performance Monitoring Counters": the legacy counters of family 0Fh; Intel SDM Vol. 4 table 2-2,
 * IA32_MISC_ENABLE), and an address that is no MSR raises #GP (SDM Vol. 2, RDMSR). */
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/time.h>
#include <guest/x86.h>

static void wrmsr_probe(void *arg)
{
    uint32_t *msr = arg;
    wrmsr(msr[0], msr[1]);
}

static void rdmsr_probe(void *arg)
{
    uint64_t *io = arg;
    io[1] = rdmsr((uint32_t)io[0]);
}

/* APM Vol. 2, "Performance Monitoring Counters": PerfEvtSel0-3 (C001_0000h-C001_0003h) and
 * PerfCtr0-3 (C001_0004h-C001_0007h) exist on every AMD64 processor; writing 0 (disabled, count 0)
 * and reading them back faults nowhere. */
CHECK(msr_amd_perfctr, "MSR-X1")
{
    unsigned faults = 0, first = 0, wrong = 0;
    for (uint32_t m = 0xc0010000; m <= 0xc0010007; m++) {
        struct exc_info e;
        uint32_t w[2] = {m, 0};
        uint64_t r[2] = {m, ~0ull};
        bool f = exc_catch(wrmsr_probe, w, &e) || exc_catch(rdmsr_probe, r, &e);
        if (f && !faults++)
            first = m;
        wrong += !f && r[1] != 0;
    }
    report(faults == 0 && wrong == 0,
           "WRMSR 0 / RDMSR of 0xc0010000-7: %u faulted (first 0x%x), "
           "%u read back non-zero",
           faults, first, wrong);
}

/* SDM Vol. 4 table 2-2: IA32_MISC_ENABLE bit 0 (fast-strings enable) is R/W. */
CHECK(msr_misc_enable, "MSR-X2")
{
    struct exc_info e;
    uint64_t r[2] = {MSR_IA32_MISC_ENABLE, 0};
    if (exc_catch(rdmsr_probe, r, &e)) {
        fail("RDMSR IA32_MISC_ENABLE raised %s", exc_kind_name(e.kind));
        return;
    }
    uint64_t before = r[1];
    uint32_t w[2] = {MSR_IA32_MISC_ENABLE, (uint32_t)(before ^ 1)};
    bool f = exc_catch(wrmsr_probe, w, &e);
    exc_catch(rdmsr_probe, r, &e);
    uint64_t after = r[1];
    w[1] = (uint32_t)before;
    exc_catch(wrmsr_probe, w, &e);
    report(!f && after == (before ^ 1), "IA32_MISC_ENABLE 0x%llx, after writing 0x%llx: 0x%llx%s",
           (unsigned long long)before, (unsigned long long)(before ^ 1), (unsigned long long)after,
           f ? " (the write faulted)" : "");
}

/* SDM 10.12.5.1 / 10.4.4: out of reset the local APIC is enabled in xAPIC mode at 0xfee00000,
 * the boot CPU marked BSP (IA32_APIC_BASE = 0xfee00900); nothing in the boot protocol changes it.
 */
CHECK(msr_apic_base, "MSR-X3")
{
    uint64_t b = x86_boot.apic_base;
    report((b & ~0xfffull) == 0xfee00000 && (b & APIC_BASE_BSP) && (b & APIC_BASE_EN) &&
               !(b & APIC_BASE_EXTD),
           "IA32_APIC_BASE at entry 0x%llx (BSP %u, EN %u, EXTD %u), expected 0xfee00900",
           (unsigned long long)b, (unsigned)(b >> 8 & 1), (unsigned)(b >> 11 & 1),
           (unsigned)(b >> 10 & 1));
}

/* SDM Vol. 2 RDMSR: "#GP(0) if the value in ECX specifies a reserved or unimplemented MSR
 * address": 0x12345678 lies in no MSR range of either vendor. */
CHECK(msr_unimplemented, "MSR-X4")
{
    struct exc_info e = {0};
    uint64_t r[2] = {0x12345678, 0};
    bool f = exc_catch(rdmsr_probe, r, &e);
    report(f && e.kind == VEC_GP, "RDMSR 0x12345678: %s",
           f ? exc_kind_name(e.kind) : "no exception");
}

/* SDM 17.17: IA32_TSC (0x10) is the time-stamp counter RDTSC reads; it increases. */
CHECK(msr_tsc, "MSR-X5")
{
    uint64_t a = rdtsc(), m = rdmsr(0x10), b = rdtsc();
    report(a <= m && m <= b && b > a, "RDTSC %llu, IA32_TSC %llu, RDTSC %llu",
           (unsigned long long)a, (unsigned long long)m, (unsigned long long)b);
}
