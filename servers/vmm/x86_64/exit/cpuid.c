/* The CPUID filter: a dispatch on the leaf, each rule a small function over the host's
 * registers. Bits are cleared for features whose state or MSRs the platform does not carry
 * (the guest would #GP or lose state), and set for the ones it emulates. */
#include "x86_64/exit/cpuid.h"

#include <hv/string.h>

#include "x86_64/devices/pvclock.h"

/* The masks below list one feature per line with its reason. */
// clang-format off

static void zero(struct x86_cpuid_regs *r)
{
    *r = (struct x86_cpuid_regs){0};
}

static void leaf_1(const struct x86_cpuid_config *cfg, struct x86_cpuid_regs *r)
{
    r->ecx &= ~(CPUID_1_ECX_MONITOR | CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | (1u << 2) | /* DTES64 */
                (1u << 4) |                                                           /* DS-CPL */
                (1u << 7) |  /* EST: no P-state MSRs */
                (1u << 8) |  /* TM2 */
                (1u << 15) | /* PDCM: no IA32_PERF_CAPABILITIES */
                (1u << 18) | /* DCA */
                CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE |
                (1u << 28) | /* AVX: needs XSAVE-managed state */
                (1u << 12) | /* FMA */
                (1u << 29)); /* F16C */
    r->ecx |= CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE | CPUID_1_ECX_HYPERVISOR;
    r->edx &= ~(CPUID_1_EDX_MCE | CPUID_1_EDX_MCA | CPUID_1_EDX_HTT |
                (1u << 18) | /* PSN */
                (1u << 21) | /* DS */
                (1u << 22) | /* ACPI thermal MSRs */
                (1u << 29) | /* TM */
                (1u << 31)); /* PBE */
    r->edx &= ~CPUID_1_EDX_APIC;
    if (cfg->apic_enabled)
        r->edx |= CPUID_1_EDX_APIC;
    /* EBX: initial APIC ID (31:24), one logical processor (23:16), keep CLFLUSH and brand. */
    r->ebx = (r->ebx & 0x0000ffffu) | 1u << 16 | (cfg->apic_id & 0xff) << 24;
}

static void leaf_6(struct x86_cpuid_regs *r)
{
    /* Only ARAT: the APIC timer keeps running in every C-state (it is a host timer). */
    zero(r);
    r->eax = 1u << 2;
}

static void leaf_7(uint32_t subleaf, struct x86_cpuid_regs *r)
{
    if (subleaf != 0) {
        zero(r);
        return;
    }
    /* EAX is the highest subleaf: we describe only subleaf 0. */
    r->eax = 0;
    r->ebx &= ~((1u << 1) |  /* TSC_ADJUST MSR */
                (1u << 2) |  /* SGX */
                (1u << 4) |  /* HLE */
                (1u << 5) |  /* AVX2 */
                (1u << 11) | /* RTM */
                (1u << 12) | /* RDT-M */
                (1u << 14) | /* MPX */
                (1u << 15) | /* RDT-A */
                (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) |
                (1u << 30) | (1u << 31) | /* AVX-512 */
                (1u << 25));              /* Intel PT */
    r->ecx &= ~((1u << 1) |               /* AVX512_VBMI */
                (1u << 3) |               /* PKU: CR4.PKE state */
                (1u << 4) |               /* OSPKE */
                (1u << 5) |               /* WAITPKG: UMWAIT would idle the host core */
                (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14) | /* AVX-512 */
                (1u << 9) | (1u << 10)); /* VAES, VPCLMULQDQ: VEX/EVEX forms need AVX */
    r->edx &= ~((1u << 2) | (1u << 3) |  /* AVX-512 4VNNIW/4FMAPS */
                (1u << 8) |              /* AVX512_VP2INTERSECT */
                (1u << 15) |             /* hybrid */
                (1u << 26) | (1u << 27) | (1u << 28) | (1u << 29) |
                (1u << 31)); /* SPEC_CTRL, STIBP, L1D_FLUSH, ARCH_CAPABILITIES, SSBD MSRs */
}

/* x2APIC topology (leaf 0xb / 0x1f): one thread in one core. */
static void leaf_topology(const struct x86_cpuid_config *cfg, uint32_t subleaf,
                          struct x86_cpuid_regs *r)
{
    zero(r);
    r->ecx = subleaf & 0xff;
    r->edx = cfg->apic_id;
    if (subleaf == 0) {
        r->ebx = 1;
        r->ecx |= 1u << 8; /* SMT level */
    } else if (subleaf == 1) {
        r->ebx = 1;
        r->ecx |= 2u << 8; /* core level */
    }
}

static void put_signature(struct x86_cpuid_regs *r, const char sig[12])
{
    memcpy(&r->ebx, &sig[0], 4);
    memcpy(&r->ecx, &sig[4], 4);
    memcpy(&r->edx, &sig[8], 4);
}

