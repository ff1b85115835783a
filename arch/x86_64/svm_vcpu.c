/* x86_64 vcpus under AMD SVM: the arch_vcpu contract (the VMCB in the object's second page,
 * the rest in struct svm_vcpu), running a vcpu thread's guest until an exit, and what becomes
 * of each exit: handled here (interrupts, windows, HLT, instructions a guest must not have),
 * or a message to the VMM (vcpu_exit). */
#include "cpu.h"
#include "intc.h"
#include "svm.h"
#include "timer.h"
#include "vcpu_run.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>
#include <kernel/printk.h>
#include <kernel/tick.h>
#include <kernel/vcpu.h>
#include <kernel/vspace.h>

#define X86_EXC_DB 1
#define X86_EXC_AC 17

static struct vmcb *vmcb_of(const struct svm_vcpu *sv)
{
    return arch_phys_to_virt(pa_init(sv->vmcb_pa));
}

/* The intercepts every guest runs with (docs/vcpu.md, x86_64): physical interrupts and NMIs
 * come to the host; every port, every MSR but a safe few, CPUID, HLT, VMMCALL and anything a
 * guest could use to nest (the SVM instructions), flush caches (INVD), read host counters
 * (RDPMC), wait in hardware (MONITOR/MWAIT), change XCR0 or hang the CPU (#AC, #DB) exits. */
static void control_init(struct vmcb *vmcb)
{
    struct vmcb_control *c = &vmcb->control;
    uint8_t *b = (uint8_t *)c;
    for (unsigned i = 0; i < sizeof(*c); i++)
        b[i] = 0;
    c->intercept_exceptions = 1u << X86_EXC_DB | 1u << X86_EXC_AC;
    /* CR8 is the TPR, which is the VMM's LAPIC model's (the VMM answers the MOV): without the
     * intercept a guest's CR8 would go to V_TPR, which nothing else reads. */
    c->intercept_cr_read = c->intercept_cr_write = 1u << 8;
    c->intercept_misc1 = VMCB_I1_INTR | VMCB_I1_NMI | VMCB_I1_RDPMC | VMCB_I1_CPUID |
                         VMCB_I1_INVD | VMCB_I1_HLT | VMCB_I1_INVLPGA | VMCB_I1_IOIO_PROT |
                         VMCB_I1_MSR_PROT | VMCB_I1_SHUTDOWN;
    c->intercept_misc2 = VMCB_I2_VMRUN | VMCB_I2_VMMCALL | VMCB_I2_VMLOAD | VMCB_I2_VMSAVE |
                         VMCB_I2_STGI | VMCB_I2_CLGI | VMCB_I2_SKINIT | VMCB_I2_MONITOR |
                         VMCB_I2_MWAIT | VMCB_I2_MWAIT_COND | VMCB_I2_XSETBV;
    c->iopm_base_pa = pa_addr(svm_iopm_pa());
    c->msrpm_base_pa = pa_addr(svm_msrpm_pa());
    c->int_ctl = VMCB_V_INTR_MASKING;
    c->np_control = VMCB_NP_ENABLE;
}

void arch_vcpu_reset(struct arch_vcpu *av, paddr_t arch_page)
{
    struct svm_vcpu *sv = svm_vcpu(av);
    sv->vmcb_pa = pa_addr(arch_page);
    struct vmcb *vmcb = vmcb_of(sv);
    control_init(vmcb);
    svm_state_reset(sv, vmcb);
}

static bool timer_expired(const struct svm_vcpu *sv);

int arch_vcpu_read(const struct arch_vcpu *av, unsigned reg, uint64_t *val)
{
    const struct svm_vcpu *sv = svm_vcpu_const(av);
    int r = svm_reg_read(sv, vmcb_of(sv), svm_caps(), reg, val);
    /* A deadline that has passed is an interrupt made pending, even before the vcpu runs again
     * and its vector enters the pending set: the VMM already counts it as handed over. */
    uint64_t v = sv->timer_vector;
    if (r == HV_OK && reg == HV_X86_INTR_PENDING + v / 64 && timer_expired(sv))
        *val |= 1ull << (v % 64);
    return r;
}

static void timer_check(struct svm_vcpu *sv);

int arch_vcpu_write(struct arch_vcpu *av, unsigned reg, uint64_t val)
{
    struct svm_vcpu *sv = svm_vcpu(av);
    /* A deadline that has passed delivers its vector even when the VMM replaces it before the
     * vcpu runs again: the VMM saw the time pass and counts that interrupt as delivered. */
    if (reg == HV_X86_TIMER_DEADLINE || reg == HV_X86_TIMER_VECTOR)
        timer_check(sv);
    return svm_reg_write(sv, vmcb_of(sv), svm_caps(), reg, val);
}

/* A store's length is the instruction's, which only a decoder knows (the NPF gives no next
 * RIP): the VMM's trap path keeps the doorbell (hv/abi/vcpu.h). */
bool arch_vcpu_has_doorbells(void)
{
    return false;
}

int arch_vcpu_inject(struct arch_vcpu *av, uint64_t irq, uint64_t flags)
{
    return svm_inject(svm_vcpu(av), irq, flags);
}

int arch_vcpu_resume(struct arch_vcpu *av, const uint64_t *w, unsigned len)
{
    struct svm_vcpu *sv = svm_vcpu(av);
    return svm_resume(sv, vmcb_of(sv), svm_caps(), w, len);
}

static bool timer_expired(const struct svm_vcpu *sv)
{
    return sv->timer_deadline && x86_tsc_now() >= sv->timer_deadline;
}

bool arch_vcpu_wake_pending(const struct arch_vcpu *av)
{
    const struct svm_vcpu *sv = svm_vcpu_const(av);
    const struct vmcb *vmcb = vmcb_of(sv);
    /* The timer's vector is an interrupt like any other: it wakes a guest that takes them. */
    return svm_wake_pending(sv, vmcb) || (timer_expired(sv) && (vmcb->save.rflags & RFLAGS_IF));
}

uint64_t arch_vcpu_wake_deadline(const struct arch_vcpu *av)
{
    const struct svm_vcpu *sv = svm_vcpu_const(av);
    if (!sv->timer_deadline || !(vmcb_of(sv)->save.rflags & RFLAGS_IF))
        return UINT64_MAX;
    return x86_tsc_to_counter(sv->timer_deadline);
}

/* ---- running a guest ---- */

/* A passed deadline makes its vector pending, once. */
static void timer_check(struct svm_vcpu *sv)
{
    if (!timer_expired(sv))
        return;
    uint64_t v = sv->timer_vector;
    sv->timer_deadline = 0;
    sv->intr_pending[v / 64] |= 1ull << (v % 64);
}

static void exit_to_vmm(struct thread *t, struct svm_vcpu *sv, struct vmcb *vmcb)
{
    const struct vmcb_control *c = &vmcb->control;
    unsigned len = svm_exit_insn_len(vmcb);
    /* QEMU 7.2 stores VMEXIT_INVALID as a 32-bit -1: VMMs see the APM's 64-bit one. */
    uint64_t code = c->exit_code == 0xffffffffu ? SVM_EXIT_INVALID : c->exit_code;
    uint64_t w[HV_VCPU_EXIT_WORDS] = {
        [HV_VCPU_W_CODE] = code,
        [HV_VCPU_W_ADDR] = c->exit_info2,
        [HV_VCPU_W_PC] = vmcb->save.rip,
        [HV_X86_W_EXITINFO1] = c->exit_info1,
        [HV_X86_W_RAX] = vmcb->save.rax,
        [HV_X86_W_NEXT_RIP] = len ? vmcb->save.rip + len : 0,
    };
    vcpu_exit(t, w);
}

/* A physical interrupt made the guest exit and waits, held by IF=0: take it now, through the
 * IDT as in the idle loop (STI's shadow covers the NOP, the interrupt comes before CLI). */
static void exit_intr(struct thread *t, struct svm_vcpu *sv, struct vmcb *vmcb)
{
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

/* Nothing to do: an NMI was taken by the host at STGI; a window opened (svm_events_enter
 * injects at the next entry). */
static void exit_nothing(struct thread *t, struct svm_vcpu *sv, struct vmcb *vmcb)
{
}

/* The guest's NMI handler returns: NMIs may be delivered again once the IRET has run. */
static void exit_iret(struct thread *t, struct svm_vcpu *sv, struct vmcb *vmcb)
{
    svm_nmi_iret(sv, vmcb);
}

static void exit_hlt(struct thread *t, struct svm_vcpu *sv, struct vmcb *vmcb)
{
    /* HLT is one byte; an interrupt that ends the wait returns after it. */
    vmcb->save.rip += 1;
    vmcb->control.int_state &= ~VMCB_INTERRUPT_SHADOW;
    timer_check(sv);
    vcpu_idle(t);
}

/* SVM instructions: the guest is told there is no SVM (docs/vcpu.md): #UD, as a CPU without
 * it would raise, with no trip to the VMM. */
static void exit_undefined(struct thread *t, struct svm_vcpu *sv, struct vmcb *vmcb)
{
    sv->reflected++;
    svm_raise(sv, X86_EXC_UD, 0);
}

/* An intercepted #AC goes back to the guest: every alignment check is then an exit, and a
 * guest whose #AC handler faults again loops through the kernel, where interrupts get in,
 * instead of inside the CPU where they can't (CVE-2015-5307). */
static void exit_alignment(struct thread *t, struct svm_vcpu *sv, struct vmcb *vmcb)
{
    sv->reflected++;
    svm_raise(sv, X86_EXC_AC, (uint32_t)vmcb->control.exit_info1);
}

/* The same for #DB (CVE-2015-8104): a #DB whose delivery raises #DB again (a data breakpoint
 * on the IDT entry or the handler's stack) would loop inside the CPU. The CPU has already
 * updated the guest's DR6 in the VMCB, which VMRUN gives back, so reflecting it is only the
 * injection. */
static void exit_debug(struct thread *t, struct svm_vcpu *sv, struct vmcb *vmcb)
{
    sv->reflected++;
    svm_raise(sv, X86_EXC_DB, 0);
}

/* A refused write of EFER or PAT leaves a kernel line (an audit record no guest or task can
 * write; the evaluation's LP-1), at the 1st, 2nd, 4th, ... refusal since boot: a guest writing
 * in a loop costs the kernel a line per doubling. */
static void msr_refused(const struct svm_vcpu *sv, const struct vmcb *vmcb)
{
    static uint64_t refused;
    refused++;
    if (refused & (refused - 1))
        return;
    printk("kernel: vcpu: a guest's WRMSR 0x%x of 0x%lx refused with #GP (%lu such refusals so "
           "far)\n", (uint32_t)sv->gpr[HV_X86_RCX],
           (sv->gpr[HV_X86_RDX] << 32) | (vmcb->save.rax & 0xffffffffu), refused);
}

/* EFER and PAT are the kernel's (svm_msr_access); every other MSR exit is the VMM's. */
static void exit_msr(struct thread *t, struct svm_vcpu *sv, struct vmcb *vmcb)
{
    switch (svm_msr_access(sv, vmcb, svm_caps(), vmcb->control.exit_info1 & 1)) {
    case SVM_MSR_DONE: return;
    case SVM_MSR_GP:
        msr_refused(sv, vmcb);
        svm_raise(sv, X86_EXC_GP, 0);
        return;
    case SVM_MSR_NOT_KERNEL: exit_to_vmm(t, sv, vmcb); return;
    }
}

typedef void (*exit_handler)(struct thread *, struct svm_vcpu *, struct vmcb *);

static const exit_handler handlers[SVM_EXIT_XSETBV + 1] = {
    [SVM_EXIT_EXCP_BASE + X86_EXC_DB] = exit_debug,
    [SVM_EXIT_EXCP_BASE + X86_EXC_AC] = exit_alignment,
    [SVM_EXIT_INTR] = exit_intr,
    [SVM_EXIT_NMI] = exit_nothing,
    [SVM_EXIT_VINTR] = exit_nothing,
    [SVM_EXIT_IRET] = exit_iret,
    [SVM_EXIT_HLT] = exit_hlt,
    [SVM_EXIT_MSR] = exit_msr,
    [SVM_EXIT_INVLPGA] = exit_undefined,
    [SVM_EXIT_VMRUN] = exit_undefined,
    [SVM_EXIT_VMLOAD] = exit_undefined,
    [SVM_EXIT_VMSAVE] = exit_undefined,
    [SVM_EXIT_STGI] = exit_undefined,
    [SVM_EXIT_CLGI] = exit_undefined,
    [SVM_EXIT_SKINIT] = exit_undefined,
};

void x86_vcpu_run(struct thread *t)
{
    struct vcpu *v = t->vcpu;
    struct svm_vcpu *sv = svm_vcpu(&v->arch);
    struct vmcb *vmcb = vmcb_of(sv);
    const struct arch_vspace *avs = &v->vspace->arch;
    unsigned asid = (unsigned)avs->words[1];

    timer_check(sv);
    bool window = svm_events_enter(sv, vmcb);
    vmcb->control.guest_asid = asid;
    vmcb->control.n_cr3 = avs->words[0];
    vmcb->control.tlb_control = svm_asid_tlb_control(asid);
    /* The host timer must come for the guest's own deadline even while it runs. */
    if (sv->timer_deadline)
        tick_wake_at(x86_tsc_to_counter(sv->timer_deadline));
    fpu_switch_to(&sv->fpu);
    svm_vmrun(sv, sv->vmcb_pa, pa_addr(svm_host_vmcb_pa()));
    /* QEMU 7.2's VMRUN marks a V_IRQ pending with a plain read-modify-write of the CPU's
     * interrupt-request word, outside its big lock (target/i386 helper_vmrun). A host
     * interrupt raised by QEMU's I/O thread in that instant (the LAPIC timer firing) has its
     * request bit overwritten: the vector stays in the LAPIC's IRR and the CPU is never told,
     * so it is never delivered, the one-shot timer is never re-armed and the machine sleeps
     * for good (docs/vcpu.md, x86_64: "A lost host interrupt"). The LAPIC still holds the
     * vector: making it re-evaluate from this thread raises the request again. Only entries
     * with V_IRQ are exposed; the window exit comes as soon as the guest opens it. */
    if (window)
        lapic_resync();
    svm_events_exit(sv, vmcb);

    uint64_t code = vmcb->control.exit_code;
    exit_handler h = code < ARRAY_SIZE(handlers) ? handlers[code] : NULL;
    (h ? h : exit_to_vmm)(t, sv, vmcb);
}
