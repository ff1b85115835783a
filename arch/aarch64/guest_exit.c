/* Guest exits on AArch64: one small handler per exception class (ESR_EL2.EC). The kernel
 * itself handles WFI (the vcpu waits for an interrupt) and WFE (a yield); everything else
 * becomes an exit message to the VMM with the words of hv/abi/vcpu_aarch64.h. */
#include "guest.h"
#include "sysreg.h"
#include "trap.h"
#include <hv/abi/arm_esr.h>
#include <kernel/sched.h>

#define HPFAR_FIPA_SHIFT 4

typedef void (*exit_handler)(struct thread *t, struct a64_vcpu *g, uint64_t esr, uint64_t far,
                             uint64_t hpfar);

static uint64_t xreg(const struct a64_vcpu *g, unsigned n)
{
    return n == HV_A64_XZR ? 0 : g->regs[n];
}

static void to_vmm(struct thread *t, struct a64_vcpu *g, uint64_t esr, uint64_t addr,
                   uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t w[HV_VCPU_EXIT_WORDS] = {esr, addr, g->regs[HV_A64_PC], a0, a1, a2};
    vcpu_exit(t, w);
}

static void on_wfx(struct thread *t, struct a64_vcpu *g, uint64_t esr, uint64_t far,
                   uint64_t hpfar)
{
    vcpu_skip_instruction(g, 4); /* trapped before it executed: ELR_EL2 points at it */
    if (esr & ESR_WFX_TI_WFE)
        sched_rotate(t);
    else
        vcpu_idle(t);
}

static void on_hvc(struct thread *t, struct a64_vcpu *g, uint64_t esr, uint64_t far,
                   uint64_t hpfar)
{
    /* ELR_EL2 is past the HVC; back on it, every exit's PC is the exiting instruction and an
     * empty reply re-executes it (the VMM replies ADVANCE to go on). */
    g->regs[HV_A64_PC] -= 4;
    to_vmm(t, g, esr, 0, g->regs[0], g->regs[1], g->regs[2]);
}

static void on_smc(struct thread *t, struct a64_vcpu *g, uint64_t esr, uint64_t far,
                   uint64_t hpfar)
{
    to_vmm(t, g, esr, 0, g->regs[0], g->regs[1], g->regs[2]); /* trapped: ELR is the SMC */
}

static void on_sysreg(struct thread *t, struct a64_vcpu *g, uint64_t esr, uint64_t far,
                      uint64_t hpfar)
{
    if (vcpu_ptimer_claim(g, esr))
        return; /* its first CNTP_* access: the entry loads its timer, the access runs again */
    uint64_t value = esr & ESR_SYS_READ ? 0 : xreg(g, esr >> ESR_SYS_RT_SHIFT & ESR_REG_MASK);
    /* ID registers, the PMU (there is none) and the guest's own debug registers are the
     * kernel's to answer. */
    if (guest_idreg_trap(g, esr) || guest_pmu_trap(g, esr) || guest_debug_trap(g, esr, value))
        return;
    to_vmm(t, g, esr, 0, value, 0, 0);
}

/* The IPA of a stage-2 abort: HPFAR_EL2.FIPA holds its page, FAR_EL2 the offset in it. */
static ipa_t abort_ipa(uint64_t hpfar, uint64_t far)
{
    return ipa_init((hpfar >> HPFAR_FIPA_SHIFT) << 12 | (far & 0xfff));
}

bool arch_vcpu_has_doorbells(void)
{
    return true;
}

static void on_abort(struct thread *t, struct a64_vcpu *g, uint64_t esr, uint64_t far,
                     uint64_t hpfar)
{
    uint64_t ipa = ipa_addr(abort_ipa(hpfar, far)); /* the exit word the VMM reads */
    bool write = (esr & ESR_DABT_ISV) && (esr & ESR_DABT_WNR) && esr_ec(esr) == ESR_EC_DABT_LOW;
    /* A 32-bit store to a doorbell (a virtio QueueNotify): signalled here, no VMM. */
    if (write && (esr >> ESR_DABT_SAS_SHIFT & 3) == 2 && !(esr & ESR_DABT_S1PTW) &&
        vcpu_ring_doorbell(t->vcpu, ipa)) {
        vcpu_skip_instruction(g, esr & ESR_IL ? 4 : 2);
        return;
    }
    to_vmm(t, g, esr, ipa, write ? xreg(g, esr >> ESR_DABT_SRT_SHIFT & ESR_REG_MASK) : 0, 0, 0);
}

static void on_other(struct thread *t, struct a64_vcpu *g, uint64_t esr, uint64_t far,
                     uint64_t hpfar)
{
    to_vmm(t, g, esr, far, 0, 0, 0);
}

static const exit_handler handlers[64] = {
    [ESR_EC_WFX] = on_wfx,
    [ESR_EC_HVC64] = on_hvc,
    [ESR_EC_SMC64] = on_smc,
    [ESR_EC_SYS64] = on_sysreg,
    [ESR_EC_IABT_LOW] = on_abort,
    [ESR_EC_DABT_LOW] = on_abort,
};

void guest_exit(struct thread *t, unsigned kind)
{
    struct a64_vcpu *g = a64_vcpu(&t->vcpu->arch);
    uint64_t esr = read_sysreg(esr_el2), far = read_sysreg(far_el2);
    uint64_t hpfar = read_sysreg(hpfar_el2);

    if (kind == VECTOR_LOWER_IRQ) {
        uint64_t intid = gic_ack();
        guest_leave(g);
        gic_handle_acked(intid, g); /* the host's interrupt, or the guest's timer */
        return;
    }
    guest_leave(g);
    g->exit_esr = esr;
    g->exit_far = far;
    if (kind != VECTOR_LOWER_SYNC) {
        to_vmm(t, g, esr, 0, 0, 0, 0); /* FIQ (never routed to guests) or SError */
        return;
    }
    exit_handler h = handlers[esr_ec(esr)];
    (h ? h : on_other)(t, g, esr, far, hpfar);
}
