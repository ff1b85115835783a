/* The 256 interrupt stubs and their common path: each stub pushes an error code (0 where the
 * CPU pushes none) and its vector; the common path saves the registers as a struct x86_frame,
 * calls x86_trap(frame) in C, which may rewrite the frame (that is how exc_catch resumes), and
 * returns with IRETQ. Also exc_setjmp/exc_longjmp. */
    .section .text.trap, "ax"
    .balign 16
    .global isr_stubs
isr_stubs:
    .set    vec, 0
    .rept   256
    .balign 16                      // x86_idt_init finds stub n at isr_stubs + 16 n
    // The CPU pushes an error code for #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX.
    .if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || \
        (vec == 29) || (vec == 30)
    .else
    pushq   $0
    .endif
    pushq   $vec
    jmp     trap_common
    .set    vec, vec + 1
    .endr

trap_common:
    pushq   %rax
    pushq   %rbx
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %rbp
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, %rdi              // 16-byte aligned: the CPU aligned the frame, 22 words follow
    cld
    call    x86_trap
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rbp
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rbx
    popq    %rax
    addq    $16, %rsp               // vector and error code
    iretq

    .text
// int exc_setjmp(struct exc_jmp *j): callee-saved registers, the caller's RSP and return address.
    .global exc_setjmp
exc_setjmp:
    movq    %rbx, 0(%rdi)
    movq    %rbp, 8(%rdi)
    movq    %r12, 16(%rdi)
    movq    %r13, 24(%rdi)
    movq    %r14, 32(%rdi)
    movq    %r15, 40(%rdi)
    leaq    8(%rsp), %rax
    movq    %rax, 48(%rdi)
    movq    (%rsp), %rax
    movq    %rax, 56(%rdi)
    xorl    %eax, %eax
    ret

// void exc_longjmp(struct exc_jmp *j): exc_setjmp returns 1 (entered by IRETQ from a handler).
    .global exc_longjmp
exc_longjmp:
    movq    0(%rdi), %rbx
    movq    8(%rdi), %rbp
    movq    16(%rdi), %r12
    movq    24(%rdi), %r13
    movq    32(%rdi), %r14
    movq    40(%rdi), %r15
    movq    48(%rdi), %rsp
    movl    $1, %eax
    jmpq    *56(%rdi)
