/* What the capability kernel core (caps, threads, IPC, scheduler) needs from an arch, on top
 * of arch.h: register contexts, address-space switching and interrupt masking. */
#pragma once

#include <kernel/pagetable.h>
#include <kernel/types.h>

/* A thread's saved user registers. Opaque to the core: each arch lays out its own registers
 * in these words (AArch64: x0..x30, sp, pc, pstate...; x86_64: the GPRs, rip, rflags...). */
#define ARCH_CONTEXT_WORDS 48
struct arch_context {
    uint64_t words[ARCH_CONTEXT_WORDS];
};

/* The syscall registers R0..R8 of hv/abi/syscall.h (R8: the number on entry, the badge on exit). */
uint64_t arch_context_reg(const struct arch_context *ctx, unsigned r);
void arch_context_set_reg(struct arch_context *ctx, unsigned r, uint64_t v);

/* Makes the zeroed context ctx a fresh user context that starts at pc with stack pointer sp and
 * argument arg in R0 (and whatever else the arch's user mode needs). */
void arch_context_init(struct arch_context *ctx, uint64_t pc, uint64_t sp, uint64_t arg);
uint64_t arch_context_pc(const struct arch_context *ctx);

/* The descriptor format of a task's address space (stage 1, user). */
const struct pt_format *arch_vspace_format(void);

/* Per-address-space arch state (an ASID/PCID), kept in the vspace object. */
struct arch_vspace {
    uint64_t words[2];
};
void arch_vspace_init(struct arch_vspace *avs, paddr_t root);
/* The address space is going away: forget it and flush its TLB entries on every CPU. */
void arch_vspace_destroy(struct arch_vspace *avs, paddr_t root);
/* A mapping at va was removed: flush the TLB for it. */
void arch_vspace_flush(struct arch_vspace *avs, uint64_t va, uint64_t size);

/* Mask / unmask one interrupt line at the interrupt controller. The kernel masks a line when
 * it signals the line's notification and unmasks it on irq_ack. */
void arch_irq_mask(unsigned irq);
void arch_irq_unmask(unsigned irq);
/* Interrupt lines a user handler may claim (the kernel keeps its own timer line). */
unsigned arch_irq_count(void);
/* Whether the (claimable) line can signal the HV_IRQ_* way trigger (not 0: 0 is always fine). */
bool arch_irq_trigger_ok(unsigned irq, unsigned trigger);
/* Programs the line, masked, to signal that way (0: the platform's default for the line). */
void arch_irq_set_trigger(unsigned irq, unsigned trigger);
bool arch_irq_reserved(unsigned irq);

/* Port I/O on behalf of a task holding an I/O-port cap (x86 only). An arch without a port
 * space says so with arch_has_ioports() and the ioport calls answer HV_ENOSYS. */
bool arch_has_ioports(void);
/* Ports the kernel drives itself (its console, timer, interrupt controllers, poweroff): no
 * cap reaches them, not even the root task's all-ports one. */
bool arch_ioport_reserved(unsigned port);
/* One access of size 1, 2 or 4 bytes; the core has validated port, size and value. */
uint32_t arch_ioport_in(unsigned port, unsigned size);
void arch_ioport_out(unsigned port, unsigned size, uint32_t v);
