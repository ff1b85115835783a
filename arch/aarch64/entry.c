/* Kernel entry from a task at EL0: a syscall, a fault or an interrupt, then the switch to
 * whichever thread the scheduler picks (seL4's shape: one kernel stack, no kernel threads). */
#include "context.h"
#include "guest.h"
#include "sysreg.h"
#include "trap.h"
#include <arch.h>
#include <hv/abi/arm_esr.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/vspace.h>

void aarch64_vspace_switch(const struct arch_vspace *avs);
void aarch64_vspace_none(void);
_Noreturn void aarch64_enter_user(struct arch_context *ctx);

static void handle_sync(struct thread *t)
{
    uint64_t esr = read_sysreg(esr_el2), far = read_sysreg(far_el2);

    switch (esr_ec(esr)) {
    case ESR_EC_SVC64:
        syscall_dispatch(t);
        break;
    case ESR_EC_DABT_LOW:
    case ESR_EC_IABT_LOW:
        fault_deliver(t, HV_FAULT_PAGE, far, esr);
        break;
    case ESR_EC_UNKNOWN:
    case ESR_EC_SYS64: /* a system register a task may not touch: to it, an undefined one */
        fault_deliver(t, HV_FAULT_UNDEFINED, t->ctx.words[CTX_PC], esr);
        break;
    default:
        fault_deliver(t, HV_FAULT_OTHER, far, esr);
        break;
    }
}

/* The next thread to run; with none ready, waits for an interrupt to make one ready. */
struct arch_context *aarch64_next_context(void)
{
    struct thread *n;

    while (!(n = sched_choose()))
        arch_idle();
    if (n->vcpu)
        return guest_enter(n);
    /* A thread without an address space (its cap revoked) gets none: it faults at its first
     * instruction instead of running under whichever space was loaded last (SEC-C1). */
    if (n->vspace_cap.type == HV_OBJ_VSPACE) {
        const struct vspace *vs = cap_ptr(&n->vspace_cap);
        aarch64_vspace_switch(&vs->arch);
    } else {
        aarch64_vspace_none();
    }
    return &n->ctx;
}

struct arch_context *trap_lower(unsigned kind)
{
    struct thread *t = sched_current();

    if (t->vcpu)
        guest_exit(t, kind);
    else if (kind == VECTOR_LOWER_SYNC)
        handle_sync(t);
    else if (kind == VECTOR_LOWER_IRQ)
        gic_handle_irq();
    else
        fault_deliver(t, HV_FAULT_OTHER, 0, read_sysreg(esr_el2)); /* FIQ, SError */
    return aarch64_next_context();
}

/* The cycle counter counts at EL0 and EL2 and tasks may read it (not reset or stop it):
 * under QEMU -icount it counts instructions, which is what the benchmarks measure. */
static void cycle_counter_for_tasks(void)
{
    write_sysreg(pmccfiltr_el0, PMCCFILTR_NSH);
    write_sysreg(pmcr_el0, PMCR_E | PMCR_C | PMCR_LC);
    write_sysreg(pmcntenset_el0, PMCNTEN_CYCLES);
    write_sysreg(pmuserenr_el0, PMUSERENR_CR);
    isb();
}

_Noreturn void arch_run_first_thread(void)
{
    cycle_counter_for_tasks();
    guest_init();
    aarch64_enter_user(aarch64_next_context());
}
