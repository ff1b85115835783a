/* The EL1 exception vectors: every entry saves the whole register file into a frame on the
 * stack and calls a64_exception(frame, kind) in C, which may rewrite ELR/SPSR/x0 before the
 * ERET (that is how exc_catch resumes after a caught exception). Also exc_setjmp/exc_longjmp. */
#define FRAME_SIZE 288              // x0..x30, ELR, SPSR, SP, ESR, FAR (struct a64_frame)

    .section .text.vectors, "ax"
    .balign 2048                    // VBAR_EL1 bits 10:0 are RES0
    .global a64_vectors
a64_vectors:
    .irp kind, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 128                     // one entry per 0x80 bytes (sync, IRQ, FIQ, SError x 4 sources)
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\kind
    b       exc_common
    .endr

exc_common:
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
    mrs     x2, elr_el1
    stp     x30, x2, [sp, #240]
    mrs     x3, spsr_el1
    add     x4, sp, #FRAME_SIZE     // the SP before the exception
    stp     x3, x4, [sp, #256]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #272]
    mov     x0, sp
    bl      a64_exception
    // ELR, SPSR and the registers may have been rewritten by the handler.
    ldp     x30, x2, [sp, #240]
    msr     elr_el1, x2
    ldr     x3, [sp, #256]
    msr     spsr_el1, x3
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
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret

    .text
// int exc_setjmp(struct exc_jmp *j): the callee-saved registers, SP and the return address.
    .global exc_setjmp
exc_setjmp:
    stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    mov     x1, sp
    str     x1, [x0, #96]
    mov     x0, #0
    ret

// void exc_longjmp(struct exc_jmp *j): exc_setjmp returns 1 (entered by ERET from a handler).
    .global exc_longjmp
exc_longjmp:
    ldp     x19, x20, [x0, #0]
    ldp     x21, x22, [x0, #16]
    ldp     x23, x24, [x0, #32]
    ldp     x25, x26, [x0, #48]
    ldp     x27, x28, [x0, #64]
    ldp     x29, x30, [x0, #80]
    ldr     x1, [x0, #96]
    mov     sp, x1
    mov     x0, #1
    ret
