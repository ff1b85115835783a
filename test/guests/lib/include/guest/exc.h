/* Catching an exception a probe is expected to raise: the probe runs inside exc_catch, and an
 * exception abandons it and returns what was taken, instead of hanging or killing the guest. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct exc_info {
    uint64_t kind;     /* AArch64: ESR_EL1.EC; x86_64: the vector */
    uint64_t syndrome; /* AArch64: ESR_EL1; x86_64: the error code (0 when there is none) */
    uint64_t addr;     /* AArch64: FAR_EL1; x86_64: CR2 for #PF, else 0 */
    uint64_t pc;       /* where it was taken: ELR_EL1 / the frame's RIP */
};

/* Runs fn(arg). Returns false when it returned normally; true when it raised an exception,
 * which then abandoned it (its frames are gone) and is described in *info. Nests. */
bool exc_catch(void (*fn)(void *), void *arg, struct exc_info *info);

/* A short name for an exception kind ("data abort (current EL)", "#GP"). */
const char *exc_kind_name(uint64_t kind);

/* Interrupts: the handler of one interrupt ID (AArch64: the GIC INTID; x86_64: the vector). The
 * library acknowledges and ends the interrupt around the handler (ICC_IAR1/EOIR1; the LAPIC's
 * EOI for vectors >= 32). An interrupt without a handler is counted in irq_unexpected. */
typedef void (*irq_handler_fn)(unsigned id, void *frame);
void irq_set_handler(unsigned id, irq_handler_fn fn);
extern volatile unsigned irq_unexpected;
extern volatile unsigned irq_unexpected_last;

/* Each arch: mask and unmask interrupts at the CPU. */
void irq_enable(void);
void irq_disable(void);
