/* Identification registers: what the CPU says it is must match what the DT says and what the
 * named CPU's manual documents (Arm Cortex-A76 TRM, "AArch64 identification registers"). */
#include <guest/a64.h>
#include <guest/check.h>
#include <guest/fdt.h>
#include <hv/string.h>

/* Cortex-A76 TRM, MIDR_EL1: implementer 0x41 (Arm), part number 0xd0b; the DT's /cpus/cpu@0
 * says "arm,cortex-a76". */
CHECK(id_midr, "ID-A1")
{
    uint64_t midr = read_sysreg(midr_el1);
    unsigned impl = (unsigned)(midr >> 24 & 0xff), part = (unsigned)(midr >> 4 & 0xfff);
    const char *compat = a64_dtb() ? fdt_prop(a64_dtb(), "/cpus/cpu", "compatible", 0) : 0;
    bool ok = impl == 0x41 && part == 0xd0b && compat && strcmp(compat, "arm,cortex-a76") == 0;
    report(ok, "MIDR_EL1 0x%llx: implementer 0x%x part 0x%x; DT cpu compatible '%s'",
           (unsigned long long)midr, impl, part, compat ? compat : "(none)");
}

/* Arm ARM, MPIDR_EL1: bit 31 RES1; the one CPU is affinity 0.0.0.0, the DT's cpu reg. */
CHECK(id_mpidr, "ID-A2")
{
    uint64_t mpidr = read_sysreg(mpidr_el1);
    uint32_t len = 0;
    const void *reg = a64_dtb() ? fdt_prop(a64_dtb(), "/cpus/cpu", "reg", &len) : 0;
    uint64_t dt = reg && len >= 4 ? fdt_cells(reg, len >= 8 ? 2 : 1) : ~0ull;
    uint64_t aff = mpidr & 0xff00ffffffull;
    report((mpidr >> 31 & 1) && aff == 0 && dt == 0,
           "MPIDR_EL1 0x%llx (affinity 0x%llx), DT cpu reg 0x%llx", (unsigned long long)mpidr,
           (unsigned long long)aff, (unsigned long long)dt);
}

/* Arm ARM, ID_AA64PFR0_EL1.GIC = 1: the GICv3 CPU interface's system registers are
 * implemented, as the DT's arm,gic-v3 needs; ICC_SRE_EL1.SRE then reads 1 once set. */
CHECK(id_gic_sysregs, "ID-A3")
{
    uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
    unsigned gic = (unsigned)(pfr0 >> 24 & 0xf);
    write_sysreg(icc_sre_el1, read_sysreg(icc_sre_el1) | 1);
    isb();
    uint64_t sre = read_sysreg(icc_sre_el1);
    report(gic == 1 && (sre & 1), "ID_AA64PFR0_EL1 0x%llx: GIC field %u; ICC_SRE_EL1 0x%llx",
           (unsigned long long)pfr0, gic, (unsigned long long)sre);
}
