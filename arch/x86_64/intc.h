/* The x86 interrupt controllers: the legacy 8259 pair (disabled), the local APIC and the
 * IOAPIC; and the HPET the LAPIC timer is calibrated against. */
#pragma once

#include <kernel/types.h>

void pic_disable(void);
void ioapic_init(void);
/* An interrupt arrived on IOAPIC input `line`: masks it and signals its handler. */
void ioapic_handle_irq(unsigned line);

void lapic_init(void);
void lapic_eoi(void);
/* Rewrites the TPR (unchanged, 0): the APIC re-evaluates what it has pending and raises it
 * again. For after a VMRUN that set V_IRQ, where QEMU can lose a host interrupt (x86_vcpu_run). */
void lapic_resync(void);
/* This CPU's APIC ID, the destination of the IOAPIC's interrupts. */
unsigned lapic_id(void);
/* Counts per second of the LAPIC timer, measured against the HPET. */
uint64_t lapic_timer_calibrate(void);
/* Interrupts once with vector after count timer counts (divide by 16). */
void lapic_timer_oneshot(uint32_t count, unsigned vector);

int hpet_init(void);
uint64_t hpet_now(void);
uint64_t hpet_hz(void);
