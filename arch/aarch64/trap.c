/* AArch64 trap dispatch: interrupts go to the GIC driver; any kernel exception is fatal and
 * reported with everything needed to find it. */
#include "sysreg.h"
#include "trap.h"
#include <arch.h>
#include <hv/abi/arm_esr.h>
#include <kernel/printk.h>

static const char *const vector_names[16] = {
    "sync (EL2, SP_EL0)", "irq (EL2, SP_EL0)", "fiq (EL2, SP_EL0)", "serror (EL2, SP_EL0)",
    "sync (EL2)",         "irq (EL2)",         "fiq (EL2)",         "serror (EL2)",
    "sync (lower EL)",    "irq (lower EL)",    "fiq (lower EL)",    "serror (lower EL)",
    "sync (AArch32)",     "irq (AArch32)",     "fiq (AArch32)",     "serror (AArch32)",
};

static const char *exception_class_name(unsigned ec)
{
    switch (ec) {
    case ESR_EC_UNKNOWN: return "unknown/undefined instruction";
    case ESR_EC_SVC64: return "SVC";
    case ESR_EC_HVC64: return "HVC";
    case ESR_EC_IABT_LOW: return "instruction abort, lower EL";
    case ESR_EC_IABT_CUR: return "instruction abort, same EL";
    case ESR_EC_PC_ALIGN: return "PC alignment";
    case ESR_EC_DABT_LOW: return "data abort, lower EL";
    case ESR_EC_DABT_CUR: return "data abort, same EL";
    case ESR_EC_SP_ALIGN: return "SP alignment";
    case ESR_EC_BRK64: return "BRK";
    default: return "other";
    }
}

static _Noreturn void report_fatal(unsigned vector, const struct trap_frame *f)
{
    unsigned ec = esr_ec(f->esr);

    printk("FATAL: kernel exception: vector %u %s\n", vector, vector_names[vector & 15]);
    printk("FATAL: ESR_EL2=0x%08lx EC=0x%02x (%s) ISS=0x%07lx\n", f->esr, ec,
           exception_class_name(ec), f->esr & ESR_ISS_MASK);
    printk("FATAL: FAR_EL2=0x%016lx ELR_EL2=0x%016lx SPSR_EL2=0x%08lx SP=0x%016lx\n", f->far,
           f->elr, f->spsr, f->sp);
    for (unsigned i = 0; i < 31; i += 4) {
        printk("FATAL:");
        for (unsigned j = i; j < i + 4 && j < 31; j++)
            printk(" x%02u=0x%016lx", j, f->x[j]);
        printk("\n");
    }
    arch_poweroff(false);
}

void trap_dispatch(unsigned vector, struct trap_frame *f)
{
    if (vector == 5) {
        gic_handle_irq();
        return;
    }
    report_fatal(vector, f);
}

void arch_trigger_fault(void)
{
    /* The upper half above the linear map of RAM and devices has nothing mapped. */
    volatile uint64_t *unmapped = (volatile uint64_t *)0xffff800000000000ull;
    (void)*unmapped;
}
