/* The x86_64 platform of one partition: the device models (UART, 8259 pair, 8254, IOAPIC,
 * LAPIC, CMOS RTC, ACPI PM block), the port-I/O bus, interrupt routing from ISA IRQs and GSIs
 * to the CPU, and the one timer deadline the VMM arms. All of it is plain data and calls:
 * the VMM supplies the clock, the console and the log through x86_platform_ops. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "x86_64/devices/fw_cfg.h"
#include "x86_64/devices/acpi_pm.h"
#include "x86_64/devices/cmos_rtc.h"
#include "x86_64/devices/ioapic.h"
#include "x86_64/devices/lapic.h"
#include "x86_64/devices/pic8259.h"
#include "x86_64/devices/pit8254.h"
#include "x86_64/devices/pvclock.h"
#include "x86_64/devices/uart16550.h"
#include "x86_64/x86_log.h"

struct x86_platform_ops {
    void *ctx;
    /* Monotonic time in ns; the guest's TSC is taken to be now_ns * tsc_hz / 1e9. */
    uint64_t (*now_ns)(void *ctx);
    /* A byte the guest wrote to COM1. */
    void (*console_write)(void *ctx, uint8_t byte);
    /* The next timed interrupt: at deadline_ns (UINT64_MAX: none) the guest should get
     * vector. The VMM hands both to the kernel's per-vcpu timer (HV_X86_TIMER_*), which
     * injects the vector itself; x86_platform_poll then counts it as delivered. Called
     * whenever either changes. */
    void (*timer_arm)(void *ctx, uint64_t deadline_ns, uint8_t vector);
    /* Of the vectors 64n..64n+63 handed to the CPU, those the guest has not taken yet (it runs
     * with IF = 0): the kernel's HV_X86_INTR_PENDING. The LAPIC shows them in its IRR until
     * then. May be NULL (every handed vector counts as taken). */
    uint64_t (*intr_undelivered)(void *ctx, unsigned n);
    /* One line of log, without a newline. May be NULL. */
    void (*log)(void *ctx, const char *msg);
    /* MMIO outside the IOAPIC and LAPIC pages (the virtio-mmio slots, through the VMM
     * core's bus). False: nothing there (reads then give all ones). May be NULL. */
    bool (*mmio_read)(void *ctx, uint64_t gpa, unsigned size, uint64_t *value);
    bool (*mmio_write)(void *ctx, uint64_t gpa, unsigned size, uint64_t value);
};

struct x86_platform_config {
    uint64_t tsc_hz;        /* the guest TSC rate (the host's: RDTSC is not intercepted) */
    uint64_t apic_bus_hz;   /* LAPIC timer input clock; 0: 1 GHz */
    bool x2apic;            /* start with the LAPIC in x2APIC mode (IA32_APIC_BASE.EXTD) */
    uint16_t poweroff_port; /* a port the manifest names: any write powers off; 0: none */
    uint64_t rtc_epoch_s;   /* Unix time at now_ns == 0, for the CMOS clock */
};

enum x86_power { X86_POWER_RUN, X86_POWER_RESET, X86_POWER_OFF, X86_POWER_EXIT };

/* The test exit port (docs/vmm-x86.md): a write of v stops the partition with status
 * (v << 1) | 1, QEMU's isa-debug-exit at iobase 0xf4, so a test guest runs the same on both. */
#define X86_TEST_EXIT_PORT 0xf4

struct x86_platform {
    struct x86_platform_config cfg;
    struct x86_platform_ops ops;
    struct x86_log log;
    struct uart16550 uart;
    struct pic_pair pic;
    struct pit8254 pit;
    struct ioapic ioapic;
    struct lapic lapic;
    struct cmos_rtc cmos;
    struct acpi_pm pm;
    struct pvclock pvclock;
    /* Guest RAM, for the paravirtual clock's records; NULL: no such clock (its MSRs #GP). */
    const struct x86_guest_mem *mem;
    uint32_t pci_addr;     /* CONFIG_ADDRESS at 0xcf8 */
    uint8_t reset_control; /* port 0xcf9 */
    uint8_t port92;        /* System Control Port A */
    uint64_t pat;          /* IA32_PAT, if the kernel intercepts it */
    uint64_t misc_enable;  /* IA32_MISC_ENABLE: fast strings (bit 0) is the guest's to set */
    struct fw_cfg fw_cfg;  /* ports 0x510/0x511; its facts set by vmm_x86_init */
    uint64_t armed;        /* the deadline last given to ops.timer_arm */
    uint8_t armed_vector;  /* and its vector */
    enum x86_power power;  /* a reset or power-off the guest asked for, sticky until handled */
    uint32_t exit_status;  /* with X86_POWER_EXIT */
};

void x86_platform_init(struct x86_platform *pf, const struct x86_platform_config *cfg,
                       const struct x86_platform_ops *ops);

/* An interrupt line changed: gsi < 16 is an ISA IRQ (to the 8259 pair and the IOAPIC, IRQ0
 * at pin 2), 16..23 an IOAPIC-only line (the virtio-mmio slots). Others are ignored. */
void x86_platform_set_irq(struct x86_platform *pf, unsigned gsi, bool level);

/* Brings the timers up to date with the clock (PIT IRQ0, LAPIC timer), counts an interrupt
 * the kernel's timer injected as taken, and re-arms the timer. The exit handler calls it
 * before and after every exit, the VMM after any other event. */
void x86_platform_poll(struct x86_platform *pf);

/* Arms the kernel's timer for the next timed interrupt the guest could take now (after
 * interrupts were handed over, which raise the processor priority). x86_platform_poll does it
 * too. */
void x86_platform_rearm(struct x86_platform *pf);

/* The interrupt to inject now, acknowledged (LAPIC IRR to ISR, or the 8259's INTA), or -1.
 * The VMM calls it when it can inject one (vcpu_inject). */
int x86_platform_take_interrupt(struct x86_platform *pf);
/* Undoes x86_platform_take_interrupt for a LAPIC vector the kernel would not take (its
 * queue was full): back from ISR to IRR. */
void x86_platform_untake_interrupt(struct x86_platform *pf, uint8_t vector);
/* Whether an NMI is pending (and consumes it). */
bool x86_platform_take_nmi(struct x86_platform *pf);

/* Port I/O: size 1, 2 or 4 (anything else reads all ones and is ignored). */
uint32_t x86_pio_read(struct x86_platform *pf, uint16_t port, unsigned size);
void x86_pio_write(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t value);
/* MMIO: the IOAPIC and LAPIC pages here, the rest through ops.mmio_*; unclaimed reads are
 * all ones and writes are dropped, logged once per page. */
uint64_t x86_mmio_read(struct x86_platform *pf, uint64_t gpa, unsigned size);
void x86_mmio_write(struct x86_platform *pf, uint64_t gpa, unsigned size, uint64_t value);

/* Console input for COM1 (see uart_rx_push). */
size_t x86_platform_console_input(struct x86_platform *pf, const uint8_t *buf, size_t n);
