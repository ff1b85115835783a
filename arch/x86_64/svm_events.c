/* Events for an SVM guest: what vcpu_inject makes pending, which event the next VMRUN delivers
 * (EVENTINJ) and when an interrupt must wait for a window (V_IRQ + the VINTR intercept), the
 * re-delivery of an event an exit interrupted (EXITINTINFO), and the VMM's reply to an exit
 * (hv/abi/vcpu.h). Pure: host-tested. */
#include "cpu.h"
#include "svm.h"
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>

#define MAX_INSN_LEN 15 /* SDM vol. 2 2.3.11 */
#define ALL_PENDING(sv) ((sv)->intr_pending[0] | (sv)->intr_pending[1] | \
                         (sv)->intr_pending[2] | (sv)->intr_pending[3])

/* Exceptions a VMM may raise: not NMI (2), not the reserved or obsolete ones (9, 15, 20, 22..31
 * but 21), since EVENTINJ with those is illegal or meaningless (APM 15.20). */
static const uint32_t exceptions_allowed = 0x002f7dfb;
/* The exceptions that push an error code (APM vol. 2 8.2 table 8-1). */
static const uint32_t exceptions_with_error = 0x00227d00;

static bool exception_ok(uint64_t vector, uint64_t err)
{
    return vector < 32 && (exceptions_allowed >> vector & 1) &&
           (err == 0 || (exceptions_with_error >> vector & 1));
}

static uint64_t exception_event(unsigned vector, uint32_t err)
{
    uint64_t ev = VMCB_EVENT_VALID | VMCB_EVENT_EXCEPTION | vector;
    if (exceptions_with_error >> vector & 1)
        ev |= VMCB_EVENT_ERROR_VALID | (uint64_t)err << VMCB_EVENT_ERROR_SHIFT;
    return ev;
}

static void intr_set(struct svm_vcpu *sv, unsigned v)
{
    sv->intr_pending[v / 64] |= 1ull << (v % 64);
}

/* The highest pending vector (the LAPIC's priority order), or 0. */
static unsigned intr_highest(const struct svm_vcpu *sv)
{
    for (int w = 3; w >= 0; w--)
        if (sv->intr_pending[w])
            return (unsigned)w * 64 + 63 - (unsigned)__builtin_clzll(sv->intr_pending[w]);
    return 0;
}

int svm_inject(struct svm_vcpu *sv, uint64_t vector, uint64_t flags)
{
    uint64_t kind = flags & 0xffffffffu, err = flags >> 32;

    switch (kind) {
    case HV_X86_INJECT_INTR:
        if (vector < 32 || vector > 255 || err)
            return HV_EINVAL;
        intr_set(sv, (unsigned)vector);
        return HV_OK;
    case HV_X86_INJECT_NMI:
        if (vector != X86_EXC_NMI || err)
            return HV_EINVAL;
        sv->nmi_pending = 1;
        return HV_OK;
    case HV_X86_INJECT_EXCEPTION: {
        if (!exception_ok(vector, err))
            return HV_EINVAL;
        uint64_t ev = exception_event((unsigned)vector, (uint32_t)err);
        if (sv->exc_event && sv->exc_event != ev)
            return HV_EBUSY;
        sv->exc_event = ev;
        return HV_OK;
    }
    }
    return HV_EINVAL;
}

/* The intercept comes before the IRET runs: a second NMI injected there would be taken on the
 * handler's own stack frame before it returns (APM vol. 2 8.2.2: NMIs stay blocked until the
 * IRET completes). Once the guest is seen at another instruction, the IRET is done. The next
 * exit comes at the latest with the kernel's next tick, which bounds how late a waiting NMI
 * arrives. */
void svm_nmi_iret(struct svm_vcpu *sv, const struct vmcb *vmcb)
{
    sv->nmi_iret = 1;
    sv->nmi_iret_rip = vmcb->save.rip;
}

static bool nmi_blocked(const struct svm_vcpu *sv, const struct vmcb *vmcb)
{
    return sv->nmi_masked && !(sv->nmi_iret && vmcb->save.rip != sv->nmi_iret_rip);
}

