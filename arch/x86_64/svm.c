/* AMD SVM on this CPU: turning it on (EFER.SVME, the host save area), what the CPU lets a guest
 * have (CPUID), the I/O and MSR permission maps every guest shares, the host state VMLOAD
 * brings back after a guest, and the ASIDs of guest address spaces (APM vol. 2 ch. 15). */
#include "cpu.h"
#include "fpu.h"
#include "pt_format.h"
#include "svm.h"
#include "timer.h"
#include <arch.h>
#include <arch_core.h>
#include <arch_vcpu.h>
#include <hv/abi/error.h>
#include <kernel/printk.h>

#define CR4_OSFXSR BIT(9)
#define CPUID_1_EDX_FXSR BIT(24)
#define MSRPM_LOW 0x0          /* MSRs 0000_0000..0000_1fff: bytes 0x000..0x7ff */
#define MSRPM_C000 0x800       /* MSRs c000_0000..c000_1fff: bytes 0x800..0xfff */
#define MSR_TSC 0x10
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_EIP 0x176
#define MSR_CSTAR 0xc0000083
#define MSR_FS_BASE 0xc0000100
#define MSR_KERNEL_GS_BASE 0xc0000102

/* The permission maps: one copy for every guest, page aligned as VMRUN requires. The I/O map
 * is all ones: every port access exits (the VMM owns every port a guest sees). */
static uint8_t iopm[SVM_IOPM_SIZE] __attribute__((aligned(4096)));
static uint8_t msrpm[SVM_MSRPM_SIZE] __attribute__((aligned(4096)));
/* VM_HSAVE_PA: where VMRUN keeps the host state it restores at #VMEXIT (one per CPU). */
static uint8_t hsave[4096] __attribute__((aligned(4096)));
/* The host's FS/GS/TR/LDTR/STAR/LSTAR/... as VMSAVE stores them, for VMLOAD after a guest. */
static struct vmcb host_vmcb __attribute__((aligned(4096)));

static struct svm_caps caps;
static bool svm_on;
static unsigned asid_count; /* ASIDs 1..asid_count-1 are for guests; 0 is the host's */
static uint16_t asid_used;  /* bit n: ASID n belongs to a guest vspace */
static uint16_t asid_dirty; /* bit n: entries of ASID n may be stale: flush before its VMRUN */

_Static_assert(sizeof(asid_used) * 8 >= 16, "QEMU offers 16 ASIDs");

const struct svm_caps *svm_caps(void)
{
    return &caps;
}

paddr_t svm_iopm_pa(void)
{
    return arch_virt_to_phys(iopm);
}

paddr_t svm_msrpm_pa(void)
{
    return arch_virt_to_phys(msrpm);
}

paddr_t svm_host_vmcb_pa(void)
{
    return arch_virt_to_phys(&host_vmcb);
}

/* The CR4 bits of features this CPU has (APM vol. 2 3.1.3 and the CPUID each depends on);
 * anything else in a guest's CR4 would be refused by VMRUN, or mishandled by QEMU 7.2. */
static uint64_t cr4_from_cpuid(void)
{
    struct cpuid l1 = cpuid(1, 0), l7 = {0, 0, 0, 0};
    if (cpuid(0, 0).eax >= 7)
        l7 = cpuid(7, 0);
    const struct {
        uint32_t reg;
        unsigned bit, cr4;
    } deps[] = {
        {l1.edx, 1, 0},   /* VME */   {l1.edx, 1, 1},   /* PVI */  {l1.edx, 4, 2},  /* TSD */
        {l1.edx, 2, 3},   /* DE */    {l1.edx, 3, 4},   /* PSE */  {l1.edx, 6, 5},  /* PAE */
        {l1.edx, 7, 6},   /* MCE */   {l1.edx, 13, 7},  /* PGE */
        {l1.edx, 24, 9},  /* OSFXSR */ {l1.edx, 25, 10}, /* OSXMMEXCPT */
        {l7.ecx, 2, 11},  /* UMIP */  {l7.ebx, 0, 16},  /* FSGSBASE */
        {l1.ecx, 17, 17}, /* PCIDE */ {l1.ecx, 26, 18}, /* OSXSAVE */
        {l7.ebx, 7, 20},  /* SMEP */  {l7.ebx, 20, 21}, /* SMAP */ {l7.ecx, 3, 22}, /* PKE */
    };
    /* PCE depends on no CPUID bit (and RDPMC exits anyway). */
    uint64_t allowed = 1ull << 8;
    for (unsigned i = 0; i < ARRAY_SIZE(deps); i++)
        if (deps[i].reg >> deps[i].bit & 1)
            allowed |= 1ull << deps[i].cr4;
    return allowed;
}

static void caps_probe(void)
{
    uint32_t max_ext = cpuid(0x80000000, 0).eax;
    caps.cr4_allowed = cr4_from_cpuid();
    caps.efer_allowed = EFER_SCE | EFER_LME;
    if (cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_NX)
        caps.efer_allowed |= EFER_NXE;
    caps.pa_bits = max_ext >= 0x80000008 ? cpuid(0x80000008, 0).eax & 0xff : 36;
    caps.tsc_hz = x86_tsc_hz(); /* measured by arch_timer_init, which ran before */
    if (caps.pa_bits > 52)
        caps.pa_bits = 52;
}

