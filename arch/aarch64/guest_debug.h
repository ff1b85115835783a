/* Entering and leaving a guest, the debug side (guest_debug.c has the rest): inline, because
 * every exit passes here and a vcpu that does not own debug state must pay nothing more than
 * the MDCR_EL2 write it always needed. */
#pragma once

#include "guest.h"
#include "sysreg.h"

/* MDCR_EL2 for the host and for a guest that does not own its debug state (set at boot). */
extern uint64_t guest_mdcr_host, guest_mdcr_trapping;

/* g owns its debug state: load it (if the CPU does not hold it already) and MDSCR_EL1;
 * returns MDCR_EL2 without the debug register trap. */
uint64_t guest_debug_load(struct a64_vcpu *g);
/* g owns its debug state: save it, leave MDSCR_EL1 0, give the state up if unused. */
void guest_debug_save(struct a64_vcpu *g);

/* At entry: the MDCR_EL2 value for g. */
static inline uint64_t guest_debug_enter(struct a64_vcpu *g)
{
    return g->dbg.owner ? guest_debug_load(g) : guest_mdcr_trapping;
}

/* At exit, with the host's HCR_EL2 already written: the host's MDCR_EL2, g's state saved. */
static inline void guest_debug_leave(struct a64_vcpu *g)
{
    write_sysreg(mdcr_el2, guest_mdcr_host);
    if (g->dbg.owner)
        guest_debug_save(g);
}
