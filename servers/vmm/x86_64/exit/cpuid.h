/* The CPUID a guest sees: the host's values (the VMM executes CPUID itself and passes them
 * in) filtered to what the platform really offers — no SVM/VMX, MONITOR, machine check,
 * performance counters, XSAVE/AVX state or speculation-control MSRs; the hypervisor bit and
 * leaves 0x4000_0000 ("DuetDuetDuet") and 0x4000_0010 (TSC and APIC bus kHz), and KVM's
 * paravirtual-clock leaves at 0x4000_0100; x2APIC and TSC-deadline present; one logical
 * processor. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct x86_cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

struct x86_cpuid_config {
    uint64_t tsc_hz;
    uint64_t apic_bus_hz;
    uint32_t apic_id;
    bool apic_enabled; /* IA32_APIC_BASE.EN now: CPUID's APIC bits follow it (SDM 10.4.3) */
};

#define X86_CPUID_HV_BASE 0x40000000u
#define X86_CPUID_HV_TIMING 0x40000010u /* EAX: TSC kHz, EBX: APIC bus kHz (VMware's leaf) */
#define X86_CPUID_HV_SIGNATURE "DuetDuetDuet"
#define X86_CPUID_KVM_BASE 0x40000100u
#define X86_CPUID_KVM_FEATURES 0x40000101u
#define X86_CPUID_KVM_SIGNATURE "KVMKVMKVM\0\0\0"
#define X86_CPUID_HV_LAST 0x400001ffu /* the hypervisor range this filter answers */

/* Leaf 1 bits (SDM vol. 2A, CPUID). */
#define CPUID_1_ECX_MONITOR (1u << 3)
#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_1_ECX_SMX (1u << 6)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_1_EDX_MCE (1u << 7)
#define CPUID_1_EDX_MCA (1u << 14)
#define CPUID_1_EDX_HTT (1u << 28)
#define CPUID_8000_0001_ECX_SVM (1u << 2)

/* r holds the host's answer for (leaf, subleaf) on entry and the guest's on return. */
void x86_cpuid_filter(const struct x86_cpuid_config *cfg, uint32_t leaf, uint32_t subleaf,
                      struct x86_cpuid_regs *r);