/* Clears the intercept bits of msr (read and write, or write only). */
static void msr_pass(uint32_t msr, bool read_too)
{
    uint32_t bit = msr >= 0xc0000000 ? MSRPM_C000 * 8 + (msr - 0xc0000000) * 2 : msr * 2;
    if (read_too)
        msrpm[bit / 8] &= (uint8_t)~(1u << (bit % 8));
    msrpm[(bit + 1) / 8] &= (uint8_t)~(1u << ((bit + 1) % 8));
}

/* Every MSR exits, except the ones the VMCB holds and VMSAVE/VMLOAD switch (a guest's SYSCALL
 * targets, FS/GS bases, SYSENTER) and reading the TSC. EFER and PAT exit but stay in the
 * kernel (svm_msr_access): their values are VMCB state, yet a guest's write must be checked
 * (SVME is the kernel's, reserved PAT types would fail VMRUN). The rest go to the VMM. */
static void msrpm_init(void)
{
    for (unsigned i = 0; i < SVM_MSRPM_SIZE; i++)
        msrpm[i] = 0xff;
    for (uint32_t m = MSR_STAR; m <= MSR_CSTAR; m++)
        msr_pass(m, true);
    msr_pass(MSR_SFMASK, true);
    for (uint32_t m = MSR_FS_BASE; m <= MSR_KERNEL_GS_BASE; m++)
        msr_pass(m, true);
    for (uint32_t m = MSR_SYSENTER_CS; m <= MSR_SYSENTER_EIP; m++)
        msr_pass(m, true);
    /* Reading the TSC is as harmless as RDTSC; writing it would move the host's. */
    msrpm[MSR_TSC * 2 / 8] &= (uint8_t)~(1u << (MSR_TSC * 2 % 8));
}

bool svm_init(void)
{
    uint32_t max_ext = cpuid(0x80000000, 0).eax;
    if (max_ext < 0x8000000a || !(cpuid(0x80000001, 0).ecx & CPUID_80000001_ECX_SVM) ||
        !(cpuid(0x8000000a, 0).edx & CPUID_8000000A_EDX_NP) || (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) ||
        !(cpuid(1, 0).edx & CPUID_1_EDX_FXSR)) {
        printk("svm: no SVM with nested paging: guests can't run\n");
        return false;
    }
    caps_probe();
    asid_count = cpuid(0x8000000a, 0).ebx;
    if (asid_count > 16)
        asid_count = 16; /* the bitmaps' size; QEMU has exactly 16 */
    for (unsigned i = 0; i < SVM_IOPM_SIZE; i++)
        iopm[i] = 0xff;
    msrpm_init();
    /* FXSAVE stores the XMM registers only with CR4.OSFXSR (APM vol. 4 FXSAVE): without it a
     * guest's SSE state would stay in the registers for the next one to read. A bit the CPU
     * has (checked above), so QEMU's reserved-CR4 bug can't trigger. */
    write_cr(4, read_cr(4) | CR4_OSFXSR);
    fpu_init();
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, pa_addr(arch_virt_to_phys(hsave)));
    /* The host's VMLOAD state never changes after boot (syscall_init, gdt_init ran): one
     * VMSAVE now, one VMLOAD after every guest. */
    uint64_t host_pa = pa_addr(svm_host_vmcb_pa());
    __asm__ volatile("vmsave %%rax" ::"a"(host_pa) : "memory");
    svm_on = true;
    return true;
}

/* ---- ASIDs: one per guest vspace, so a switch between guests needs no TLB flush ---- */

int arch_guest_vspace_init(struct arch_vspace *avs, paddr_t root)
{
    /* 15 guest address spaces at most: recycling an ASID in use would need every vcpu of
     * the old space to flush on its next entry, for little gain on a phone. */
    for (unsigned a = 1; svm_on && a < asid_count; a++) {
        if (asid_used >> a & 1)
            continue;
        asid_used |= (uint16_t)(1u << a);
        /* A previous space with this ASID may have left entries behind. */
        asid_dirty |= (uint16_t)(1u << a);
        avs->words[0] = pa_addr(root);
        avs->words[1] = a;
        return HV_OK;
    }
    return HV_EBUSY;
}

void arch_guest_vspace_flush(struct arch_vspace *avs, ipa_t ipa, uint64_t size)
{
    asid_dirty |= (uint16_t)(1u << avs->words[1]);
}

void arch_guest_vspace_destroy(struct arch_vspace *avs, paddr_t root)
{
    asid_used &= (uint16_t)~(1u << avs->words[1]);
    asid_dirty |= (uint16_t)(1u << avs->words[1]);
}

uint8_t svm_asid_tlb_control(unsigned asid)
{
    if (!(asid_dirty >> asid & 1))
        return VMCB_TLB_NOTHING;
    /* Flushing everything (QEMU has no flush-by-ASID) makes every ASID clean. */
    asid_dirty = 0;
    return VMCB_TLB_FLUSH_ALL;
}

const struct pt_format *arch_guest_vspace_format(void)
{
    return &x86_64_npt_format;
}

ipa_t arch_guest_vspace_top(void)
{
    /* A GPA the guest's own page tables can hold: below its MAXPHYADDR, which is ours. */
    unsigned bits = caps.pa_bits ? caps.pa_bits : 36;
    return ipa_init(1ull << (bits < 48 ? bits : 48));
}
