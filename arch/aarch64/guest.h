/* Running guests on AArch64: the switch between host and guest state (guest_switch.c) and
 * the handling of exits (guest_exit.c). */
#pragma once

#include "vcpu_state.h"
#include <kernel/vcpu.h>

/* Once at boot: FP/SIMD for guests, CNTVOFF, VTCR, the timer and maintenance PPIs. */
void guest_init(void);
/* Loads the guest state of t's vcpu and returns the context aarch64_enter_user erets to. */
struct arch_context *guest_enter(struct thread *t);
/* Saves the guest state and puts the CPU back in the host regime. */
void guest_leave(struct a64_vcpu *g);
/* t's guest trapped to EL2 through vector kind (vectors.S): handle or pass on the exit. */
void guest_exit(struct thread *t, unsigned kind);

/* Self-hosted debug (guest_debug.c): once at boot; a trapped debug register access handled
 * in the kernel (written: the value an MSR wrote). Entry and exit: guest_debug.h. */
void guest_debug_init(void);
bool guest_debug_trap(struct a64_vcpu *g, uint64_t esr, uint64_t written);
/* A trapped ID register read, answered by the kernel (guest_idreg.c). */
bool guest_idreg_trap(struct a64_vcpu *g, uint64_t esr);
/* A trapped PMU register access: UNDEFINED, partitions have no PMU (guest_pmu.c). */
bool guest_pmu_trap(struct a64_vcpu *g, uint64_t esr);

/* GIC (gic.c). */
void gic_enable_ppi(unsigned intid);
/* Acknowledges the highest pending interrupt, then handles it for g, the vcpu that was
 * running (NULL: the host). A guest exit acknowledges before it saves the guest's timer:
 * turning the timer off drops its (level) interrupt, which would then be gone. */
uint64_t gic_ack(void);
void gic_handle_acked(uint64_t intid, struct a64_vcpu *g);
