/* What the boot self-test asks of AArch64: EL2 with VHE, our tables live, the GIC's and
 * CPU's virtualization features present. */
#include "sysreg.h"
#include <arch.h>
#include <hv/fmt.h>
#include <kernel/kernel_pt.h>

void arch_check_privilege(struct arch_check *c)
{
    uint64_t el = (read_sysreg(CurrentEL) >> 2) & 3, hcr = read_sysreg(hcr_el2);
    c->ok = el == 2 && (hcr & HCR_EL2_E2H) && (hcr & HCR_EL2_TGE);
    fmt_snprintf(c->what, sizeof(c->what), "running at EL%lu, HCR_EL2.E2H=%lu TGE=%lu", el,
                 (hcr >> 34) & 1, (hcr >> 27) & 1);
}

/* Translates va for an EL2 read with the live tables; returns PAR_EL1 (bit 0 = fault). */
static uint64_t translate(uint64_t va)
{
    __asm__ volatile("at s1e2r, %0" ::"r"(va));
    isb();
    return read_sysreg(par_el1);
}

void arch_check_mmu(struct arch_check *c)
{
    extern char __kernel_start[];
    uint64_t sctlr = read_sysreg(sctlr_el2), ttbr1 = read_sysreg(ttbr1_el2) & 0xfffffffff000ull;
    uint64_t kernel_va = (uint64_t)__kernel_start;
    uint64_t kernel_pa = pa_addr(arch_virt_to_phys(__kernel_start));
    uint64_t par_high = translate(kernel_va), par_ident = translate(kernel_pa);
    bool caches = (sctlr & SCTLR_ELX_M) && (sctlr & SCTLR_ELX_C) && (sctlr & SCTLR_ELX_I);
    bool ours = ttbr1 == pa_addr(kernel_pt()->root);
    bool high_ok = !(par_high & 1) && (par_high & 0xfffffffff000ull) == kernel_pa;
    bool no_identity = par_ident & 1;

    c->ok = caches && ours && high_ok && no_identity;
    fmt_snprintf(c->what, sizeof(c->what), "MMU+caches %s, TTBR1 %s, kernel VA->PA %s, identity map %s",
                 caches ? "on" : "OFF", ours ? "ours" : "NOT OURS", high_ok ? "ok" : "WRONG",
                 no_identity ? "gone" : "STILL MAPPED");
}

void arch_check_virt(struct arch_check *c)
{
    uint64_t mmfr1 = read_sysreg(ID_AA64MMFR1_EL1), mmfr0 = read_sysreg(ID_AA64MMFR0_EL1);
    uint64_t vtr = read_sysreg(S3_4_C12_C11_1); /* ICH_VTR_EL2 */
    static const unsigned pa_bits[] = {32, 36, 40, 42, 44, 48, 52, 0};
    unsigned vh = (mmfr1 >> 8) & 0xf, lrs = (unsigned)(vtr & 0x1f) + 1;

    c->ok = vh == 1 && lrs >= 4;
    fmt_snprintf(c->what, sizeof(c->what), "VHE %s, GICv3 list registers %u, PA %u bits",
                 vh ? "present" : "ABSENT", lrs, pa_bits[mmfr0 & 7]);
}
