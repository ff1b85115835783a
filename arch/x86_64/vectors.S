/* x86_64 interrupt and exception entry: save the interrupted state as a trap frame, call C,
 * restore. Kernel-mode traps only for now (no SWAPGS: nothing runs in ring 3 yet). */
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

trap_entry:
    /* The push order is struct trap_frame (trap.h) read backwards. The CPU aligned RSP to
     * 16 bytes before its 5 words; with the error code, the vector and these 15 the frame
     * is 22 words, so the call below sees an aligned stack as the ABI requires. */
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
    mov     %rsp, %rdi
    cld                                 /* the C ABI assumes DF=0 */
    call    trap_dispatch
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
    add     $16, %rsp                   /* vector and error code */
    iretq

    /* The addresses of the 32 exception stubs, for idt.c. */
    .section .rodata
    .balign 8
    .global x86_exception_stubs
x86_exception_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad   exception_stub_\v
    .endr
