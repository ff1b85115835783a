/* An interrupt line from a device model to the platform's interrupt controller model (the
 * GICv3 on AArch64, the IOAPIC on x86_64), so that device models stay arch-neutral.
 *
 * The contract: a device calls vmm_irq_set() with its output level after every change of its
 * state and after every guest access to it, whether or not the level changed. The controller
 * decides what that means: an edge-configured input acts on rising edges only; a level input
 * that is still high after a guest access is delivered again, because the controller cannot
 * see the guest's end-of-interrupt (docs/vmm.md, "Level interrupts"). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct vmm_irq_line {
    void (*set)(void *ctrl, uint32_t line, bool level);
    void *ctrl;
    uint32_t line;
};

static inline void vmm_irq_set(const struct vmm_irq_line *l, bool level)
{
    if (l->set)
        l->set(l->ctrl, l->line, level);
}
