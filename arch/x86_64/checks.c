/* What the boot self-test asks of x86_64: ring 0 in long mode, our page tables live, and the
 * AMD SVM features Duet needs (APM vol. 2 15.4, CPUID Specification 8000_000Ah). */
#include "cpu.h"
#include "pt_format.h"
#include <arch.h>
#include <hv/fmt.h>
#include <kernel/kernel_pt.h>

void arch_check_privilege(struct arch_check *c)
{
    uint64_t cs, efer = rdmsr(MSR_EFER);
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    bool lma = efer & EFER_LMA;

    c->ok = (cs & 3) == 0 && lma;
    fmt_snprintf(c->what, sizeof(c->what), "running in ring %lu (CS=0x%02lx), long mode %s", cs & 3,
                 cs, lma ? "active (EFER.LMA=1)" : "OFF");
}

void arch_check_mmu(struct arch_check *c)
{
    extern char __kernel_start[];
    const struct pt *pt = kernel_pt();
    uint64_t cr0 = read_cr(0), cr3 = read_cr(3) & 0x000ffffffffff000ull, desc;
    uint64_t kernel_va = (uint64_t)__kernel_start;
    uint64_t kernel_pa = pa_addr(arch_virt_to_phys(__kernel_start));
    paddr_t pa;
    unsigned level;

    bool paging = (cr0 & CR0_PG) && (read_cr(4) & CR4_PAE) && !(cr0 & (CR0_CD | CR0_NW));
    bool ours = cr3 == pa_addr(pt->root);
    bool high_ok = pt_lookup(pt, kernel_va, &pa, &desc, &level) == 0 && pa_addr(pa) == kernel_pa;
    /* With CR3 ours, what our tables say is what the CPU translates. */
    bool no_identity = pt_lookup(pt, kernel_pa, &pa, &desc, &level) != 0;

    c->ok = paging && ours && high_ok && no_identity;
    fmt_snprintf(c->what, sizeof(c->what),
                 "paging+caches %s, CR3 %s, kernel VA->PA %s, identity map %s",
                 paging ? "on" : "OFF", ours ? "ours" : "NOT OURS", high_ok ? "ok" : "WRONG",
                 no_identity ? "gone" : "STILL MAPPED");
}

void arch_check_virt(struct arch_check *c)
{
    uint32_t max_ext = cpuid(0x80000000, 0).eax;
    bool svm = max_ext >= 0x80000001 && (cpuid(0x80000001, 0).ecx & CPUID_80000001_ECX_SVM);
    struct cpuid svm_id = {0, 0, 0, 0};
    unsigned pa_bits = max_ext >= 0x80000008 ? cpuid(0x80000008, 0).eax & 0xff : 0;

    if (svm && max_ext >= 0x8000000a)
        svm_id = cpuid(0x8000000a, 0);
    bool np = svm_id.edx & CPUID_8000000A_EDX_NP;

    c->ok = svm && np;
    fmt_snprintf(c->what, sizeof(c->what),
                 "SVM %s (rev %u), nested paging %s, %u ASIDs, PA %u bits",
                 svm ? "present" : "ABSENT", svm_id.eax & 0xff, np ? "present" : "ABSENT",
                 svm_id.ebx, pa_bits);
}
