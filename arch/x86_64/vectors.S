/* x86_64 kernel entry and exit: interrupt and exception stubs, the SYSCALL entry, and the
 * return to ring 3. A trap from ring 0 is handled on the current stack and resumed; an entry
 * from ring 3 saves the thread's registers into its context (a struct trap_frame, context.h)
 * and never returns: C picks the next thread and leaves through x86_enter_user. No SWAPGS:
 * the per-CPU state is a global (one CPU), and FS/GS are never used by the kernel. */
#include "context.h"
#include "cpu.h"

/* SDM vol. 3A 7.3 table 7-1: the exceptions for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || \
                           (v) == 14 || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

/* Every frame has an error-code slot, so the CPU's part sits at one offset. */
.macro stub vector, error_code
    .if !\error_code
    pushq   $0
    .endif
    pushq   $\vector
    jmp     trap_entry
.endm

/* The push order is struct trap_frame (trap.h) read backwards. */
.macro push_gprs
    push    %rax
    push    %rbx
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %rbp
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %r12
    push    %r13
    push    %r14
    push    %r15
.endm

/* Pops and pushes leave RFLAGS alone: x86_enter_user tests before and branches after. */
.macro pop_gprs
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rbp
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rbx
    pop     %rax
.endm

    .text
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .balign 16
exception_stub_\v:
    stub    \v, HAS_ERROR_CODE(\v)
    .endr

    .balign 16
    .global x86_timer_stub
x86_timer_stub:
    stub    X86_VECTOR_TIMER, 0

    .balign 16
    .global x86_spurious_stub
x86_spurious_stub:
    stub    X86_VECTOR_SPURIOUS, 0

#if X86_IOAPIC_MAX_LINES != 24
#error "one IOAPIC stub per line: the .irp lists below count to 24"
#endif
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
    .balign 16
ioapic_stub_\n:
    stub    (X86_VECTOR_IOAPIC_BASE + \n), 0
    .endr

trap_entry:
    /* From ring 3 the CPU switched to TSS.RSP0, the top of the empty kernel stack (IST1 for
     * the fatal vectors); from ring 0 this is the interrupted kernel's stack. Either way it
     * was 16-byte aligned before the CPU's 5 words, and with the error code, the vector and
     * these 15 the frame is 22 words: the calls below see the stack aligned as the ABI asks. */
    push_gprs
    cld                                 /* the C ABI assumes DF=0 */
    mov     %rsp, %rdi
    testb   $3, CTX_CS * 8(%rsp)        /* the interrupted CS's RPL is the CPL it ran at */
    jnz     1f
    call    trap_dispatch
    pop_gprs
    add     $16, %rsp                   /* vector and error code */
    iretq
1:  xor     %ebp, %ebp                  /* end of the kernel's frame chain */
    call    x86_trap_from_user          /* copies the frame into the thread; never returns */
    ud2

/* SYSCALL from ring 3 (LSTAR): RCX = the user's RIP, R11 = its RFLAGS; SFMASK cleared IF,
 * DF, TF and AC; RSP is still the user's. The thread's context becomes the stack for a
 * moment, so that pushes lay out the same frame an interrupt would. Interrupts stay off
 * until the return to ring 3; an NMI or #MC here uses IST1 and is fatal anyway. */
    .balign 16
    .global x86_syscall_entry
x86_syscall_entry:
    mov     %rsp, x86_cpu + X86_CPU_USER_RSP(%rip)
    mov     x86_cpu + X86_CPU_FRAME_TOP(%rip), %rsp
    pushq   $(USER_DS | 3)              /* SS */
    pushq   x86_cpu + X86_CPU_USER_RSP(%rip)
    push    %r11                        /* RFLAGS */
    pushq   $(USER_CS | 3)              /* CS */
    push    %rcx                        /* RIP */
    pushq   $0                          /* error code */
    pushq   $X86_VECTOR_SYSCALL
    push_gprs
    mov     x86_cpu + X86_CPU_KERNEL_STACK(%rip), %rsp
    xor     %ebp, %ebp
    call    x86_syscall_from_user       /* never returns */
    ud2

/* x86_enter_user(ctx, sysret): runs the thread whose saved registers are at ctx (RDI), a
 * trap frame that is popped in place. Interrupts are off until the IRETQ or SYSRET loads
 * the thread's RFLAGS (IF=1); the next entry starts on an empty kernel stack again. */
    .global x86_enter_user
x86_enter_user:
    mov     %rdi, %rsp
    test    %esi, %esi
    pop_gprs
    jnz     2f
    add     $16, %rsp                   /* vector and error code */
    iretq
    /* SYSRET takes RIP from RCX and RFLAGS from R11 (a syscall clobbers both) and the
     * selectors from STAR; only RSP must be loaded by hand. */
2:  mov     (CTX_RIP - CTX_VECTOR) * 8(%rsp), %rcx
    mov     (CTX_RFLAGS - CTX_VECTOR) * 8(%rsp), %r11
    mov     (CTX_RSP - CTX_VECTOR) * 8(%rsp), %rsp
    sysretq

    /* The addresses of the stubs, for idt.c. */
    .section .rodata
    .balign 8
    .global x86_exception_stubs
x86_exception_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad   exception_stub_\v
    .endr
    .global x86_ioapic_stubs
x86_ioapic_stubs:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
    .quad   ioapic_stub_\n
    .endr
