/* The AArch64 trap frame built by vectors.S and the handlers it dispatches to. */
#pragma once

#include <kernel/types.h>

struct trap_frame {
    uint64_t x[31];
    uint64_t sp;
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
};

_Static_assert(sizeof(struct trap_frame) == 36 * 8, "vectors.S FRAME_SIZE");

/* The vector numbers vectors.S passes (its table's order, ARM ARM D1.10.2) for the two kinds of
 * entry from a lower EL in AArch64 that are not fatal for the task or guest. */
#define VECTOR_LOWER_SYNC 8
#define VECTOR_LOWER_IRQ 9

void trap_dispatch(unsigned vector, struct trap_frame *f);
void gic_handle_irq(void);
