/* The first instructions of the AArch64 loader guests (a64_loader.c), in place of the test-guest
 * library's Image header: a raw binary or an ELF has none. Notes x0..x3, where it runs, DAIF,
 * CurrentEL and SCTLR_EL1 before anything changes them, then sets up as the library's head.S
 * does and calls a64_start with the DTB: x0, or for an ELF (which QEMU enters with x0 = 0) the
 * start of RAM, where QEMU's ELF loader puts it. PC-relative only, so the ET_DYN build needs no
 * relocation. */
    .section .head, "ax"
    .global _start
_start:
    adrp    x10, loader_entry
    add     x10, x10, :lo12:loader_entry
    stp     x0, x1, [x10]
    stp     x2, x3, [x10, #16]
    adr     x9, _start
    str     x9, [x10, #32]
    mrs     x9, daif
    str     x9, [x10, #40]
    mrs     x9, currentel
    str     x9, [x10, #48]
    mrs     x9, sctlr_el1
    str     x9, [x10, #56]
    msr     daifset, #0xf
    mov     x19, x0
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:  adrp    x1, _stack_top
    add     x1, x1, :lo12:_stack_top
    mov     sp, x1
    adrp    x1, a64_vectors
    add     x1, x1, :lo12:a64_vectors
    msr     vbar_el1, x1
    isb
    mov     x0, x19
    cbnz    x0, 3f
    mov     x0, #0x40000000         // QEMU virt's RAM base: an ELF's DTB
3:  bl      a64_start               // never returns
4:  wfe
    b       4b

    .data
    .balign 8
    .global loader_entry
loader_entry:   .quad 0, 0, 0, 0    // x0..x3
                .quad 0             // the address of _start as it ran
                .quad 0, 0, 0       // DAIF, CurrentEL, SCTLR_EL1
