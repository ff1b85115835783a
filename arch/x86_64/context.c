/* x86_64 user register contexts: the layout vectors.S saves a ring-3 thread's registers in,
 * and the syscall register convention of hv/abi/syscall.h (R0..R7 = rdi, rsi, rdx, r10, r8, r9,
 * r12, r13; R8 = rax, the number in and the badge out). */
#include "context.h"
#include "cpu.h"
#include "trap.h"
#include <hv/abi/syscall.h>
#include <kernel/assert.h>

_Static_assert(CTX_WORDS <= ARCH_CONTEXT_WORDS, "arch_context holds the x86_64 registers");
_Static_assert(sizeof(struct trap_frame) == CTX_FRAME_WORDS * 8, "a context is a trap frame");
_Static_assert(offsetof(struct trap_frame, rdi) == CTX_RDI * 8, "context.h matches trap.h");
_Static_assert(offsetof(struct trap_frame, rax) == CTX_RAX * 8, "context.h matches trap.h");
_Static_assert(offsetof(struct trap_frame, vector) == CTX_VECTOR * 8, "context.h matches trap.h");
_Static_assert(offsetof(struct trap_frame, rip) == CTX_RIP * 8, "context.h matches trap.h");
_Static_assert(offsetof(struct trap_frame, ss) == CTX_SS * 8, "context.h matches trap.h");

static const uint8_t syscall_reg[HV_SYSCALL_REGS] = {
    CTX_RDI, CTX_RSI, CTX_RDX, CTX_R10, CTX_R8, CTX_R9, CTX_R12, CTX_R13, CTX_RAX,
};

uint64_t arch_context_reg(const struct arch_context *ctx, unsigned r)
{
    assert(r < HV_SYSCALL_REGS);
    return ctx->words[syscall_reg[r]];
}

void arch_context_set_reg(struct arch_context *ctx, unsigned r, uint64_t v)
{
    assert(r < HV_SYSCALL_REGS);
    ctx->words[syscall_reg[r]] = v;
}

void arch_context_init(struct arch_context *ctx, uint64_t pc, uint64_t sp, uint64_t arg)
{
    ctx->words[CTX_RDI] = arg;
    ctx->words[CTX_RIP] = pc;
    ctx->words[CTX_RSP] = sp;
    ctx->words[CTX_CS] = USER_CS | 3;
    ctx->words[CTX_SS] = USER_DS | 3;
    /* Interrupts on, IOPL 0: a task can never block interrupts nor reach an I/O port. */
    ctx->words[CTX_RFLAGS] = RFLAGS_FIXED | RFLAGS_IF;
    /* CTX_VECTOR 0: not a syscall, so the first entry is an IRETQ that loads every register. */
}

uint64_t arch_context_pc(const struct arch_context *ctx)
{
    return ctx->words[CTX_RIP];
}
