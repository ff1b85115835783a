/* The first bytes of the x86 loader guests (x86_loader.c): the Multiboot header (as an ELF32 or
 * with the a.out kludge's addresses) or the PVH entry note, then the 32-bit entry, which notes
 * the registers and segments the loader left before anything changes them. One source, three
 * formats: LOADER_MB_ELF, LOADER_MB_AOUT or LOADER_PVH. */
#define MB_MAGIC 0x1badb002
#if defined(LOADER_MB_AOUT)
#define MB_FLAGS 0x00010003         /* page-aligned modules, memory information, a.out kludge */
#else
#define MB_FLAGS 0x00000003
#endif

    .code32
#if defined(LOADER_MB_ELF) || defined(LOADER_MB_AOUT)
    .section .mbheader, "a"
    .balign 4
mb_header:
    .long   MB_MAGIC
    .long   MB_FLAGS
    .long   -(MB_MAGIC + MB_FLAGS)
#if defined(LOADER_MB_AOUT)
    .long   mb_header               // header_addr: where this header is loaded
    .long   _load_start             // load_addr: the file's first byte
    .long   _load_end               // load_end_addr: the end of text and data
    .long   _bss_end                // bss_end_addr: bss and stack, zeroed by the loader
    .long   _start                  // entry_addr
#endif
#endif

#if defined(LOADER_PVH)
    // Xen's elfnote.h: XEN_ELFNOTE_PHYS32_ENTRY (18), a "Xen" note holding the 32-bit entry.
    .section .note.Xen, "a", @note
    .balign 4
    .long   4                       // namesz
    .long   4                       // descsz
    .long   18                      // type
    .asciz  "Xen"
    .balign 4
    .long   _start
#endif

    .text
    .global _start
_start:
    // No stack yet (the protocols give none): note the state in memory first.
    movl    %eax, entry_eax
    movl    %ebx, entry_ebx
    movw    %cs, entry_cs
    movw    %ds, entry_ds
    movw    %es, entry_es
    movw    %ss, entry_ss
    movl    %cr0, %eax
    movl    %eax, entry_cr0
    movl    $_stack_top, %esp
    pushfl
    popl    entry_eflags
    cld
    call    loader_main             // never returns
1:  cli
    hlt
    jmp     1b

    .data
    .balign 4
    .global entry_eax, entry_ebx, entry_cr0, entry_eflags, entry_cs, entry_ds, entry_es, entry_ss
entry_eax:      .long 0
entry_ebx:      .long 0
entry_cr0:      .long 0
entry_eflags:   .long 0
entry_cs:       .word 0
entry_ds:       .word 0
entry_es:       .word 0
entry_ss:       .word 0
