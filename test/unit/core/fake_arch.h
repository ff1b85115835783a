/* A fake arch for host tests of the kernel core: "physical" memory is a heap buffer, contexts
 * are plain word arrays, and interrupt masking and console output are recorded. */
#pragma once

#include <arch_core.h>

#define FAKE_PHYS_BASE 0x40000000ull
#define FAKE_PHYS_BITS 24 /* 16 MiB */
#define FAKE_IRQS 64
#define FAKE_TIMER_IRQ 26
#define FAKE_CTX_PC 40
#define FAKE_CTX_SP 41
/* Ports the fake arch keeps: a pretend UART and a debug-exit port. */
#define FAKE_RESERVED_PORT_FIRST 0x3f8
#define FAKE_RESERVED_PORT_LAST 0x3ff
#define FAKE_RESERVED_PORT_EXIT 0xf4

struct fake_arch {
    bool irq_masked[FAKE_IRQS];
    unsigned flushes;
    char console[256];
    unsigned console_len;
    /* Port I/O: the ports' values (little-endian bytes), the accesses made, and the last. */
    uint8_t ports[65536 + 3];
    unsigned port_accesses;
    unsigned last_port, last_size;
    bool last_out;
    bool no_ioports; /* pretend to be an arch without a port space */
};
extern struct fake_arch fake;

/* Allocates (or clears) the fake physical memory and resets the records. */
void fake_arch_reset(void);
/* The same, refilling only the first `used` bytes (fast enough for a fuzzer). */
void fake_arch_reset_size(size_t used);
