/* What the AArch64 test guest (vcpu_guest_aarch64.S) and its VMM (vcpu_test_aarch64.c)
 * agree on: where the guest lives and the codes it passes in x0 at each HVC. */
#pragma once

#define G_RAM_IPA 0x40000000      /* one 2 MiB frame of guest RAM */
#define G_RAM_SIZE 0x200000
#define G_MMIO_IPA 0x09000000     /* nothing mapped: a device the VMM emulates */
#define G_FAULT_IPA 0x0a000000    /* nothing mapped: the VMM answers with FAULT */
#define G_MARKER_OFF 0x100000     /* a word the VMM writes into each guest's RAM */
#define G_SCRATCH_OFF 0x180000    /* a word the interleave loop writes and reads back */
#define G_TIMER_DELTA 125000      /* 2 ms of the 62.5 MHz counter */
#define G_SPI 48                  /* SPI 16: what the VMM injects */
#define G_TIMER_PPI 27
#define G_PTIMER_PPI 30

/* x0 at the guest's HVCs. */
#define G_HELLO 1
#define G_HELLO_BACK 2
#define G_MMIO_DONE 3
#define G_SYNC 4                  /* from the synchronous exception vector */
#define G_FAULT_DONE 5
#define G_IRQ_READY 6
#define G_IRQ 7                   /* from the IRQ vector (not the timer) */
#define G_IRQ_DONE 8
#define G_TIMER_DONE 9
#define G_PEEK 10
#define G_PEEK_DONE 11
#define G_LOOP_DONE 12
#define G_BENCH 13
#define G_DBG_ARMED 16            /* breakpoints and a watchpoint armed, its own one taken */
#define G_DBG_PROBE 17            /* the other guest ran over the first one's breakpoint */
#define G_DBG_DONE 18             /* x1..x3: DBGBVR0, DBGWVR0, MDSCR after the switches */
#define G_UNEXPECTED 15           /* any other vector; x1 = its offset */
#define G_PTIMER_SET 20           /* x1, x2: CNTP_CTL_EL0, CNTP_CVAL_EL0 as just set */
#define G_PTIMER_PEEK 21          /* x1, x2: CNTP_CTL_EL0, CNTP_CVAL_EL0 as found */
#define G_PTIMER_DONE 22          /* x1: how late the physical timer came (counter ticks) */
#define G_MASKED 23               /* x1: timer interrupts taken while masked, x2: CNTV_CTL_EL0 */
#define G_PTIMER_AHEAD 62500      /* 1 ms: guest A's physical timer, before guest B's */
