/* The local APIC in xAPIC mode (Intel SDM Vol. 3A chapter 10; AMD APM Vol. 2, "Advanced
 * Programmable Interrupt Controller"), which QEMU's q35 with qemu64 has: registers at 0xfee0_0000,
 * 32-bit accesses. The library switches it to xAPIC mode and enables it at start. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_BASE 0xfee00000ul
#define LAPIC_ID 0x20
#define LAPIC_VERSION 0x30
#define LAPIC_TPR 0x80
#define LAPIC_PPR 0xa0
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ISR 0x100 /* 8 registers, 0x10 apart */
#define LAPIC_IRR 0x200
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)

uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);
void lapic_init(void);
void lapic_eoi(void);
/* A fixed interrupt of vector vec to this CPU (ICR, "self" shorthand). */
void lapic_self_ipi(unsigned vec);
/* An NMI to this CPU (ICR, NMI delivery to its own APIC ID: SDM 10.6.1 does not allow the
 * "self" shorthand for NMIs). */
void lapic_nmi_self(void);
/* Whether vector vec's bit is set in the ISR or IRR. */
bool lapic_in_service(unsigned vec);
bool lapic_requested(unsigned vec);
