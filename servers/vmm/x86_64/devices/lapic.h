/* The local APIC of one vcpu: x2APIC through MSRs 0x800-0x8ff and xAPIC through MMIO at
 * 0xfee0_0000 (the same registers; which one works follows IA32_APIC_BASE), interrupt
 * acceptance and priorities, EOI back to the IOAPIC, self-IPIs, and the timer (one-shot,
 * periodic, TSC-deadline) expressed as a deadline the VMM wires to the kernel's vcpu timer. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "x86_64/devices/ioapic.h"

#define LAPIC_BASE 0xfee00000ull
#define LAPIC_SIZE 0x1000ull

/* IA32_APIC_BASE (MSR 0x1b) bits. */
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)

#define MSR_X2APIC_FIRST 0x800u
#define MSR_X2APIC_LAST 0x8ffu

/* Register offsets in the xAPIC page; the x2APIC MSR is 0x800 + offset / 16 (SDM 10.12.1.2). */
enum lapic_reg {
    LAPIC_ID = 0x20,
    LAPIC_VER = 0x30,
    LAPIC_TPR = 0x80,
    LAPIC_APR = 0x90,
    LAPIC_PPR = 0xa0,
    LAPIC_EOI = 0xb0,
    LAPIC_RRD = 0xc0,
    LAPIC_LDR = 0xd0,
    LAPIC_DFR = 0xe0,
    LAPIC_SVR = 0xf0,
    LAPIC_ISR = 0x100,
    LAPIC_TMR = 0x180,
    LAPIC_IRR = 0x200,
    LAPIC_ESR = 0x280,
    LAPIC_ICR = 0x300,
    LAPIC_ICR_HI = 0x310,
    LAPIC_LVT_TIMER = 0x320,
    LAPIC_LVT_THERMAL = 0x330,
    LAPIC_LVT_PERF = 0x340,
    LAPIC_LVT_LINT0 = 0x350,
    LAPIC_LVT_LINT1 = 0x360,
    LAPIC_LVT_ERROR = 0x370,
    LAPIC_TMICT = 0x380,
    LAPIC_TMCCT = 0x390,
    LAPIC_DCR = 0x3e0,
    LAPIC_SELF_IPI = 0x3f0, /* x2APIC only */
};

#define LAPIC_LVT_COUNT 6 /* timer, thermal, perf, LINT0, LINT1, error */
#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_SVR_ENABLE (1u << 8)
#define LAPIC_TIMER_ONESHOT 0u
#define LAPIC_TIMER_PERIODIC 1u
#define LAPIC_TIMER_TSC_DEADLINE 2u

/* ESR bits (SDM 10.5.3). */
#define LAPIC_ESR_SEND_ILLEGAL (1u << 5)
#define LAPIC_ESR_RECV_ILLEGAL (1u << 6)
#define LAPIC_ESR_ILLEGAL_REG (1u << 7)

struct lapic_ops {
    void *ctx;
    uint64_t (*now_ns)(void *ctx);
    /* The timer's next expiry in ns (UINT64_MAX: none); called whenever it changes. */
    void (*timer_arm)(void *ctx, uint64_t deadline_ns);
    /* EOI of a level-triggered vector: to the IOAPIC. */
    void (*eoi)(void *ctx, uint8_t vector);
    /* A register access the model ignores (for the log): offset, or MSR number. */
    void (*note)(void *ctx, const char *what, uint32_t where);
    /* Of the vectors 64n..64n+63 handed to the CPU (lapic_ack), those it has not taken yet
     * (the kernel's HV_X86_INTR_PENDING). NULL: the CPU takes a vector when it is handed. */
    uint64_t (*undelivered)(void *ctx, unsigned n);
};

