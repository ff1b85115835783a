/* A guest's registers as vcpu_read/vcpu_write see them (hv/abi/vcpu_x86_64.h), where each lives
 * (the VMCB or struct svm_vcpu), and the rule that no write leaves a state VMRUN would refuse
 * (APM vol. 2 15.5.1): a refused write is HV_EINVAL and changes nothing. Pure: host-tested. */
#include "cpu.h"
#include "svm.h"
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>

#define CR0_ET BIT(4)
#define CR4_VMXE BIT(13)
#define DR6_RESET 0xffff0ff0ull
#define DR7_RESET 0x400ull
#define PAT_RESET 0x0007040600070406ull
/* RFLAGS bits that are reserved: 3, 5, 15 and 22..63 must be 0, bit 1 must be 1. */
#define RFLAGS_MBZ (BIT(3) | BIT(5) | BIT(15) | ~0x3fffffull)
#define ATTR_DPL_SHIFT 5
#define ATTR_L BIT(9)
#define ATTR_DB BIT(10)
#define RFLAGS_VM BIT(17)

bool svm_canonical(uint64_t va)
{
    /* 48-bit virtual addresses: bits 63:47 all equal (APM vol. 2 5.3.1). */
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static struct vmcb_seg *seg_of(struct vmcb *vmcb, unsigned s)
{
    struct vmcb_seg *const segs[] = {&vmcb->save.es, &vmcb->save.cs, &vmcb->save.ss,
                                     &vmcb->save.ds, &vmcb->save.fs, &vmcb->save.gs,
                                     &vmcb->save.ldtr, &vmcb->save.tr};
    return segs[s];
}

static bool seg_legal(const struct vmcb_seg *s)
{
    return s->attrib < 0x1000 && svm_canonical(s->base);
}

static bool pat_legal(uint64_t pat)
{
    /* Memory types 2 and 3 are reserved, as is anything above 7 (APM vol. 2 7.8.1). */
    for (unsigned i = 0; i < 8; i++) {
        unsigned t = (pat >> (8 * i)) & 0xff;
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

bool svm_state_legal(const struct vmcb *vmcb, const struct svm_caps *caps)
{
    const struct vmcb_save *s = &vmcb->save;
    bool long_paging = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);

    if ((s->cr0 >> 32) || ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD)) ||
        ((s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE)))
        return false;
    if (s->cr3 >> caps->pa_bits || s->cr4 & ~caps->cr4_allowed)
        return false;
    if (!(s->efer & EFER_SVME) || s->efer & ~(caps->efer_allowed | EFER_SVME | EFER_LMA))
        return false;
    /* LMA is the CPU's, kept equal to LME && PG by the writes (svm_reg_write). */
    if (!!(s->efer & EFER_LMA) != long_paging)
        return false;
    if (long_paging && (!(s->cr4 & CR4_PAE) ||
                        ((s->cs.attrib & ATTR_L) && (s->cs.attrib & ATTR_DB))))
        return false;
    if ((s->dr6 >> 32) || (s->dr7 >> 32) || !pat_legal(s->g_pat))
        return false;
    if ((s->rflags & RFLAGS_MBZ) || !(s->rflags & RFLAGS_FIXED) || !svm_canonical(s->rip))
        return false;
    const struct vmcb_seg *const segs[] = {&s->es, &s->cs, &s->ss, &s->ds,   &s->fs,
                                           &s->gs, &s->ldtr, &s->tr, &s->gdtr, &s->idtr};
    for (unsigned i = 0; i < ARRAY_SIZE(segs); i++)
        if (!seg_legal(segs[i]))
            return false;
    return s->gdtr.limit <= 0xffff && s->idtr.limit <= 0xffff;
}

/* What the CPU derives itself and a VMM can't set: LMA, and the CPL (SS.DPL in protected
 * mode, 3 in virtual-8086 mode, 0 in real mode). */
static void derive(struct vmcb_save *s)
{
    s->efer &= ~EFER_LMA;
    if ((s->efer & EFER_LME) && (s->cr0 & CR0_PG))
        s->efer |= EFER_LMA;
    if (!(s->cr0 & CR0_PE))
        s->cpl = 0;
    else if (s->rflags & RFLAGS_VM)
        s->cpl = 3;
    else
        s->cpl = (s->ss.attrib >> ATTR_DPL_SHIFT) & 3;
}

static void seg_reset(struct vmcb_seg *s, uint16_t attrib)
{
    *s = (struct vmcb_seg){.selector = 0, .attrib = attrib, .limit = 0xffff, .base = 0};
}

void svm_state_reset(struct svm_vcpu *sv, struct vmcb *vmcb)
{
    struct vmcb_save *s = &vmcb->save;
    uint8_t *b = (uint8_t *)s;

    for (unsigned i = 0; i < sizeof(*s); i++)
        b[i] = 0;
    for (unsigned i = 0; i < 16; i++)
        sv->gpr[i] = 0;
    for (unsigned i = 0; i < 4; i++) {
        sv->intr_pending[i] = 0;
        sv->fpu.dr[i] = 0;
    }
    sv->next_event = sv->exc_event = 0;
    sv->nmi_pending = sv->nmi_masked = sv->nmi_iret = sv->window = 0;
    sv->timer_deadline = sv->timer_vector = 0;

    /* APM vol. 2 14.1.3: real mode at 0xffff_fff0, caches off, no paging. */
    seg_reset(&s->es, 0x93);
    seg_reset(&s->cs, 0x9b);
    s->cs.selector = 0xf000;
    s->cs.base = 0xffff0000;
    seg_reset(&s->ss, 0x93);
    seg_reset(&s->ds, 0x93);
    seg_reset(&s->fs, 0x93);
    seg_reset(&s->gs, 0x93);
    seg_reset(&s->gdtr, 0);
    seg_reset(&s->idtr, 0);
    seg_reset(&s->ldtr, 0x82);
    seg_reset(&s->tr, 0x8b);
    s->rip = 0xfff0;
    s->rflags = RFLAGS_FIXED;
    s->cr0 = CR0_CD | CR0_NW | CR0_ET;
    s->efer = EFER_SVME; /* VMRUN refuses a guest EFER without it; the guest never sees it */
    s->dr6 = DR6_RESET;
    s->dr7 = DR7_RESET;
    s->g_pat = PAT_RESET;

    /* FXSAVE image of FNINIT plus the reset MXCSR (SDM vol. 1 table 10-2). */
    uint8_t *fx = svm_fxsave_area(sv);
    for (unsigned i = 0; i < FPU_FXSAVE_SIZE; i++)
        fx[i] = 0;
    fx[0] = 0x7f, fx[1] = 0x03; /* FCW 0x037f */
    fx[24] = 0x80, fx[25] = 0x1f; /* MXCSR 0x1f80 */
}

/* A 64-bit field of the save area for the registers that are plain values. */
static uint64_t *plain_field(struct vmcb *vmcb, unsigned reg)
{
    struct vmcb_save *s = &vmcb->save;
    switch (reg) {
    case HV_X86_RAX: return &s->rax;
    case HV_X86_RSP: return &s->rsp;
    case HV_X86_RIP: return &s->rip;
    case HV_X86_RFLAGS: return &s->rflags;
    case HV_X86_CR0: return &s->cr0;
    case HV_X86_CR2: return &s->cr2;
    case HV_X86_CR3: return &s->cr3;
    case HV_X86_CR4: return &s->cr4;
    case HV_X86_EFER: return &s->efer;
    case HV_X86_DR6: return &s->dr6;
    case HV_X86_DR7: return &s->dr7;
    case HV_X86_PAT: return &s->g_pat;
    case HV_X86_GDTR_BASE: return &s->gdtr.base;
    case HV_X86_IDTR_BASE: return &s->idtr.base;
    case HV_X86_STAR: return &s->star;
    case HV_X86_LSTAR: return &s->lstar;
    case HV_X86_CSTAR: return &s->cstar;
    case HV_X86_SFMASK: return &s->sfmask;
    case HV_X86_KERNEL_GS_BASE: return &s->kernel_gs_base;
    case HV_X86_SYSENTER_CS: return &s->sysenter_cs;
    case HV_X86_SYSENTER_ESP: return &s->sysenter_esp;
    case HV_X86_SYSENTER_EIP: return &s->sysenter_eip;
    }
    return NULL;
}

/* HV_X86_INTR_PENDING + n: the external interrupts of vectors 64n..64n+63 made pending that
 * the guest has not taken, the pending set and one whose delivery an exit cut short (EXITINTINFO,
 * injected again at the next entry). A timer past its deadline is arch_vcpu_read's to add. */
static uint64_t intr_undelivered(const struct svm_vcpu *sv, unsigned n)
{
    uint64_t bits = sv->intr_pending[n], ev = sv->next_event;
    if ((ev & VMCB_EVENT_VALID) && (ev & VMCB_EVENT_TYPE_MASK) == VMCB_EVENT_INTR) {
        unsigned v = ev & VMCB_EVENT_VECTOR_MASK;
        if (v / 64 == n)
            bits |= 1ull << (v % 64);
    }
    return bits;
}

static bool is_seg_reg(unsigned reg)
{
    return reg >= HV_X86_SEG_FIRST && reg < HV_X86_SEG(HV_X86_TR + 1, 0);
}

