/* A tiny EL1 guest for the AArch64 vcpu tests (vcpu_test_aarch64.c copies it to the start
 * of guest RAM). Each phase is an entry point the VMM sets the PC to; phases talk to the VMM
 * with HVC, x0 holding a code of vcpu_test_aarch64.h. The MMU is off, so every access is to
 * Device memory at stage 1: aligned accesses only. */
#include "vcpu_test_aarch64.h"

#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7

    .section .rodata.vguest, "a"
    .balign 4096
    .global vguest_start
vguest_start:

/* HELLO: says where it runs (CurrentEL, its own address), then that the reply set x0. */
    .global vguest_hello
vguest_hello:
    mrs     x1, CurrentEL
    adr     x2, vguest_hello
    mov     x0, #G_HELLO
    hvc     #0
    mov     x1, x0                  /* the VMM's SET_A value */
    mov     x0, #G_HELLO_BACK
    hvc     #0
    b       .

/* MMIO: a store and a load to an IPA with nothing mapped; the load's value comes from the
 * VMM's reply. */
    .global vguest_mmio
vguest_mmio:
    mov     x20, #G_MMIO_IPA
    movz    x13, #0xbeef
    movk    x13, #0xdead, lsl #16
    str     w13, [x20]
    ldr     w14, [x20, #8]
    mov     x1, x14
    mov     x0, #G_MMIO_DONE
    hvc     #0
    b       .

/* FAULT: a load the VMM refuses; the sync vector reports it and returns past the load. */
    .global vguest_fault
vguest_fault:
    mov     x20, #G_FAULT_IPA
    ldr     x3, [x20]
    mov     x0, #G_FAULT_DONE
    hvc     #0
    b       .

/* Turns on the virtual CPU interface (ICC_* reach ICV_* under HCR_EL2.IMO) and IRQs. */
gic_on:
    mov     x9, #0xff
    msr     ICC_PMR_EL1, x9
    mov     x9, #1
    msr     ICC_IGRPEN1_EL1, x9
    isb
    msr     daifclr, #2
    ret

/* IRQ: asks for an interrupt; the vector reports it (G_IRQ) before G_IRQ_DONE. */
    .global vguest_irq
vguest_irq:
    bl      gic_on
    mov     x0, #G_IRQ_READY
    hvc     #0
    nop
    mov     x0, #G_IRQ_DONE
    hvc     #0
    b       .

/* TIMER: arms the virtual timer G_TIMER_DELTA ahead and waits in WFI; the IRQ vector handles
 * it without any HVC. Reports how late the interrupt came (counter ticks) in x1. */
    .global vguest_timer
vguest_timer:
    bl      gic_on
    mov     x26, #0
    mrs     x10, cntvct_el0
    movz    x11, #(G_TIMER_DELTA & 0xffff)
    movk    x11, #(G_TIMER_DELTA >> 16), lsl #16
    add     x10, x10, x11
    msr     cntv_cval_el0, x10
    mov     x10, #1
    msr     cntv_ctl_el0, x10
1:  wfi
    cbz     x26, 1b
    mov     x1, x25
    mov     x0, #G_TIMER_DONE
    hvc     #0
    b       .

/* PTIMER_SET: arms the EL1 physical timer G_PTIMER_AHEAD ahead (interrupts masked: it never
 * takes it) and reports what CNTP_CTL_EL0 and CNTP_CVAL_EL0 read back. */
    .global vguest_ptimer_set
vguest_ptimer_set:
    msr     daifset, #2
    mrs     x10, cntpct_el0
    movz    x11, #(G_PTIMER_AHEAD & 0xffff)
    movk    x11, #(G_PTIMER_AHEAD >> 16), lsl #16
    add     x10, x10, x11
    msr     cntp_cval_el0, x10
    mov     x10, #1                 /* ENABLE, IMASK clear: its output rises at the deadline */
    msr     cntp_ctl_el0, x10
    isb
    mrs     x1, cntp_ctl_el0
    mrs     x2, cntp_cval_el0
    mov     x0, #G_PTIMER_SET
    hvc     #0
    b       .

/* PTIMER_PEEK: reports CNTP_CTL_EL0 and CNTP_CVAL_EL0 as this vcpu finds them. */
    .global vguest_ptimer_peek
vguest_ptimer_peek:
    mrs     x1, cntp_ctl_el0
    mrs     x2, cntp_cval_el0
    mov     x0, #G_PTIMER_PEEK
    hvc     #0
    b       .

/* PTIMER: the physical timer G_TIMER_DELTA ahead, then WFI until its interrupt (PPI 30) came;
 * x1 = how late, signed (negative: an interrupt before its own deadline). */
    .global vguest_ptimer
vguest_ptimer:
    bl      gic_on
    mov     x26, #0
    mrs     x10, cntpct_el0
    movz    x11, #(G_TIMER_DELTA & 0xffff)
    movk    x11, #(G_TIMER_DELTA >> 16), lsl #16
    add     x10, x10, x11
    msr     cntp_cval_el0, x10
    mov     x10, #1
    msr     cntp_ctl_el0, x10
1:  wfi
    cbz     x26, 1b
    mov     x1, x25
    mov     x0, #G_PTIMER_DONE
    hvc     #0
    b       .

/* MASKED: the virtual timer G_TIMER_DELTA ahead while the VMM holds its PPI back; spins with
 * interrupts on until twice that, reports how many came (x1) and CNTV_CTL_EL0 (x2), then waits
 * in WFI for the interrupt the VMM's unmasking lets through (G_TIMER_DONE, x1 = how late). */
    .global vguest_masked
vguest_masked:
    bl      gic_on
    mov     x26, #0
    mrs     x10, cntvct_el0
    movz    x11, #(G_TIMER_DELTA & 0xffff)
    movk    x11, #(G_TIMER_DELTA >> 16), lsl #16
    add     x12, x10, x11
    msr     cntv_cval_el0, x12
    mov     x10, #1
    msr     cntv_ctl_el0, x10
    add     x13, x12, x11
1:  mrs     x10, cntvct_el0
    cmp     x10, x13
    b.lo    1b
    mov     x1, x26
    mrs     x2, cntv_ctl_el0
    mov     x0, #G_MASKED
    hvc     #0
2:  cbnz    x26, 3f                 /* unmasked, it comes at once: often before the WFI */
    wfi
    b       2b
3:  mov     x1, x25
    mov     x0, #G_TIMER_DONE
    hvc     #0
    b       .

/* PEEK: reports the marker word of its own RAM, then reads just past its RAM. */
    .global vguest_peek
vguest_peek:
    mov     x20, #G_RAM_IPA
    add     x21, x20, #G_MARKER_OFF
    ldr     x1, [x21]
    mov     x0, #G_PEEK
    hvc     #0
    add     x21, x20, #G_RAM_SIZE
    ldr     x3, [x21]
    mov     x0, #G_PEEK_DONE
    hvc     #0
    b       .

/* LOOP: x2 = a value, x3 = iterations: writes x2 to the scratch word and reads it back
 * each time; reports mismatches (x1) and the counter at start (x2) and end (x3). */
    .global vguest_loop
vguest_loop:
    mov     x20, #G_RAM_IPA
    add     x20, x20, #G_SCRATCH_OFF
    mov     x4, #0
    mrs     x5, cntvct_el0
1:  str     x2, [x20]
    ldr     x6, [x20]
    cmp     x6, x2
    cinc    x4, x4, ne
    subs    x3, x3, #1
    b.ne    1b
    mrs     x3, cntvct_el0
    mov     x1, x4
    mov     x2, x5
    mov     x0, #G_LOOP_DONE
    hvc     #0
    b       .

/* SPIN: never exits; only the scheduler takes the CPU back. */
    .global vguest_spin
vguest_spin:
    b       vguest_spin

/* BENCH: one HVC after another (the VMM replies ADVANCE to each). */
    .global vguest_bench
vguest_bench:
    mov     x0, #G_BENCH
1:  hvc     #0
    b       1b

/* DOORBELL BENCH: 1000 word stores to G_MMIO_IPA (a doorbell: no exit each), then an HVC. */
    .global vguest_bell_bench
vguest_bell_bench:
    mov     x20, #G_MMIO_IPA
    mov     x0, #G_BENCH
1:  mov     x9, #1000
2:  str     w9, [x20]
    subs    x9, x9, #1
    b.ne    2b
    hvc     #0
    b       1b

/* Self-hosted debug. DBGBCR: E, PMC = 0b11, BAS = 0b1111; HMC with SSC = 0b01 also matches at
 * EL2: a guest asking for every EL. DBGWCR: E, PAC = 0b11, LSC = 0b11 (loads and stores),
 * BAS = 0xff, HMC, SSC = 0b01. MDSCR_EL1: MDE | KDE. */
#define BCR_EL1_EL0 0x1e7
#define BCR_EVERY_EL 0x61e7
#define WCR_EVERY_EL 0x7fff
#define MDSCR_MDE_KDE 0xa000

/* DEBUG ARM: breakpoint 0 at x1 and watchpoint 0 at x2 (addresses of the VMM's task, which the
 * guest should never reach), breakpoint 1 on vguest_dbg_hit in itself; debug exceptions on.
 * Calling vguest_dbg_hit takes breakpoint 1 (the sync vector reports it, G_SYNC). */
    .global vguest_dbg_arm
vguest_dbg_arm:
    msr     oslar_el1, xzr
    msr     dbgbvr0_el1, x1
    mov     x9, #BCR_EVERY_EL
    msr     dbgbcr0_el1, x9
    msr     dbgwvr0_el1, x2
    mov     x9, #WCR_EVERY_EL
    msr     dbgwcr0_el1, x9
    adr     x9, vguest_dbg_hit
    msr     dbgbvr1_el1, x9
    mov     x9, #BCR_EL1_EL0
    msr     dbgbcr1_el1, x9
    mov     x9, #MDSCR_MDE_KDE
    msr     mdscr_el1, x9
    isb
    msr     daifclr, #8
    bl      vguest_dbg_hit
    mov     x0, #G_DBG_ARMED
    hvc     #0
    b       .

/* A breakpoint's target: the sync vector returns past its first instruction. */
    .global vguest_dbg_hit
vguest_dbg_hit:
    nop
    ret

/* DEBUG PROBE (the other guest, same IPAs): its own MDSCR_EL1 (x3) and DBGBVR1_EL1 (x2) first,
 * then debug exceptions on and a call over the first guest's breakpoint 1: x1 = 1 if it ran. */
    .global vguest_dbg_probe
vguest_dbg_probe:
    mrs     x3, mdscr_el1
    mrs     x2, dbgbvr1_el1
    msr     oslar_el1, xzr
    mov     x9, #MDSCR_MDE_KDE
    msr     mdscr_el1, x9
    isb
    msr     daifclr, #8
    mov     x1, #0
    bl      vguest_dbg_hit
    mov     x1, #1
    msr     daifset, #8
    msr     mdscr_el1, xzr
    mov     x0, #G_DBG_PROBE
    hvc     #0
    b       .

/* DEBUG AGAIN (the first guest, after the others ran): breakpoint 1 still fires, its registers
 * still hold what it wrote (x1..x3); then everything off. */
    .global vguest_dbg_again
vguest_dbg_again:
    msr     daifclr, #8
    bl      vguest_dbg_hit
    mrs     x1, dbgbvr0_el1
    mrs     x2, dbgwvr0_el1
    mrs     x3, mdscr_el1
    msr     daifset, #8
    msr     dbgbcr0_el1, xzr
    msr     dbgbcr1_el1, xzr
    msr     dbgwcr0_el1, xzr
    msr     mdscr_el1, xzr
    mov     x0, #G_DBG_DONE
    hvc     #0
    b       .

/* Anything unexpected: report the vector offset. */
.macro unexpected off
    .balign 128
    mov     x0, #G_UNEXPECTED
    mov     x1, #\off
    hvc     #0
    b       .
.endm

    .balign 2048
    .global vguest_vectors
vguest_vectors:
    unexpected 0x000
    unexpected 0x080
    unexpected 0x100
    unexpected 0x180
    /* 0x200: synchronous, current EL with SP_ELx. */
    .balign 128
    mrs     x1, esr_el1
    mrs     x2, far_el1
    mrs     x3, elr_el1
    mov     x0, #G_SYNC
    hvc     #0
    add     x3, x3, #4              /* past the faulting load */
    msr     elr_el1, x3
    eret
    /* 0x280: IRQ, current EL with SP_ELx. */
    .balign 128
    b       irq_entry
    unexpected 0x300
    unexpected 0x380
    unexpected 0x400
    unexpected 0x480
    unexpected 0x500
    unexpected 0x580
    unexpected 0x600
    unexpected 0x680
    unexpected 0x700
    unexpected 0x780

irq_entry:
    mrs     x9, ICC_IAR1_EL1
    cmp     x9, #G_PTIMER_PPI
    b.eq    ptimer_irq
    cmp     x9, #G_TIMER_PPI
    b.ne    1f
    /* The timer: mask it (it stays asserted until reprogrammed), note how late it came. */
    mov     x10, #3                 /* ENABLE | IMASK */
    msr     cntv_ctl_el0, x10
    mrs     x10, cntvct_el0
    mrs     x11, cntv_cval_el0
    sub     x25, x10, x11
    mov     x26, #1
    msr     ICC_EOIR1_EL1, x9
    eret
1:  msr     ICC_EOIR1_EL1, x9
    mov     x1, x9
    mov     x0, #G_IRQ
    hvc     #0
    eret

/* The physical timer: the same, on CNTP. */
ptimer_irq:
    mov     x10, #3
    msr     cntp_ctl_el0, x10
    mrs     x10, cntpct_el0
    mrs     x11, cntp_cval_el0
    sub     x25, x10, x11
    mov     x26, #1
    msr     ICC_EOIR1_EL1, x9
    eret

    .global vguest_end
vguest_end:
