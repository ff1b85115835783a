/* A fake arch for host tests of the kernel core: "physical" memory is a heap buffer, contexts
 * are plain word arrays, and interrupt masking and console output are recorded. */
#pragma once

#include <arch_core.h>
#include <arch_vcpu.h>

#define FAKE_PHYS_BASE 0x40000000ull
#define FAKE_PHYS_BITS 24 /* 16 MiB */
#define FAKE_IRQS 64
#define FAKE_TIMER_IRQ 26
#define FAKE_COUNTER_HZ 1000
#define FAKE_CTX_PC 40
#define FAKE_CTX_SP 41
/* Ports the fake arch keeps: a pretend UART and a debug-exit port. */
#define FAKE_RESERVED_PORT_FIRST 0x3f8
#define FAKE_RESERVED_PORT_LAST 0x3ff
#define FAKE_RESERVED_PORT_EXIT 0xf4

/* The fake vcpu (arch_vcpu words): registers 0..FAKE_VREG_COUNT-1; PSTATE accepts values
 * below 16 only (like an arch refusing a privilege level); TIMER is the deadline the guest's
 * timer fires at (UINT64_MAX: off); up to FAKE_VCPU_QUEUE pending injections. */
#define FAKE_VREG_COUNT 20
#define FAKE_VREG_PC 16
#define FAKE_VREG_PSTATE 17
#define FAKE_VREG_TIMER 18
#define FAKE_VREG_FAULTS 19   /* read-only: faults injected by FAULT replies */
#define FAKE_VCPU_QUEUE 4
#define FAKE_VW_NPENDING 30
#define FAKE_VW_PENDING 31    /* ..+FAKE_VCPU_QUEUE */
#define FAKE_VW_ARCH_PAGE 40
/* How many guest vspace tags (VMIDs) the fake arch has. */
#define FAKE_GUEST_TAGS 3

struct fake_arch {
    uint64_t now;           /* arch_counter_now() */
    uint64_t hz;            /* arch_counter_hz() (0: FAKE_COUNTER_HZ) */
    uint64_t deadline;      /* the last arch_timer_set_deadline() (0: none) */
    unsigned deadlines_set;
    unsigned guest_tags;    /* bitmask of tags in use */
    unsigned guest_flushes;
    bool irq_masked[FAKE_IRQS];
    unsigned irq_trigger[FAKE_IRQS]; /* the HV_IRQ_* mode irq_get programmed */
    unsigned flushes;
    char console[256];
    unsigned console_len;
    /* Port I/O: the ports' values (little-endian bytes), the accesses made, and the last. */
    uint8_t ports[65536 + 3];
    unsigned port_accesses;
    unsigned last_port, last_size;
    bool last_out;
    bool no_ioports; /* pretend to be an arch without a port space */
    bool no_doorbells; /* pretend to be an arch whose exits can't ring doorbells */
};
extern struct fake_arch fake;

/* Allocates (or clears) the fake physical memory and resets the records. */
void fake_arch_reset(void);
/* The same, refilling only the first `used` bytes (fast enough for a fuzzer). */
void fake_arch_reset_size(size_t used);
