/* A tiny x86_64 guest for the vcpu test (vcpu_test_x86_64.c): bytes the root task copies into a
 * guest's RAM at GUEST_CODE and runs in 64-bit mode, set up through vcpu_write. It reports to
 * its VMM (the root task) with VMMCALL, RAX saying what the report is (GUEST_R_* below, shared
 * with the C side by value). Position-independent: only relative jumps, and absolute
 * addresses that are guest-physical constants (identity-mapped by the test's page tables). */

#define GUEST_COUNTER 0x9000 /* incremented by the spinner */
#define GUEST_TIMER_FLAG 0x9010

    .section .rodata.guest_x86, "a"
    .code64
    .balign 16
    .global guest_x86_start
guest_x86_start:

/* The step-by-step scenario: each exit is one check of the test. */
    .global guest_x86_main
guest_x86_main:
    movabs  $0x123456789abcdef0, %rbx   /* only 64-bit code can hold this in one register */
    mov     $1, %eax
    vmmcall                             /* R_HELLO */
    mov     $0xab, %al
    out     %al, $0x80                  /* IOIO out, port 0x80, 1 byte */
    in      $0x71, %al                  /* IOIO in: the VMM's reply sets RAX */
    mov     %rax, %rbx
    mov     $3, %eax
    vmmcall                             /* R_IN_VALUE: RBX = what IN read */
    mov     $0x3fe00010, %rdi
    mov     (%rdi), %eax                /* MMIO: no RAM there, NPF; 2 bytes (8b 07) */
    mov     %rax, %rbx
    mov     $5, %eax
    vmmcall                             /* R_MMIO_VALUE */
    xor     %eax, %eax
    cpuid                               /* the VMM answers RAX and RBX */
    mov     %rax, %rcx
    mov     $7, %eax
    vmmcall                             /* R_CPUID: RCX, RBX = the answer */
    /* A page-aligned RAX, or VMRUN raises #GP before its intercept (APM vol. 3 VMRUN). */
    mov     $0x6000, %eax
    vmrun                               /* #UD from the kernel: the handler reports, skips */
    stgi                                /* the same */
    lea     7f(%rip), %r8               /* where the single step ends */
    pushfq
    orq     $0x100, (%rsp)
    popfq                               /* TF: a #DB trap after the next instruction */
    nop
7:  sti
    mov     $9, %eax
    vmmcall                             /* R_READY_FOR_IRQ: the VMM injects with the reply */
    nop
    mov     $10, %eax
    vmmcall                             /* R_AFTER_IRQ: the VMM arms the timer */
1:  hlt                                 /* wakes for the timer's vector */
    cmpb    $0, GUEST_TIMER_FLAG
    je      1b
    mov     $12, %eax
    vmmcall                             /* R_AFTER_TIMER */
    jmp     guest_x86_bench

/* The benchmark: BENCH_BATCHES batches of 1000 VMMCALL round trips, each timed by the guest's
 * own TSC and reported; then it halts for good. */
    .global guest_x86_bench
guest_x86_bench:
    mov     $11, %r13d
6:  rdtsc
    shl     $32, %rdx
    or      %rdx, %rax
    mov     %rax, %r12
    mov     $1000, %ecx
2:  mov     $13, %eax
    vmmcall                             /* R_BENCH: the VMM only advances */
    dec     %ecx
    jnz     2b
    rdtsc
    shl     $32, %rdx
    or      %rdx, %rax
    sub     %r12, %rax
    mov     %rax, %rbx
    mov     $14, %eax
    vmmcall                             /* R_BENCH_DONE: RBX = TSC ticks for the batch */
    dec     %r13d
    jnz     6b
3:  cli
    hlt
    jmp     3b

/* Spins forever, counting: for the scheduling tests. */
    .global guest_x86_spin
guest_x86_spin:
    incq    GUEST_COUNTER
    jmp     guest_x86_spin

/* Reports what it finds at an address of its own RAM, then reaches past its RAM. */
    .global guest_x86_peek
guest_x86_peek:
    mov     0x9008, %rbx
    mov     $0x20, %eax
    vmmcall                             /* R_PEEK: RBX = its own word at 0x9008 */
    mov     $0x200000, %rdi
    mov     (%rdi), %rax                /* the first byte past its 2 MiB: NPF */
4:  jmp     4b

/* Interrupt and exception handlers (64-bit interrupt gates, CPL 0: no stack switch). */
    .global guest_x86_ud
guest_x86_ud:
    mov     (%rsp), %rbx                /* the RIP of the instruction that raised #UD */
    mov     $0x106, %eax
    vmmcall                             /* R_UD */
    addq    $3, (%rsp)                  /* VMRUN and STGI are 3 bytes (0f 01 d8 / dc) */
    iretq

    .global guest_x86_db
guest_x86_db:
    mov     %dr6, %rbx
    mov     (%rsp), %rcx                /* where the trap returns to */
    andq    $~0x100, 16(%rsp)           /* TF off in the saved RFLAGS: one step only */
    mov     $0x107, %eax
    vmmcall                             /* R_DB: RBX = DR6, RCX = RIP, R8 = the expected RIP */
    iretq

    .global guest_x86_irq
guest_x86_irq:
    mov     $0x240, %eax
    vmmcall                             /* R_IRQ */
    iretq

    .global guest_x86_timer
guest_x86_timer:
    rdtsc
    shl     $32, %rdx
    or      %rdx, %rax
    mov     %rax, %rbx
    movb    $1, GUEST_TIMER_FLAG
    mov     $0x241, %eax
    vmmcall                             /* R_TIMER: RBX = the TSC when it ran */
    iretq

/* Any other vector: the test fails with what happened. */
    .global guest_x86_unexpected
guest_x86_unexpected:
    mov     (%rsp), %rbx
    mov     $0x1ff, %eax
    vmmcall                             /* R_UNEXPECTED */
5:  cli
    hlt
    jmp     5b

    .global guest_x86_end
guest_x86_end:
