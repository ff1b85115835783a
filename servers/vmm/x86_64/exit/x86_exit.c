/* The x86_64 exit handler: one small handler per SVM exit code (the table below), each
 * turning an exit into a reply. Port I/O (x86_exit_io.c) and nested page faults
 * (x86_exit_npf.c) have files of their own. */
#include "x86_64/exit/x86_exit.h"

#include "x86_64/exit/msr.h"
#include <hv/abi/error.h>

uint64_t x86_exit_reg(struct x86_exit *e, uint32_t reg)
{
    uint64_t v = 0;
    if (!e->x->xops.vcpu_read(e->x->vmm.ctx, reg, &v)) {
        e->regs_failed = true;
        x86_exit_warn(e, X86_WARN_REGS, "vcpu_read refused");
        return 0;
    }
    return v;
}

bool x86_exit_set_reg(struct x86_exit *e, uint32_t reg, uint64_t value)
{
    if (e->x->xops.vcpu_write(e->x->vmm.ctx, reg, value))
        return true;
    x86_exit_warn(e, X86_WARN_REGS, "vcpu_write refused");
    return false;
}

void x86_exit_warn(struct x86_exit *e, enum x86_exit_warning kind, const char *what)
{
    if (hv_count_and_check(&e->x->warnings[kind]))
        vmm_logf(&e->x->vmm, "%s (exit 0x%lx, info1 0x%lx, info2 0x%lx, rip 0x%lx; %lu times)",
                 what, (unsigned long)e->w[HV_VCPU_W_CODE], (unsigned long)e->w[HV_X86_W_EXITINFO1],
                 (unsigned long)e->w[HV_VCPU_W_ADDR], (unsigned long)e->w[HV_VCPU_W_PC],
                 (unsigned long)e->x->warnings[kind]);
}

void x86_exit_fault(struct x86_exit *e, enum x86_exit_warning kind, const char *what)
{
    x86_exit_warn(e, kind, what);
    vmm_reply_fault(&e->reply);
    e->x->vmm.guest_faults++;
}

void x86_exit_exception(struct x86_exit *e, unsigned vector, uint32_t err)
{
    vmm_reply_fault(&e->reply);
    e->reply.w[1] = HV_VCPU_FAULT_VECTOR(vector, err);
    e->x->vmm.guest_faults++;
}

bool x86_exit_paging(struct x86_exit *e, struct x86_paging *p)
{
    p->cr0 = x86_exit_reg(e, HV_X86_CR0);
    p->cr3 = x86_exit_reg(e, HV_X86_CR3);
    p->cr4 = x86_exit_reg(e, HV_X86_CR4);
    p->efer = x86_exit_reg(e, HV_X86_EFER);
    return !e->regs_failed;
}

static void handle_cpuid(struct x86_exit *e)
{
    uint32_t leaf = (uint32_t)e->w[HV_X86_W_RAX];
    uint32_t subleaf = (uint32_t)x86_exit_reg(e, HV_X86_RCX);
    if (e->regs_failed) {
        vmm_reply_init(&e->reply); /* try again: the kernel refusing a GPR read is transient */
        return;
    }
    struct x86_cpuid_regs r = {0};
    e->x->xops.host_cpuid(e->x->vmm.ctx, leaf, subleaf, &r);
    e->x->cpuid.apic_enabled = lapic_base_read(&e->x->pf.lapic) & APIC_BASE_EN;
    x86_cpuid_filter(&e->x->cpuid, leaf, subleaf, &r);
    /* Four results, two reply slots: RBX and RCX go first, through vcpu_write. CPUID writes
     * the 32-bit registers, which clears bits 63:32. */
    x86_exit_set_reg(e, HV_X86_RBX, r.ebx);
    x86_exit_set_reg(e, HV_X86_RCX, r.ecx);
    vmm_reply_set(&e->reply, HV_X86_RAX, r.eax);
    vmm_reply_set(&e->reply, HV_X86_RDX, r.edx);
    vmm_reply_advance(&e->reply);
}

static void handle_msr(struct x86_exit *e)
{
    uint64_t info1 = e->w[HV_X86_W_EXITINFO1];
    uint32_t msr = (uint32_t)x86_exit_reg(e, HV_X86_RCX);
    if (info1 > 1) {
        x86_exit_fault(e, X86_WARN_MSR, "MSR exit with a malformed EXITINFO1");
        return;
    }
    if (e->regs_failed) {
        vmm_reply_init(&e->reply);
        return;
    }
    if (info1 == 0) {
        uint64_t v;
        if (!x86_msr_read(&e->x->pf, msr, &v)) {
            x86_exit_fault(e, X86_WARN_MSR, "rdmsr refused");
            return;
        }
        vmm_reply_set(&e->reply, HV_X86_RAX, v & 0xffffffffull);
        vmm_reply_set(&e->reply, HV_X86_RDX, v >> 32);
    } else {
        uint64_t edx = x86_exit_reg(e, HV_X86_RDX);
        if (e->regs_failed) {
            vmm_reply_init(&e->reply);
            return;
        }
        uint64_t v = (edx & 0xffffffffull) << 32 | (e->w[HV_X86_W_RAX] & 0xffffffffull);
        if (!x86_msr_write(&e->x->pf, msr, v)) {
            x86_exit_fault(e, X86_WARN_MSR, "wrmsr refused");
            return;
        }
    }
    vmm_reply_advance(&e->reply);
}

/* INVD and PAUSE have nothing to do for a virtual machine. The kernel waits for interrupts
 * itself, so a HLT that reaches us anyway completes at once too (a spurious wake-up, which the
 * guest's idle loop tolerates). */
static void handle_complete(struct x86_exit *e)
{
    vmm_reply_advance(&e->reply);
}

static void handle_ud(struct x86_exit *e)
{
    /* VMMCALL with no hypercalls; MONITOR/MWAIT and XSETBV, which CPUID hides. */
    x86_exit_exception(e, X86_VEC_UD, 0);
}

static void handle_shutdown(struct x86_exit *e)
{
    /* A triple fault: the guest state is undefined; a PC resets. */
    e->x->pf.power = X86_POWER_RESET;
}

static void handle_invalid(struct x86_exit *e)
{
    /* The guest made its own state illegal (QEMU reports a reserved CR bit this way). */
    x86_exit_fault(e, X86_WARN_EXIT, "VMEXIT_INVALID");
}

static void handle_interrupt_exit(struct x86_exit *e)
{
    vmm_reply_init(&e->reply); /* the kernel's business; resume unchanged */
}

static void handle_unknown(struct x86_exit *e)
{
    x86_exit_fault(e, X86_WARN_EXIT, "exit code not handled");
}

typedef void (*exit_handler)(struct x86_exit *e);

static const struct {
    uint64_t code;
    exit_handler fn;
} handlers[] = {
    {SVM_EXIT_READ_CR8, x86_exit_cr8},
    {SVM_EXIT_WRITE_CR8, x86_exit_cr8},
    {SVM_EXIT_INTR, handle_interrupt_exit},
    {SVM_EXIT_NMI, handle_interrupt_exit},
    {SVM_EXIT_VINTR, handle_interrupt_exit},
    {SVM_EXIT_RDPMC, handle_unknown},
    {SVM_EXIT_CPUID, handle_cpuid},
    {SVM_EXIT_INVD, handle_complete},
    {SVM_EXIT_PAUSE, handle_complete},
    {SVM_EXIT_HLT, handle_complete},
    {SVM_EXIT_IOIO, x86_exit_ioio},
    {SVM_EXIT_MSR, handle_msr},
    {SVM_EXIT_SHUTDOWN, handle_shutdown},
    {SVM_EXIT_VMMCALL, handle_ud},
    {SVM_EXIT_MONITOR, handle_ud},
    {SVM_EXIT_MWAIT, handle_ud},
    {SVM_EXIT_XSETBV, handle_ud},
    {SVM_EXIT_NPF, x86_exit_npf},
    {SVM_EXIT_INVALID, handle_invalid},
};

static exit_handler find_handler(uint64_t code)
{
    for (unsigned i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
        if (handlers[i].code == code)
            return handlers[i].fn;
    return handle_unknown;
}

/* The guest asked for a reset or power-off: tell the environment, stop the vcpu. */
static void check_power(struct x86_exit *e)
{
    enum x86_power p = e->x->pf.power;
    if (p == X86_POWER_RUN)
        return;
    e->x->pf.power = X86_POWER_RUN;
    e->x->vmm.exit_status = e->x->pf.exit_status;
    e->x->vmm.ops->power(e->x->vmm.ctx, p == X86_POWER_OFF    ? VMM_POWER_OFF
                                        : p == X86_POWER_EXIT ? VMM_POWER_EXIT
                                                              : VMM_POWER_RESET);
    e->action = VMM_EXIT_STOP;
}

enum { KIND_IOIO, KIND_NPF, KIND_MSR, KIND_CPUID, KIND_HLT, KIND_VMMCALL, KIND_OTHER };
const char *const x86_exit_kind_names[VMM_EXIT_KINDS] = {
    [KIND_IOIO] = "ioio",   [KIND_NPF] = "npf",         [KIND_MSR] = "msr",
    [KIND_CPUID] = "cpuid", [KIND_HLT] = "hlt",         [KIND_VMMCALL] = "vmmcall",
    [KIND_OTHER] = "other",
};

static unsigned exit_kind(uint64_t code)
{
    switch (code) {
    case SVM_EXIT_IOIO: return KIND_IOIO;
    case SVM_EXIT_NPF: return KIND_NPF;
    case SVM_EXIT_MSR: return KIND_MSR;
    case SVM_EXIT_CPUID: return KIND_CPUID;
    case SVM_EXIT_HLT: return KIND_HLT;
    case SVM_EXIT_VMMCALL: return KIND_VMMCALL;
    default: return KIND_OTHER;
    }
}

/* Whether the exit is one byte of a burst of console output: an OUT to COM1's data port or
 * the LSR read Linux polls between bytes. Any other exit ends the burst, and the bytes the
 * VMM holds (vmm_console_output sends whole lines) go to the console server. */
static bool console_burst(const uint64_t w[HV_VCPU_EXIT_WORDS])
{
    if (w[HV_VCPU_W_CODE] != SVM_EXIT_IOIO)
        return false;
    uint64_t info = w[HV_X86_W_EXITINFO1];
    unsigned port = (unsigned)(info >> SVM_IOIO_PORT_SHIFT) & 0xffff;
    if (info & SVM_IOIO_STR)
        return false;
    return (port == 0x3f8 && !(info & SVM_IOIO_TYPE_IN)) ||
           (port == 0x3fd && (info & SVM_IOIO_TYPE_IN));
}

enum vmm_exit_action vmm_x86_handle_exit(struct vmm *vmm, const uint64_t w[HV_VCPU_EXIT_WORDS],
                                         uint64_t reply[HV_VCPU_EXIT_WORDS], unsigned *len)
{
    struct x86_exit e = {.x = vmm->platform, .w = w, .action = VMM_EXIT_RESUME};
    vmm_reply_init(&e.reply);
    vmm_count_exit(vmm, exit_kind(w[HV_VCPU_W_CODE]));
    e.x->in_exit = true;
    /* First catch up with time: an interrupt the kernel's timer injected is counted as
     * taken before the guest's EOI for it is processed. */
    x86_platform_poll(&e.x->pf);
    uint64_t code = w[HV_VCPU_W_CODE];
    if (code != SVM_EXIT_INVALID && (code & HV_VCPU_EXIT_KERNEL))
        x86_exit_warn(&e, X86_WARN_KERNEL, "unknown kernel exit"); /* resume unchanged */
    else
        find_handler(code)(&e);
    check_power(&e);
    if (!console_burst(w))
        vmm_console_flush(vmm);
    e.x->in_exit = false;
    if (e.action == VMM_EXIT_RESUME)
        vmm_x86_deliver(e.x);
    return vmm_exit_reply(&e.reply, e.action, reply, len);
}