/* Duet's own leaves at 0x4000_0000, and at 0x4000_0100 the KVM interface that offers the
 * paravirtual clock (pvclock.h) and nothing else: Linux scans the bases 0x4000_0x00 for
 * KVM's signature, as it does when Hyper-V's leaves come first. The KVM leaves are there
 * only when the TSC rate can be expressed as a pvclock scale. */
static void leaf_hypervisor(const struct x86_cpuid_config *cfg, uint32_t leaf,
                            struct x86_cpuid_regs *r)
{
    zero(r);
    struct pvclock_scale scale;
    bool kvm = pvclock_scale_for(cfg->tsc_hz, &scale);
    if (leaf == X86_CPUID_HV_BASE) {
        r->eax = X86_CPUID_HV_TIMING; /* highest leaf of this base */
        put_signature(r, X86_CPUID_HV_SIGNATURE);
    } else if (leaf == X86_CPUID_HV_TIMING) {
        r->eax = (uint32_t)(cfg->tsc_hz / 1000);
        r->ebx = (uint32_t)(cfg->apic_bus_hz / 1000);
    } else if (leaf == X86_CPUID_KVM_BASE && kvm) {
        r->eax = X86_CPUID_KVM_FEATURES;
        put_signature(r, X86_CPUID_KVM_SIGNATURE);
    } else if (leaf == X86_CPUID_KVM_FEATURES && kvm) {
        /* EDX (hints) stays 0: the vcpu is not pinned to a dedicated host CPU. */
        r->eax = KVM_FEATURE_NOP_IO_DELAY | KVM_FEATURE_CLOCKSOURCE2 |
                 KVM_FEATURE_CLOCKSOURCE_STABLE;
    }
}

static void leaf_80000001(const struct x86_cpuid_config *cfg, struct x86_cpuid_regs *r)
{
    /* AMD mirrors leaf 1's APIC bit here (APM vol. 3, CPUID Fn8000_0001_EDX; reserved on
     * Intel, so only ever cleared). */
    if (!cfg->apic_enabled)
        r->edx &= ~CPUID_1_EDX_APIC;
    r->ecx &= ~((1u << 1) |                           /* CmpLegacy: one core */
                CPUID_8000_0001_ECX_SVM | (1u << 3) | /* ExtApicSpace */
                (1u << 9) |                           /* OSVW MSRs */
                (1u << 10) |                          /* IBS */
                (1u << 12) |                          /* SKINIT */
                (1u << 13) |                          /* WDT */
                (1u << 15) |                          /* LWP */
                (1u << 22) |                          /* TOPOEXT: no leaf 0x8000001e */
                (1u << 23) |                          /* PerfCtrExtCore */
                (1u << 24) |                          /* PerfCtrExtNB */
                (1u << 28) |                          /* PerfCtrExtLLC */
                (1u << 29));                          /* MONITORX */
}

static void leaf_80000008(struct x86_cpuid_regs *r)
{
    /* EBX: no IBPB/IBRS/STIBP/SSBD MSRs. ECX: one core, no APIC ID size. */
    r->ebx &= ~((1u << 12) | (1u << 14) | (1u << 15) | (1u << 16) | (1u << 17) | (1u << 18) |
                (1u << 24) | (1u << 25));
    r->ecx &= ~0x0000f0ffu;
}

void x86_cpuid_filter(const struct x86_cpuid_config *cfg, uint32_t leaf, uint32_t subleaf,
                      struct x86_cpuid_regs *r)
{
    if (leaf >= X86_CPUID_HV_BASE && leaf <= X86_CPUID_HV_LAST) {
        leaf_hypervisor(cfg, leaf, r);
        return;
    }
    switch (leaf) {
    case 1:
        leaf_1(cfg, r);
        break;
    case 5:   /* MONITOR/MWAIT: absent */
    case 0xa: /* architectural performance monitoring: absent */
    case 0xd: /* XSAVE state: absent */
    case 0xf:
    case 0x10:       /* RDT */
    case 0x12:       /* SGX */
    case 0x14:       /* Intel PT */
    case 0x8000000a: /* SVM features */
    case 0x8000001d:
    case 0x8000001e: /* AMD topology extensions */
    case 0x8000001f: /* SEV: this is not an encrypted guest */
        zero(r);
        break;
    case 4:
        /* Deterministic cache parameters: no other thread or core shares anything. */
        r->eax &= 0x00003fffu;
        break;
    case 6:
        leaf_6(r);
        break;
    case 7:
        leaf_7(subleaf, r);
        break;
    case 0xb:
    case 0x1f:
        leaf_topology(cfg, subleaf, r);
        break;
    case 0x80000001:
        leaf_80000001(cfg, r);
        break;
    case 0x80000008:
        leaf_80000008(r);
        break;
    default:
        break; /* vendor, brand, caches, address sizes: the host's */
    }
}
// clang-format on