int svm_reg_read(const struct svm_vcpu *sv, const struct vmcb *vmcb, const struct svm_caps *caps,
                 unsigned reg, uint64_t *val)
{
    /* The lookups are the writer's; nothing below writes. */
    struct vmcb *v = (struct vmcb *)vmcb;
    uint64_t *f = plain_field(v, reg);

    if (f) {
        *val = reg == HV_X86_EFER ? *f & ~EFER_SVME : *f; /* SVME is the kernel's business */
    } else if (reg < 16) {
        *val = sv->gpr[reg];
    } else if (is_seg_reg(reg)) {
        const struct vmcb_seg *s = seg_of(v, (reg - HV_X86_SEG_FIRST) / 4);
        const uint64_t fields[] = {s->selector, s->base, s->limit, s->attrib};
        *val = fields[(reg - HV_X86_SEG_FIRST) % 4];
    } else {
        switch (reg) {
        case HV_X86_GDTR_LIMIT: *val = vmcb->save.gdtr.limit; break;
        case HV_X86_IDTR_LIMIT: *val = vmcb->save.idtr.limit; break;
        case HV_X86_INTR_SHADOW: *val = vmcb->control.int_state & VMCB_INTERRUPT_SHADOW; break;
        case HV_X86_TIMER_DEADLINE: *val = sv->timer_deadline; break;
        case HV_X86_TIMER_VECTOR: *val = sv->timer_vector; break;
        case HV_X86_TSC_HZ: *val = caps->tsc_hz; break;
        case HV_X86_REFLECTED: *val = sv->reflected; break;
        case HV_X86_INTR_PENDING + 0:
        case HV_X86_INTR_PENDING + 1:
        case HV_X86_INTR_PENDING + 2:
        case HV_X86_INTR_PENDING + 3:
            *val = intr_undelivered(sv, reg - HV_X86_INTR_PENDING);
            break;
        default: return HV_ERANGE;
        }
    }
    return HV_OK;
}

/* Registers outside the save area's legality rules: the GPRs, the shadow and the timer. */
static int write_other(struct svm_vcpu *sv, struct vmcb *vmcb, unsigned reg, uint64_t val)
{
    switch (reg) {
    case HV_X86_INTR_SHADOW:
        if (val > 1)
            return HV_EINVAL;
        vmcb->control.int_state = val;
        return HV_OK;
    case HV_X86_TIMER_VECTOR:
        if (val < 32 || val > 255)
            return HV_EINVAL;
        sv->timer_vector = val;
        return HV_OK;
    case HV_X86_TIMER_DEADLINE:
        if (val && !sv->timer_vector)
            return HV_EINVAL; /* it would fire with no vector to make pending */
        sv->timer_deadline = val;
        return HV_OK;
    case HV_X86_TSC_HZ:
    case HV_X86_REFLECTED:
    case HV_X86_INTR_PENDING + 0:
    case HV_X86_INTR_PENDING + 1:
    case HV_X86_INTR_PENDING + 2:
    case HV_X86_INTR_PENDING + 3:
        return HV_EINVAL; /* read-only */
    }
    if (reg < 16 && reg != HV_X86_RAX && reg != HV_X86_RSP) {
        sv->gpr[reg] = val;
        return HV_OK;
    }
    return HV_ERANGE;
}

/* Writes val to the state-save field of reg; HV_EINVAL if it does not fit the field. */
static int write_state(struct vmcb *vmcb, unsigned reg, uint64_t val)
{
    uint64_t *f = plain_field(vmcb, reg);
    if (f) {
        if (reg == HV_X86_EFER) {
            if (val & EFER_SVME)
                return HV_EINVAL;
            val |= EFER_SVME;
        }
        *f = val;
        return HV_OK;
    }
    if (reg == HV_X86_GDTR_LIMIT || reg == HV_X86_IDTR_LIMIT) {
        if (val > 0xffff)
            return HV_EINVAL;
        (reg == HV_X86_GDTR_LIMIT ? &vmcb->save.gdtr : &vmcb->save.idtr)->limit = (uint32_t)val;
        return HV_OK;
    }
    if (!is_seg_reg(reg))
        return HV_ERANGE;
    struct vmcb_seg *s = seg_of(vmcb, (reg - HV_X86_SEG_FIRST) / 4);
    switch ((reg - HV_X86_SEG_FIRST) % 4) {
    case HV_X86_SEG_SEL:
        if (val > 0xffff)
            return HV_EINVAL;
        s->selector = (uint16_t)val;
        break;
    case HV_X86_SEG_BASE: s->base = val; break;
    case HV_X86_SEG_LIMIT:
        if (val > UINT32_MAX)
            return HV_EINVAL;
        s->limit = (uint32_t)val;
        break;
    default:
        if (val > 0xffff)
            return HV_EINVAL;
        s->attrib = (uint16_t)val;
        break;
    }
    return HV_OK;
}

