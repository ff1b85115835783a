/* Word indices of an x86_64 thread's saved registers inside struct arch_context, the per-CPU
 * state the entry code reads, and the entry/exit functions; vectors.S uses the same offsets. */
#pragma once

/* The saved registers are a struct trap_frame (trap.h) at word 0: the GPRs in the order the
 * entry code pushes them, the vector and error code, then the frame IRETQ pops. */
#define CTX_R15 0
#define CTX_R14 1
#define CTX_R13 2
#define CTX_R12 3
#define CTX_R11 4
#define CTX_R10 5
#define CTX_R9 6
#define CTX_R8 7
#define CTX_RBP 8
#define CTX_RDI 9
#define CTX_RSI 10
#define CTX_RDX 11
#define CTX_RCX 12
#define CTX_RBX 13
#define CTX_RAX 14
#define CTX_VECTOR 15 /* how the thread entered the kernel: X86_VECTOR_SYSCALL or a vector */
#define CTX_ERROR 16
#define CTX_RIP 17
#define CTX_CS 18
#define CTX_RFLAGS 19
#define CTX_RSP 20
#define CTX_SS 21
#define CTX_FRAME_WORDS 22
#define CTX_WORDS 22

/* struct x86_cpu: what the entry code finds through a fixed global (one CPU). */
#define X86_CPU_KERNEL_STACK 0 /* top of the kernel stack, also TSS.RSP0 */
#define X86_CPU_FRAME_TOP 8    /* end of the running thread's saved frame */
#define X86_CPU_USER_RSP 16    /* the user's RSP while SYSCALL entry switches stacks */

#ifndef __ASSEMBLER__
#include <arch_core.h>
#include <kernel/types.h>

struct x86_cpu {
    uint64_t kernel_stack;
    uint64_t frame_top;
    uint64_t user_rsp;
    struct arch_context *ctx; /* the running thread's, NULL before the first */
};

extern struct x86_cpu x86_cpu;

/* Sets up SYSCALL (EFER.SCE, STAR, LSTAR, SFMASK); boot.S calls it after idt_init. */
void syscall_init(void);

/* Runs ctx at ring 3, with SYSRET if sysret (ctx entered by SYSCALL, RIP in the user half)
 * or IRETQ. Resets the kernel stack: whatever the kernel had on it is abandoned. */
_Noreturn void x86_enter_user(struct arch_context *ctx, bool sysret);

/* Loads an address space's CR3 (the kernel's own tables if NULL), unless already loaded. */
void x86_vspace_switch(const struct arch_vspace *avs);
#endif
