/* The x86_64 guest-CPU state kept in a vcpu object (struct arch_vcpu, overlaid) and the
 * interfaces of the SVM pieces: guest-state registers and their legality (svm_regs.c), pending
 * events and replies (svm_events.c), the CPU's SVM set-up and ASIDs (svm.c) and the world
 * switch (svm_run.S). The FPU/debug-register state is fpu.h's. */
#pragma once

/* Offsets of struct svm_vcpu that svm_run.S uses: the GPRs by register number (hv_x86_reg),
 * RAX's and RSP's slots unused (VMRUN keeps those two in the VMCB). */
#define SVM_GPR(n) ((n) * 8)

#ifndef __ASSEMBLER__
#include "fpu.h"
#include "vmcb.h"
#include <arch_vcpu.h>
#include <kernel/types.h>

/* What the CPU allows in a guest, from CPUID (svm_caps_probe), checked before VMRUN sees it. */
struct svm_caps {
    uint64_t cr4_allowed;  /* CR4 bits the CPU implements */
    uint64_t efer_allowed; /* EFER bits a VMM may set */
    unsigned pa_bits;      /* MAXPHYADDR: CR3 bits above are reserved */
    uint64_t tsc_hz;       /* measured against the HPET at boot (timer.c) */
};

struct svm_vcpu {
    uint64_t gpr[16];
    uint64_t vmcb_pa;
    /* Events waiting for the guest (svm_events.c). */
    uint64_t intr_pending[4]; /* external interrupt vectors 32..255, a bitmap */
    uint64_t next_event;      /* EVENTINJ for the next VMRUN, before anything else (0: none) */
    uint64_t exc_event;       /* an injected exception waiting (EVENTINJ format, 0: none) */
    uint8_t nmi_pending;
    uint8_t nmi_masked; /* an NMI was delivered and the guest's IRET has not completed yet */
    uint8_t nmi_iret;   /* the handler's IRET was intercepted at nmi_iret_rip, not yet run */
    uint8_t window;     /* waiting for an interrupt window (V_IRQ + VINTR intercept) */
    uint8_t pad[4];
    uint64_t nmi_iret_rip;
    /* The timer (hv/abi/vcpu_x86_64.h). */
    uint64_t timer_deadline; /* TSC, 0 = off */
    uint64_t timer_vector;
    uint64_t reflected; /* exceptions sent straight back to the guest (HV_X86_REFLECTED) */
    struct fpu_state fpu; /* FPU/SSE and DR0..DR3, switched lazily by fpu.c */
};

_Static_assert(sizeof(struct svm_vcpu) <= sizeof(struct arch_vcpu), "svm_vcpu fits arch_vcpu");
_Static_assert(SVM_GPR(15) == __builtin_offsetof(struct svm_vcpu, gpr[15]), "svm_run.S");

static inline struct svm_vcpu *svm_vcpu(struct arch_vcpu *av)
{
    return (struct svm_vcpu *)av;
}

static inline const struct svm_vcpu *svm_vcpu_const(const struct arch_vcpu *av)
{
    return (const struct svm_vcpu *)av;
}

static inline void *svm_fxsave_area(struct svm_vcpu *sv)
{
    return fpu_fxsave_area(&sv->fpu);
}

/* ---- svm_regs.c (pure: host-tested) ---- */

/* The guest state of a CPU leaving reset (APM 14.1.3), with SVME (VMRUN requires it). */
void svm_state_reset(struct svm_vcpu *sv, struct vmcb *vmcb);
/* vcpu_read / vcpu_write of register reg: HV_ERANGE unknown, HV_EINVAL a refused value (the
 * state is then unchanged). */
int svm_reg_read(const struct svm_vcpu *sv, const struct vmcb *vmcb, const struct svm_caps *caps,
                 unsigned reg, uint64_t *val);
int svm_reg_write(struct svm_vcpu *sv, struct vmcb *vmcb, const struct svm_caps *caps,
                  unsigned reg, uint64_t val);
/* Whether VMRUN would accept the guest state in vmcb (APM 15.5.1 and the kernel's rules). */
bool svm_state_legal(const struct vmcb *vmcb, const struct svm_caps *caps);
bool svm_canonical(uint64_t va);

/* RDMSR/WRMSR exits of the MSRs whose value is guest state in the VMCB but must be checked on
 * a write (EFER: SVME is the kernel's, LME needs its order; PAT: reserved types). The kernel
 * answers those itself, so every VMM's MSR policy never sees them. */
enum svm_msr_result {
    SVM_MSR_NOT_KERNEL, /* another MSR: the VMM's */
    SVM_MSR_DONE,       /* done, RIP past the instruction */
    SVM_MSR_GP,         /* the guest gets #GP(0), RIP unchanged */
};
enum svm_msr_result svm_msr_access(struct svm_vcpu *sv, struct vmcb *vmcb,
                                   const struct svm_caps *caps, bool write);

/* ---- svm_events.c (pure: host-tested) ---- */

int svm_inject(struct svm_vcpu *sv, uint64_t vector, uint64_t flags);
/* Whether a halted guest has something to wake for (its timer is the caller's business). */
bool svm_wake_pending(const struct svm_vcpu *sv, const struct vmcb *vmcb);
/* The IRET intercept: the guest's NMI handler is returning. NMIs stay blocked until that IRET
 * has completed, which the kernel sees at the next exit from anywhere else. */
void svm_nmi_iret(struct svm_vcpu *sv, const struct vmcb *vmcb);

/* Before VMRUN: EVENTINJ, the interrupt window request and the IRET intercept. True when the
 * entry asks for a window (V_IRQ set): the caller then resynchronizes the host LAPIC after the
 * exit (x86_vcpu_run: QEMU's VMRUN can lose a host interrupt's notification then). */
bool svm_events_enter(struct svm_vcpu *sv, struct vmcb *vmcb);
/* After #VMEXIT: an event whose delivery the exit interrupted goes back to be delivered. */
void svm_events_exit(struct svm_vcpu *sv, struct vmcb *vmcb);
/* The guest takes exception vector (with error code err if the vector has one) at its next
 * entry, before anything pending (a reply's FAULT, the kernel's own #UD). */
void svm_raise(struct svm_vcpu *sv, unsigned vector, uint32_t err);
/* The VMM's reply to an exit (hv/abi/vcpu.h), applied whole or not at all. */
int svm_resume(struct svm_vcpu *sv, struct vmcb *vmcb, const struct svm_caps *caps,
               const uint64_t *w, unsigned len);
/* The length of the instruction that exited when the kernel knows it, else 0. */
unsigned svm_exit_insn_len(const struct vmcb *vmcb);

/* ---- svm.c ---- */

/* Enables SVM on this CPU (EFER.SVME, host save area, permission maps); false if absent. */
bool svm_init(void);
const struct svm_caps *svm_caps(void);
paddr_t svm_iopm_pa(void);
paddr_t svm_msrpm_pa(void);
/* The host state VMLOAD restores after a guest (VMSAVEd once at svm_init). */
paddr_t svm_host_vmcb_pa(void);
/* Called before VMRUN for the vcpu's guest vspace: TLB_CONTROL for its ASID. */
uint8_t svm_asid_tlb_control(unsigned asid);

/* ---- svm_run.S ---- */

/* Runs the guest of vmcb_pa with the GPRs of sv until #VMEXIT, with GIF=0 around it and host
 * interrupts held pending; returns with interrupts off and GIF=1. */
void svm_vmrun(struct svm_vcpu *sv, uint64_t vmcb_pa, uint64_t host_vmcb_pa);

#endif