bool svm_wake_pending(const struct svm_vcpu *sv, const struct vmcb *vmcb)
{
    /* HLT ends for an NMI or an exception, and for an interrupt only if the guest takes
     * interrupts (a guest's "cli; hlt" stays halted, as on hardware). */
    if (sv->next_event || sv->exc_event || (sv->nmi_pending && !nmi_blocked(sv, vmcb)))
        return true;
    return ALL_PENDING(sv) && (vmcb->save.rflags & RFLAGS_IF);
}

bool svm_events_enter(struct svm_vcpu *sv, struct vmcb *vmcb)
{
    struct vmcb_control *c = &vmcb->control;
    uint64_t ev = 0;

    if (sv->nmi_masked && !nmi_blocked(sv, vmcb))
        sv->nmi_masked = sv->nmi_iret = 0;
    if (sv->next_event) {
        ev = sv->next_event;
        sv->next_event = 0;
    } else if (sv->exc_event) {
        ev = sv->exc_event;
        sv->exc_event = 0;
    } else if (sv->nmi_pending && !sv->nmi_masked) {
        ev = VMCB_EVENT_VALID | VMCB_EVENT_NMI | X86_EXC_NMI;
        sv->nmi_pending = 0;
        sv->nmi_masked = 1;
    } else if (ALL_PENDING(sv) && (vmcb->save.rflags & RFLAGS_IF) &&
               !(c->int_state & VMCB_INTERRUPT_SHADOW)) {
        unsigned v = intr_highest(sv);
        sv->intr_pending[v / 64] &= ~(1ull << (v % 64));
        ev = VMCB_EVENT_VALID | VMCB_EVENT_INTR | v;
    }
    c->event_inj = ev;

    /* An interrupt still pending waits for the guest to open a window: a virtual interrupt
     * (V_IRQ, ignoring the guest's TPR: priorities are the VMM's LAPIC model's business) makes
     * the CPU exit with VINTR as soon as the guest could take it (APM 15.21.4). */
    uint64_t window = VMCB_V_IRQ | VMCB_V_IGN_TPR | 0xfull << VMCB_V_INTR_PRIO_SHIFT;
    sv->window = ALL_PENDING(sv) != 0;
    if (sv->window) {
        c->int_ctl |= window;
        c->intercept_misc1 |= VMCB_I1_VINTR;
    } else {
        c->int_ctl &= ~window;
        c->intercept_misc1 &= ~VMCB_I1_VINTR;
    }
    /* The CPU does not track the guest's NMI blocking for an injected NMI: the kernel does,
     * until the handler's IRET has completed (svm_nmi_iret). */
    if (sv->nmi_masked && !sv->nmi_iret)
        c->intercept_misc1 |= VMCB_I1_IRET;
    else
        c->intercept_misc1 &= ~VMCB_I1_IRET;
    return sv->window;
}

void svm_events_exit(struct svm_vcpu *sv, struct vmcb *vmcb)
{
    uint64_t ii = vmcb->control.exit_int_info;
    if (!(ii & VMCB_EVENT_VALID))
        return;
    uint64_t type = ii & VMCB_EVENT_TYPE_MASK, vector = ii & VMCB_EVENT_VECTOR_MASK;
    /* A software interrupt, INT3 or INTO is raised again by running its instruction again
     * (RIP still points at it, and without NRIP the kernel could not re-inject it right). */
    if (type == VMCB_EVENT_SOFT_INT ||
        (type == VMCB_EVENT_EXCEPTION && (vector == 3 || vector == 4)))
        return;
    sv->next_event = ii & (VMCB_EVENT_VALID | VMCB_EVENT_TYPE_MASK | VMCB_EVENT_VECTOR_MASK |
                           VMCB_EVENT_ERROR_VALID | 0xffffffffull << VMCB_EVENT_ERROR_SHIFT);
}

void svm_raise(struct svm_vcpu *sv, unsigned vector, uint32_t err)
{
    /* An interrupted external interrupt or NMI must not be lost to the new exception: it goes
     * back to pending and is delivered after it. */
    uint64_t ev = sv->next_event, type = ev & VMCB_EVENT_TYPE_MASK;
    if (ev && type == VMCB_EVENT_INTR)
        intr_set(sv, (unsigned)(ev & VMCB_EVENT_VECTOR_MASK));
    if (ev && type == VMCB_EVENT_NMI) {
        sv->nmi_pending = 1;
        sv->nmi_masked = 0;
    }
    sv->next_event = exception_event(vector, err);
}

