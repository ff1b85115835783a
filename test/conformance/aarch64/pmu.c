/* PMU checks: what ID_AA64DFR0_EL1.PMUVer claims (Arm ARM D13 "The Performance Monitors
 * Extension") must hold: the PMUv3 registers exist and count, with the counters the named CPU
 * has (Arm Cortex-A76 TRM, "PMU registers"). A platform that offers no PMU says so everywhere
 * (PMU-A5); the checks of a PMU then SKIP. */
#include <guest/a64.h>
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/fdt.h>
#include <guest/time.h>
#include <hv/string.h>

#define PMCR_E (1u << 0)
#define PMCR_C (1u << 2)
#define PMCR_P (1u << 1)
#define PMCNT_C (1u << 31)

static unsigned pmuver(void)
{
    return (unsigned)(read_sysreg(id_aa64dfr0_el1) >> 8 & 0xf);
}

static bool pmuv3(void)
{
    unsigned v = pmuver();
    return v != 0 && v != 0xf; /* 0: none; 0xf: IMPLEMENTATION DEFINED, not PMUv3 */
}

/* Cortex-A76 TRM, PMCR_EL0: IMP 0x41, IDCODE 0x0b, N = 6 event counters (bits 31:11 =
 * 0x410b3000 >> 11). */
CHECK(pmu_pmcr, "PMU-A1")
{
    if (!pmuv3()) {
        skip("ID_AA64DFR0_EL1.PMUVer %u: no PMUv3 advertised", pmuver());
        return;
    }
    uint64_t pmcr = read_sysreg(pmcr_el0);
    unsigned n = (unsigned)(pmcr >> 11 & 0x1f);
    report((pmcr >> 11) == (0x410b3000u >> 11),
           "PMUVer %u; PMCR_EL0 0x%llx: IMP 0x%x IDCODE 0x%x N %u (Cortex-A76: 0x41 0x0b 6)",
           pmuver(), (unsigned long long)pmcr, (unsigned)(pmcr >> 24 & 0xff),
           (unsigned)(pmcr >> 16 & 0xff), n);
}

/* The cycle counter PMCCNTR_EL0 is always implemented with PMUv3; with PMCR_EL0.E and
 * PMCNTENSET_EL0.C set it counts (PMCCFILTR_EL0 = 0 counts at EL1). */
CHECK(pmu_cycles, "PMU-A2")
{
    if (!pmuv3()) {
        skip("no PMUv3 advertised");
        return;
    }
    write_sysreg(pmccfiltr_el0, 0);
    write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | PMCR_E | PMCR_C);
    write_sysreg(pmcntenset_el0, PMCNT_C);
    isb();
    uint64_t a = read_sysreg(pmccntr_el0);
    delay_us(1000);
    uint64_t b = read_sysreg(pmccntr_el0);
    write_sysreg(pmcntenclr_el0, PMCNT_C);
    isb();
    report(b > a, "PMCCNTR_EL0 went from %llu to %llu over ~1 ms", (unsigned long long)a,
           (unsigned long long)b);
}

/* D13 (PMINTENSET_EL1, PMINTENCLR_EL1): EL1 registers of PMUv3, accessible at EL1; Linux's PMU
 * driver clears the overflow interrupts at boot. Set and clear the cycle counter's bit. */
CHECK(pmu_inten, "PMU-A3")
{
    if (!pmuv3()) {
        skip("no PMUv3 advertised");
        return;
    }
    write_sysreg(pmintenclr_el1, PMCNT_C);
    isb();
    uint64_t cleared = read_sysreg(pmintenset_el1);
    write_sysreg(pmintenset_el1, PMCNT_C);
    isb();
    uint64_t set = read_sysreg(pmintenset_el1);
    write_sysreg(pmintenclr_el1, PMCNT_C);
    isb();
    report(!(cleared & PMCNT_C) && (set & PMCNT_C),
           "PMINTENSET_EL1 reads 0x%llx after PMINTENCLR_EL1 <- bit 31, 0x%llx after "
           "PMINTENSET_EL1 <- bit 31",
           (unsigned long long)cleared, (unsigned long long)set);
}

/* D13: event counter 0 with the architectural SW_INCR event (0x00) counts writes of bit 0 to
 * PMSWINC_EL0: three writes, three counts. Needs PMCR_EL0.N >= 1. */
CHECK(pmu_swinc, "PMU-A4")
{
    if (!pmuv3()) {
        skip("no PMUv3 advertised");
        return;
    }
    unsigned n = (unsigned)(read_sysreg(pmcr_el0) >> 11 & 0x1f);
    if (n == 0) {
        skip("PMCR_EL0.N = 0: no event counter");
        return;
    }
    write_sysreg(pmselr_el0, 0);
    isb();
    write_sysreg(pmxevtyper_el0, 0x00); /* SW_INCR, counting at EL1 */
    write_sysreg(pmxevcntr_el0, 0);
    write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | PMCR_E);
    write_sysreg(pmcntenset_el0, 1);
    isb();
    for (int i = 0; i < 3; i++)
        write_sysreg(pmswinc_el0, 1);
    isb();
    uint64_t count = read_sysreg(pmxevcntr_el0);
    write_sysreg(pmcntenclr_el0, 1);
    isb();
    report(count == 3, "event counter 0 (SW_INCR) reads %llu after 3 PMSWINC_EL0 writes",
           (unsigned long long)count);
}

static void read_pmcr(void *arg)
{
    *(volatile uint64_t *)arg = read_sysreg(pmcr_el0);
}

/* Whether the device tree has a node whose compatible list holds "arm,armv8-pmuv3" (QEMU virt
 * calls it /pmu, Linux's binding arm/pmu.yaml). */
static bool dt_has_pmu(void)
{
    uint32_t len = 0;
    const char *c = a64_dtb() ? fdt_prop(a64_dtb(), "/pmu", "compatible", &len) : 0;
    for (uint32_t at = 0; c && at < len; at += (uint32_t)strlen(c + at) + 1)
        if (!strcmp(c + at, "arm,armv8-pmuv3"))
            return true;
    return false;
}

/* D13 and the ID register's description: with PMUVer 0 no PMU is implemented and its
 * registers are UNDEFINED (PMCR_EL0 an undefined instruction); with PMUv3 the device tree
 * describes it (arm/pmu.yaml: its interrupt). Both or neither: what the guest reads is true. */
CHECK(pmu_consistent, "PMU-A5")
{
    bool id = pmuv3(), dt = dt_has_pmu();
    struct exc_info e = {0};
    uint64_t pmcr = 0;
    bool undefined = exc_catch(read_pmcr, (void *)&pmcr, &e) && e.kind == EC_UNKNOWN;
    report(id == dt && id == !undefined,
           "PMUVer %u (%s), device tree PMU node: %s, PMCR_EL0 read: %s", pmuver(),
           id ? "PMUv3" : "none", dt ? "yes" : "no", undefined ? "UNDEFINED" : "a value");
}