struct lapic {
    uint32_t id;
    uint64_t apic_base;
    uint32_t tpr, svr, ldr, dfr;
    uint32_t esr, esr_pending;
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LAPIC_LVT_COUNT];
    uint32_t irr[8], isr[8], tmr[8];
    /* Vectors acknowledged to the CPU (IRR to ISR, lapic_ack) that it may not have taken yet:
     * while the guest runs with IF = 0 they wait in the kernel. Registers the guest reads show
     * them in the IRR, not the ISR, until ops.undelivered says they were taken. */
    uint32_t handed[8];
    bool nmi_pending;
    bool extint_pending; /* an ExtINT message: the CPU must ask the 8259 for the vector */
    /* Timer. */
    uint32_t dcr, tmict;
    uint64_t timer_start_ns; /* one-shot/periodic: when the current period began */
    uint64_t timer_deadline; /* ns of the next expiry, UINT64_MAX: none */
    uint64_t tsc_deadline;   /* IA32_TSC_DEADLINE as written (0: disarmed) */
    uint64_t tsc_hz, bus_hz;
    struct lapic_ops ops;
};

/* Reset state (SDM 10.4.7.1) with the given APIC ID; starts in x2APIC mode if x2apic. */
void lapic_init(struct lapic *l, uint32_t id, bool x2apic, uint64_t tsc_hz, uint64_t bus_hz,
                const struct lapic_ops *ops);

bool lapic_x2apic_mode(const struct lapic *l);
bool lapic_xapic_mode(const struct lapic *l); /* enabled, MMIO interface */

/* IA32_APIC_BASE: false means #GP (a reserved bit, or an illegal mode transition). */
uint64_t lapic_base_read(const struct lapic *l);
bool lapic_base_write(struct lapic *l, uint64_t value);
/* MSRs 0x800-0x8ff: false means #GP (not in x2APIC mode, no such register, read of a
 * write-only one, write of a read-only one, or reserved bits set). */
bool lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *value);
bool lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t value);
/* IA32_TSC_DEADLINE (0x6e0). */
uint64_t lapic_tsc_deadline_read(const struct lapic *l);
void lapic_tsc_deadline_write(struct lapic *l, uint64_t value);
/* xAPIC MMIO at offset from LAPIC_BASE, whatever base IA32_APIC_BASE holds; false for accesses the model ignores (reads give
 * all ones): not in xAPIC mode, not a 32-bit access to a 16-byte aligned register. */
bool lapic_mmio_read(struct lapic *l, uint64_t offset, unsigned size, uint64_t *value);
/* The task priority, in either mode: what CR8 reads and writes (as TPR[7:4]). */
uint32_t lapic_tpr(const struct lapic *l);
void lapic_set_tpr(struct lapic *l, uint32_t tpr);
bool lapic_mmio_write(struct lapic *l, uint64_t offset, unsigned size, uint64_t value);

/* An interrupt message from the IOAPIC (or our own ICR). */
void lapic_deliver(struct lapic *l, const struct apic_msg *msg);
/* The vector the CPU should take now (highest IRR above the processor priority), or -1. */
int lapic_pending_vector(const struct lapic *l);
/* Whether a fixed interrupt of this vector, were it requested now, would go to the CPU at once:
 * the APIC is enabled and the vector's class is above the processor priority. */
bool lapic_deliverable(const struct lapic *l, uint8_t vector);
/* Vector v goes to the CPU: IRR to ISR (the guest's view keeps it in the IRR until the CPU
 * has taken it: handed above). */
void lapic_ack(struct lapic *l, uint8_t vector);
/* Takes back lapic_ack of vector (it was not delivered after all). */
void lapic_unack(struct lapic *l, uint8_t vector);
/* Whether the 8259's INTR reaches the CPU (LINT0 in ExtINT mode, or the APIC disabled). */
bool lapic_accepts_extint(const struct lapic *l);

/* Brings the timer up to date with the clock: sets IRR for an expiry that has passed. */
void lapic_timer_update(struct lapic *l);
uint64_t lapic_timer_deadline(const struct lapic *l);

/* Internal to the lapic files. */
void lapic_timer_reset(struct lapic *l);
uint32_t lapic_timer_current(const struct lapic *l);
void lapic_timer_write_lvt(struct lapic *l, uint32_t value);
void lapic_timer_write_tmict(struct lapic *l, uint32_t value);
void lapic_timer_write_dcr(struct lapic *l, uint32_t value);
void lapic_set_irr(struct lapic *l, uint8_t vector, bool level);