unsigned svm_exit_insn_len(const struct vmcb *vmcb)
{
    /* No NRIP save and no decode assists under QEMU (qemu-facts.md): the lengths of these
     * instructions are fixed (without prefixes, which no real guest puts on them). */
    switch (vmcb->control.exit_code) {
    case SVM_EXIT_IOIO: {
        uint64_t next = vmcb->control.exit_info2; /* the next RIP, by the APM's definition */
        uint64_t len = next - vmcb->save.rip;
        return len >= 1 && len <= MAX_INSN_LEN ? (unsigned)len : 0;
    }
    case SVM_EXIT_HLT: return 1;
    case SVM_EXIT_CPUID:
    case SVM_EXIT_MSR:
    case SVM_EXIT_INVD:
    case SVM_EXIT_RDPMC: return 2;
    case SVM_EXIT_VMMCALL:
    case SVM_EXIT_XSETBV:
    case SVM_EXIT_MONITOR:
    case SVM_EXIT_MWAIT:
    case SVM_EXIT_MWAIT_COND: return 3;
    }
    return 0;
}

/* Checks a reply's ADVANCE or FAULT word and says what to do; changes nothing. */
static int check_step(const struct vmcb *vmcb, uint64_t flags, uint64_t arg, uint64_t *advance,
                      unsigned *vector, uint32_t *err)
{
    *advance = 0;
    if (flags & HV_VCPU_RESUME_ADVANCE) {
        *advance = arg ? arg : svm_exit_insn_len(vmcb);
        if (*advance == 0 || *advance > MAX_INSN_LEN ||
            !svm_canonical(vmcb->save.rip + *advance))
            return HV_EINVAL;
    }
    if (flags & HV_VCPU_RESUME_FAULT) {
        if (arg == 0) {
            *vector = X86_EXC_GP, *err = 0;
            return HV_OK;
        }
        /* vector | 1 << 8 | error_code << 32, and nothing else */
        if ((arg & 0xffffff00u) != 1u << 8 || !exception_ok(arg & 0xff, arg >> 32))
            return HV_EINVAL;
        *vector = arg & 0xff, *err = (uint32_t)(arg >> 32);
    }
    return HV_OK;
}

int svm_resume(struct svm_vcpu *sv, struct vmcb *vmcb, const struct svm_caps *caps,
               const uint64_t *w, unsigned len)
{
    uint64_t word[HV_VCPU_EXIT_WORDS] = {0};
    for (unsigned i = 0; i < len && i < HV_VCPU_EXIT_WORDS; i++)
        word[i] = w[i];
    uint64_t flags = word[0], advance, old_a = 0;
    unsigned vector = 0;
    uint32_t err = 0;

    if (len == 0)
        return HV_OK; /* resume unchanged: the instruction runs again */
    if ((flags & ~(uint64_t)HV_VCPU_RESUME_ALL) ||
        ((flags & HV_VCPU_RESUME_ADVANCE) && (flags & HV_VCPU_RESUME_FAULT)))
        return HV_EINVAL;
    int r = check_step(vmcb, flags, word[1], &advance, &vector, &err);
    if (r)
        return r;
    /* SET_A, then SET_B; a refused SET_B takes SET_A back (its old value was legal). */
    if (flags & HV_VCPU_RESUME_SET_A) {
        if (word[2] > UINT32_MAX || svm_reg_read(sv, vmcb, caps, (unsigned)word[2], &old_a) ||
            svm_reg_write(sv, vmcb, caps, (unsigned)word[2], word[3]))
            return HV_EINVAL;
    }
    if (flags & HV_VCPU_RESUME_SET_B) {
        if (word[4] > UINT32_MAX || svm_reg_write(sv, vmcb, caps, (unsigned)word[4], word[5])) {
            if (flags & HV_VCPU_RESUME_SET_A)
                svm_reg_write(sv, vmcb, caps, (unsigned)word[2], old_a);
            return HV_EINVAL;
        }
    }
    if (flags & HV_VCPU_RESUME_ADVANCE) {
        vmcb->save.rip += advance;
        /* The instruction completed: a shadow it was under ends with it. */
        vmcb->control.int_state &= ~VMCB_INTERRUPT_SHADOW;
    }
    if (flags & HV_VCPU_RESUME_FAULT)
        svm_raise(sv, vector, err);
    return HV_OK;
}
