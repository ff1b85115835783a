/* AArch64 user register contexts: the layout vectors.S saves an EL0 thread's registers in,
 * and the syscall register convention of hv/abi/syscall.h (R0..R7 = x0..x7, R8 = x8). */
#include "context.h"
#include <arch_core.h>

_Static_assert(CTX_WORDS <= ARCH_CONTEXT_WORDS, "arch_context holds the AArch64 registers");

uint64_t arch_context_reg(const struct arch_context *ctx, unsigned r)
{
    return ctx->words[CTX_X0 + r];
}

void arch_context_set_reg(struct arch_context *ctx, unsigned r, uint64_t v)
{
    ctx->words[CTX_X0 + r] = v;
}

void arch_context_init(struct arch_context *ctx, uint64_t pc, uint64_t sp, uint64_t arg)
{
    ctx->words[CTX_X0] = arg;
    ctx->words[CTX_SP] = sp;
    ctx->words[CTX_PC] = pc;
    /* EL0t with every interrupt unmasked: a task can never block interrupts. */
    ctx->words[CTX_PSTATE] = SPSR_EL0T;
}

uint64_t arch_context_pc(const struct arch_context *ctx)
{
    return ctx->words[CTX_PC];
}
