/* The 64-bit entry at pref_address + 0x200 (boot.rst, "64-bit Boot Protocol"): entered in long
 * mode with an identity map, CS = __BOOT_CS, interrupts off and RSI = the zero page, by a Duet
 * partition's VMM or by the 32-bit entry. Notes the entry state, zeroes bss, calls C. */
    .code64
    .section .head64, "ax"
    .global startup_64
startup_64:
    cli
    // The state at entry, before anything changes it (guest/x86.h x86_boot_state).
    movw    %cs, entry_cs(%rip)
    movw    %ds, entry_ds(%rip)
    movw    %ss, entry_ss(%rip)
    leaq    _stack_top(%rip), %rsp  // outside bss, so zeroing bss leaves it alone
    pushfq
    popq    entry_rflags(%rip)
    cld
    movl    %esi, %esi              // the zero page lies below 4 GiB on both paths
    leaq    __bss_start(%rip), %rdi
    leaq    __bss_end(%rip), %rcx
    subq    %rdi, %rcx
    shrq    $3, %rcx
    xorl    %eax, %eax
    rep stosq
    movq    %rsi, %rdi
    call    x86_start               // never returns
1:  hlt
    jmp     1b

    .data
    .global entry_cs, entry_ds, entry_ss, entry_rflags, entered_via_32bit
entry_rflags:       .quad   0
entry_cs:           .word   0
entry_ds:           .word   0
entry_ss:           .word   0
    .balign 4
entered_via_32bit:  .long   0
