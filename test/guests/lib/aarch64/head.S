/* The arm64 Image header and the first instructions: what a loader needs to recognise the file
 * (booting.rst's 64-byte header), then a stack, a zeroed bss and the vector table before C. */
    .section .head, "ax"
    .global _start
_start:
    b       entry                   // code0: branch over the header
    .word   0                       // code1
    .quad   0x80000                 // text_offset: load at RAM base + 512 KiB
    .quad   _image_size             // image_size, bss and stack included
    .quad   0                       // flags: little-endian, page size unspecified
    .quad   0, 0, 0                 // res2..res4
    .ascii  "ARM\x64"               // magic
    .word   0                       // res5 (no PE/COFF header)

entry:
    mov     x19, x0                 // the DTB (booting.rst: x0 = its physical address)
    msr     daifset, #0xf           // nothing may interrupt set-up
    // The loader need not zero bss (QEMU does not); the stack lies above it.
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:  ldr     x1, =_stack_top
    mov     sp, x1
    ldr     x1, =a64_vectors
    msr     vbar_el1, x1
    isb
    mov     x0, x19
    bl      a64_start               // never returns
3:  wfe
    b       3b
