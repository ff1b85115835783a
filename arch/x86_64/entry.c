/* Kernel entry from a task in ring 3 — a syscall, a fault or an interrupt — then the switch to
 * whichever thread the scheduler picks (seL4's shape: one kernel stack, no kernel threads). */
#include "context.h"
#include "cpu.h"
#include "fpu.h"
#include "svm.h"
#include "trap.h"
#include "vcpu_run.h"
#include <arch.h>
#include <kernel/assert.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/vspace.h>

#define EM_X86_64 62
#define USER_TOP (1ull << 47) /* end of the lower canonical half */
/* The flags a task may set itself; IOPL, VM, VIF and VIP are never taken from a context. */
#define RFLAGS_USER                                                                                \
    (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF | RFLAGS_DF |           \
     RFLAGS_OF | RFLAGS_NT | RFLAGS_RF | RFLAGS_AC | RFLAGS_ID)

_Static_assert(offsetof(struct x86_cpu, kernel_stack) == X86_CPU_KERNEL_STACK, "vectors.S");
_Static_assert(offsetof(struct x86_cpu, frame_top) == X86_CPU_FRAME_TOP, "vectors.S");
_Static_assert(offsetof(struct x86_cpu, user_rsp) == X86_CPU_USER_RSP, "vectors.S");

extern char boot_stack_top[];
void x86_syscall_entry(void);

struct x86_cpu x86_cpu;

void syscall_init(void)
{
    /* The kernel stack is the boot stack: nothing runs on it between two kernel entries. */
    x86_cpu.kernel_stack = (uint64_t)boot_stack_top;
    /* SYSRET to 64-bit mode loads SS = STAR[63:48] + 8 and CS = STAR[63:48] + 16, so USER_DS
     * sits right below USER_CS in the GDT; RPL 3 is part of the selectors it loads. */
    _Static_assert(USER_CS == USER_DS + 8, "gdt.c: SYSRET's segment order");
    wrmsr(MSR_STAR, (uint64_t)((USER_DS - 8) | 3) << STAR_SYSRET_CS_SHIFT |
                        (uint64_t)KERNEL_CS << STAR_SYSCALL_CS_SHIFT);
    wrmsr(MSR_LSTAR, (uint64_t)x86_syscall_entry);
    /* The kernel runs with interrupts off, DF clear as the C ABI wants, no single-stepping
     * and no alignment checks; NT and IOPL cleared too, as Linux does. */
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC | RFLAGS_NT | RFLAGS_IOPL);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

uint16_t arch_elf_machine(void)
{
    return EM_X86_64;
}

/* The next thread to run; with none ready, waits for an interrupt to make one ready. */
static struct thread *choose_or_idle(void)
{
    struct thread *n;

    while (!(n = sched_choose()))
        arch_idle();
    return n;
}

static bool canonical(uint64_t va)
{
    return va < USER_TOP || va >= -USER_TOP;
}

/* The next thread that can be entered. Only a SYSCALL in the last two bytes of the user half
 * leaves a non-canonical RIP (2^47) behind; SYSRET (Intel) and IRETQ both raise #GP in ring
 * 0 for it, so the thread gets the #GP it would get fetching there. A vcpu thread runs its
 * guest instead, until an exit the kernel does not handle itself blocks it. */
static struct thread *choose_task(void)
{
    struct thread *n;

    for (;;) {
        n = choose_or_idle();
        if (n->vcpu)
            x86_vcpu_run(n);
        else if (!canonical(n->ctx.words[CTX_RIP]))
            fault_deliver(n, HV_FAULT_OTHER, 0, (uint64_t)X86_EXC_GP << 32);
        else
            return n;
    }
}

static _Noreturn void return_to_user(void)
{
    struct thread *n = choose_task();
    struct arch_context *c = &n->ctx;

    /* A guest's FPU/SSE state never stays in the registers for a task to read. */
    fpu_switch_to(NULL);

    /* A thread without an address space runs on the kernel's tables, where ring 3 reaches
     * nothing: it faults at its first instruction instead of running in someone else's. */
    if (n->vspace_cap.type == HV_OBJ_VSPACE)
        x86_vspace_switch(&((const struct vspace *)cap_ptr(&n->vspace_cap))->arch);
    else
        x86_vspace_switch(NULL);

    /* Whatever the context says, it returns to ring 3 with interrupts on and IOPL 0. */
    c->words[CTX_CS] = USER_CS | 3;
    c->words[CTX_SS] = USER_DS | 3;
    c->words[CTX_RFLAGS] = (c->words[CTX_RFLAGS] & RFLAGS_USER) | RFLAGS_IF | RFLAGS_FIXED;
    x86_cpu.ctx = c;
    x86_cpu.frame_top = (uint64_t)&c->words[CTX_FRAME_WORDS];
    /* SYSRET only for a thread that entered by SYSCALL (its RCX and R11 are dead) and only to
     * a user-half RIP (SYSRET can't return to the upper half). A thread that was interrupted
     * or faulted needs every register back, which only IRETQ does. */
    bool sysret = c->words[CTX_VECTOR] == X86_VECTOR_SYSCALL && c->words[CTX_RIP] < USER_TOP;
    x86_enter_user(c, sysret);
}

/* From the SYSCALL entry: the registers are already in the running thread's context. */
_Noreturn void x86_syscall_from_user(void)
{
    struct thread *t = sched_current();

    assert(t && &t->ctx == x86_cpu.ctx);
    syscall_dispatch(t);
    return_to_user();
}

/* An exception raised by the thread itself becomes a message to its fault handler. */
static void user_exception(struct thread *t, const struct trap_frame *f)
{
    switch (f->vector) {
    case X86_EXC_PF:
        /* CR2 still holds the address: nothing that could fault ran since the entry. */
        fault_deliver(t, HV_FAULT_PAGE, read_cr(2), f->error_code);
        break;
    case X86_EXC_UD:
        fault_deliver(t, HV_FAULT_UNDEFINED, f->rip, 0);
        break;
    case X86_EXC_NMI:
    case X86_EXC_DF:
    case X86_EXC_MC:
        x86_report_fatal(f); /* the machine's trouble, not the thread's */
    default:
        /* No address; the syndrome says which exception (high word) and its error code. */
        fault_deliver(t, HV_FAULT_OTHER, 0, f->vector << 32 | f->error_code);
        break;
    }
}

/* From an interrupt or exception in ring 3: f is the frame on the kernel stack. */
_Noreturn void x86_trap_from_user(const struct trap_frame *f)
{
    struct thread *t = sched_current();

    assert(t && &t->ctx == x86_cpu.ctx);
    memcpy(t->ctx.words, f, sizeof(*f));
    if (f->vector < 32)
        user_exception(t, f);
    else
        x86_handle_interrupt(f);
    return_to_user();
}

_Noreturn void arch_run_first_thread(void)
{
    svm_init();
    return_to_user();
}
