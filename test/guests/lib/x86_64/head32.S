/* The 32-bit entry (boot.rst, "32-bit Boot Protocol"), at offset 0 of the protected-mode part:
 * moves the part to pref_address if the loader put it elsewhere (QEMU puts it at 1 MiB), maps
 * the first 4 GiB one to one, enters long mode, and jumps to the 64-bit entry with RSI = the
 * zero page, as a loader using the 64-bit protocol would. */
    .code32
    .section .head32, "ax"
    .global startup_32
startup_32:
    cli
    cld
    movl    $0x18, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    movl    %eax, %fs
    movl    %eax, %gs
    movl    %esi, %ebx              // the zero page, kept in EBX
    // Where the part runs now: one CALL needs a stack; the zero page's scratch field (0x1e4)
    // is the 4 bytes boot.rst sets aside for exactly this.
    leal    0x1e8(%ebx), %esp
    call    1f
1:  popl    %ebp
    subl    $(1b - startup_32), %ebp
    movl    $startup_32, %edi
    cmpl    %edi, %ebp
    je      relocated_jump
    // Copy backwards: the destination may overlap the end of the source.
    movl    $_pm_file_size, %ecx
    addl    $3, %ecx
    shrl    $2, %ecx
    leal    -4(%ebp, %ecx, 4), %esi
    leal    -4(%edi, %ecx, 4), %edi
    std
    rep movsl
    cld
relocated_jump:
    movl    $relocated, %eax
    jmp     *%eax

relocated:
    // PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages: 4 GiB 1:1.
    movl    $boot_pml4, %edi
    xorl    %eax, %eax
    movl    $(6 * 1024), %ecx
    rep stosl
    movl    $boot_pml4, %edi
    leal    0x1003(%edi), %eax      // the PDPT, present + writable
    movl    %eax, (%edi)
    leal    0x2003(%edi), %eax      // the first page directory
    movl    $0, %ecx
2:  movl    %eax, 0x1000(%edi, %ecx, 8)
    addl    $0x1000, %eax
    incl    %ecx
    cmpl    $4, %ecx
    jne     2b
    movl    $0x83, %eax             // present + writable + 2 MiB page
    xorl    %ecx, %ecx
3:  movl    %eax, 0x2000(%edi, %ecx, 8)
    addl    $0x200000, %eax
    incl    %ecx
    cmpl    $2048, %ecx
    jne     3b
    movl    %cr4, %eax
    orl     $0x20, %eax             // PAE
    movl    %eax, %cr4
    movl    %edi, %cr3
    movl    $0xc0000080, %ecx       // EFER
    rdmsr
    orl     $0x100, %eax            // LME
    wrmsr
    movl    %cr0, %eax
    orl     $0x80000001, %eax       // PG | PE: long mode is active from here
    movl    %eax, %cr0
    lgdt    gdt64_ptr
    movl    %ebx, %esi
    movl    $1, entered_via_32bit
    ljmp    $0x10, $startup_64

    .balign 8
gdt64:
    .quad   0
    .quad   0
    .quad   0x00af9a000000ffff      // 0x10: __BOOT_CS, 64-bit code
    .quad   0x00cf92000000ffff      // 0x18: __BOOT_DS
gdt64_end:
gdt64_ptr:
    .word   gdt64_end - gdt64 - 1
    .long   gdt64
