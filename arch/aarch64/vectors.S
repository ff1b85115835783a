/* AArch64 EL2 exception vectors: save the interrupted state as a trap frame, call C, restore. */

/* struct trap_frame (trap.h): x0..x30, then sp, elr, spsr, esr, far: 36 words. */
#define FRAME_SIZE (36 * 8)

/* Each vector entry has 32 instructions of room: save the frame and branch to a handler. */
.macro vector kind
    .balign 128
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x0, #\kind
    b       save_and_dispatch
.endm

/* From a task at EL0: save its registers straight into its thread's context, whose address
 * TPIDR_EL2 holds while it runs; SP_EL2 is the (empty) kernel stack, a scratch for x0/x1. */
.macro vector_lower kind
    .balign 128
    stp     x0, x1, [sp, #-16]!
    mrs     x0, tpidr_el2
    mov     x1, #\kind
    b       save_lower
.endm

/* x2..x29 from or to base, where a trap frame and a thread's context alike keep xN at 8 * N. */
.macro x2_to_x29 op, base
    \op     x2, x3, [\base, #16]
    \op     x4, x5, [\base, #32]
    \op     x6, x7, [\base, #48]
    \op     x8, x9, [\base, #64]
    \op     x10, x11, [\base, #80]
    \op     x12, x13, [\base, #96]
    \op     x14, x15, [\base, #112]
    \op     x16, x17, [\base, #128]
    \op     x18, x19, [\base, #144]
    \op     x20, x21, [\base, #160]
    \op     x22, x23, [\base, #176]
    \op     x24, x25, [\base, #192]
    \op     x26, x27, [\base, #208]
    \op     x28, x29, [\base, #224]
.endm

/* ELR_EL2 and SPSR_EL2, where ERET returns to, at 256 in a trap frame and a context alike. */
.macro save_return_state base, elr, spsr
    mrs     \elr, elr_el2
    mrs     \spsr, spsr_el2
    stp     \elr, \spsr, [\base, #256]
.endm

.macro load_return_state base, elr, spsr
    ldp     \elr, \spsr, [\base, #256]
    msr     elr_el2, \elr
    msr     spsr_el2, \spsr
.endm

    .text
    .balign 2048
    .global exception_vectors
exception_vectors:
    vector 0    /* current EL with SP_EL0: never used by the kernel */
    vector 1
    vector 2
    vector 3
    vector 4    /* current EL with SP_ELx: sync */
    vector 5    /* irq */
    vector 6    /* fiq */
    vector 7    /* serror */
    vector_lower 8    /* lower EL, AArch64: sync (svc, aborts, undefined) */
    vector_lower 9    /* irq */
    vector_lower 10   /* fiq */
    vector_lower 11   /* serror */
    vector 12   /* lower EL, AArch32: not supported */
    vector 13
    vector 14
    vector 15

save_and_dispatch:
    /* x0 holds the vector number; the interrupted x0/x1 are already in the frame. */
    x2_to_x29 stp, sp
    add     x1, sp, #FRAME_SIZE     /* the interrupted SP (kernel traps only, for now) */
    stp     x30, x1, [sp, #240]
    save_return_state sp, x1, x2
    mrs     x1, esr_el2
    mrs     x2, far_el2
    stp     x1, x2, [sp, #272]
    mov     x1, sp
    bl      trap_dispatch

    /* Restore; ELR/SPSR may have been changed by the handler. */
    load_return_state sp, x1, x2
    x2_to_x29 ldp, sp
    ldr     x30, [sp, #240]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret

/* Offsets in struct arch_context (context.h): x0..x30, SP_EL0, ELR, SPSR, TPIDR_EL0. */
save_lower:
    x2_to_x29 stp, x0
    mrs     x2, sp_el0
    stp     x30, x2, [x0, #240]
    save_return_state x0, x2, x3
    mrs     x2, tpidr_el0
    str     x2, [x0, #272]
    ldp     x2, x3, [sp], #16       /* the task's x0 and x1 */
    stp     x2, x3, [x0, #0]
    mov     x0, x1
    mov     x29, xzr                /* end of the kernel's frame chain */
    bl      trap_lower              /* returns the context to run next */

/* aarch64_enter_user(ctx): runs the thread whose context is ctx; never returns. */
    .global aarch64_enter_user
aarch64_enter_user:
    /* Whatever the kernel had on its stack is done with: the next entry starts afresh. */
    ldr     x1, =boot_stack_top
    mov     sp, x1
    msr     tpidr_el2, x0
    load_return_state x0, x2, x3
    ldr     x2, [x0, #272]
    msr     tpidr_el0, x2
    ldp     x30, x2, [x0, #240]
    msr     sp_el0, x2
    x2_to_x29 ldp, x0
    ldp     x0, x1, [x0, #0]
    eret