/* Registers the legality rules never look at: written without a check. */
static bool unconstrained(unsigned reg)
{
    switch (reg) {
    case HV_X86_RAX: case HV_X86_RSP: case HV_X86_CR2: case HV_X86_STAR: case HV_X86_LSTAR:
    case HV_X86_CSTAR: case HV_X86_SFMASK: case HV_X86_KERNEL_GS_BASE: case HV_X86_SYSENTER_CS:
    case HV_X86_SYSENTER_ESP: case HV_X86_SYSENTER_EIP:
        return true;
    }
    return false;
}

int svm_reg_write(struct svm_vcpu *sv, struct vmcb *vmcb, const struct svm_caps *caps,
                  unsigned reg, uint64_t val)
{
    int r = write_other(sv, vmcb, reg, val);
    if (r != HV_ERANGE)
        return r;
    if (unconstrained(reg))
        return write_state(vmcb, reg, val);
    /* The rules tie registers together (LME with PG and PAE, CS.L with D), so the write is
     * tentative and the whole state is judged; undoing it restores the field written (a
     * whole segment, or one 64-bit field) and what derive() recomputes. */
    struct vmcb_save *s = &vmcb->save;
    uint64_t *field = plain_field(vmcb, reg);
    struct vmcb_seg *seg = reg == HV_X86_GDTR_LIMIT ? &s->gdtr
                           : reg == HV_X86_IDTR_LIMIT ? &s->idtr
                           : is_seg_reg(reg) ? seg_of(vmcb, (reg - HV_X86_SEG_FIRST) / 4)
                                             : NULL;
    uint64_t old_field = field ? *field : 0, old_efer = s->efer;
    struct vmcb_seg old_seg = seg ? *seg : (struct vmcb_seg){0};
    uint8_t old_cpl = s->cpl;
    r = write_state(vmcb, reg, val);
    if (r)
        return r;
    derive(s);
    if (svm_state_legal(vmcb, caps))
        return HV_OK;
    if (field)
        *field = old_field;
    if (seg)
        *seg = old_seg;
    s->efer = old_efer;
    s->cpl = old_cpl;
    return HV_EINVAL;
}

/* ---- MSRs the VMCB holds but a guest may not write freely: EFER and PAT ---- */

#define MSR_EFER_NUM 0xc0000080u
#define MSR_PAT_NUM 0x277u
#define RDMSR_WRMSR_LEN 2 /* 0F 32 / 0F 30; the fixed length QEMU's missing nRIP forces */

/* A guest's WRMSR of EFER, as a CPU without SVM would judge it: bits the CPU lacks (SVME
 * among them, CPUID hides SVM) and changing LME with paging on are #GP (APM vol. 2 3.1.7);
 * LMA is the CPU's and a written value of it is ignored (Linux writes back what it read). The
 * rest goes through svm_reg_write, whose legality rules (LME+PG needs PAE...) give #GP too. */
static bool efer_write(struct svm_vcpu *sv, struct vmcb *vmcb, const struct svm_caps *caps,
                       uint64_t val)
{
    uint64_t cur = vmcb->save.efer;
    val &= ~EFER_LMA;
    if (val & ~caps->efer_allowed)
        return false;
    if ((vmcb->save.cr0 & CR0_PG) && ((val ^ cur) & EFER_LME))
        return false;
    return svm_reg_write(sv, vmcb, caps, HV_X86_EFER, val) == HV_OK;
}

enum svm_msr_result svm_msr_access(struct svm_vcpu *sv, struct vmcb *vmcb,
                                   const struct svm_caps *caps, bool write)
{
    uint32_t msr = (uint32_t)sv->gpr[HV_X86_RCX];
    unsigned reg;
    if (msr == MSR_EFER_NUM)
        reg = HV_X86_EFER;
    else if (msr == MSR_PAT_NUM)
        reg = HV_X86_PAT;
    else
        return SVM_MSR_NOT_KERNEL;
    if (write) {
        uint64_t val = (sv->gpr[HV_X86_RDX] << 32) | (vmcb->save.rax & 0xffffffffu);
        bool ok = reg == HV_X86_EFER ? efer_write(sv, vmcb, caps, val)
                                     : svm_reg_write(sv, vmcb, caps, reg, val) == HV_OK;
        if (!ok)
            return SVM_MSR_GP;
    } else {
        uint64_t val = 0;
        svm_reg_read(sv, vmcb, caps, reg, &val); /* a known register: can't fail */
        vmcb->save.rax = val & 0xffffffffu;
        sv->gpr[HV_X86_RDX] = val >> 32;
    }
    vmcb->save.rip += RDMSR_WRMSR_LEN;
    vmcb->control.int_state &= ~VMCB_INTERRUPT_SHADOW;
    return SVM_MSR_DONE;
}
