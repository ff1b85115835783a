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
    vector 8    /* lower EL, AArch64: sync */
    vector 9
    vector 10
    vector 11
    vector 12   /* lower EL, AArch32: not supported */
    vector 13
    vector 14
    vector 15

save_and_dispatch:
    /* x0 holds the vector number; the interrupted x0/x1 are already in the frame. */
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    add     x1, sp, #FRAME_SIZE     /* the interrupted SP (kernel traps only, for now) */
    stp     x30, x1, [sp, #240]
    mrs     x1, elr_el2
    mrs     x2, spsr_el2
    stp     x1, x2, [sp, #256]
    mrs     x1, esr_el2
    mrs     x2, far_el2
    stp     x1, x2, [sp, #272]
    mov     x1, sp
    bl      trap_dispatch

    /* Restore; ELR/SPSR may have been changed by the handler. */
    ldp     x1, x2, [sp, #256]
    msr     elr_el2, x1
    msr     spsr_el2, x2
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret
