/* The IOAPIC (Intel 82093AA datasheet): every input masked until a user handler claims it,
 * each on its own vector, masked again from its delivery until the handler acks it. */
#include "cpu.h"
#include "intc.h"
#include <arch.h>
#include <arch_core.h>
#include <hv/abi/syscall.h>
#include <kernel/irq.h>
#include <platform.h>

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_VER_MAX_REDIR_SHIFT 16
#define IOAPIC_REG_REDTBL(n) (0x10 + 2 * (n))
/* Redirection entry, low word (82093AA 3.2.4); fixed delivery, physical destination. */
#define IOAPIC_REDIR_ACTIVE_LOW (1u << 13)
#define IOAPIC_REDIR_LEVEL (1u << 15)
#define IOAPIC_REDIR_MASKED (1u << 16)
#define IOAPIC_DEST_SHIFT 24 /* high word: destination APIC ID */

/* Inputs 0-15 are the ISA interrupts (edge, active high); 16 and up are PCI INTx lines
 * (level, active low), as on every PC and in QEMU's q35 ACPI tables. */
#define IOAPIC_ISA_LINES 16
/* The kernel keeps the 8259's ExtINT input (0) and the 8254 PIT (2: ISA IRQ 0 is wired to
 * input 2, the MADT's interrupt source override); its tick is the LAPIC timer. */
#define IOAPIC_LINE_EXTINT 0
#define IOAPIC_LINE_PIT 2

static unsigned lines;
/* Each line's HV_IRQ_* trigger, as its claimer asked (0: the bus's convention, below). */
static uint8_t triggers[X86_IOAPIC_MAX_LINES];

static uint32_t ioapic_read(unsigned reg)
{
    volatile uint32_t *base = arch_phys_to_virt(pa_init(PLAT_IOAPIC_BASE));
    base[IOAPIC_REGSEL / 4] = reg;
    return base[IOAPIC_WIN / 4];
}

static void ioapic_write(unsigned reg, uint32_t v)
{
    volatile uint32_t *base = arch_phys_to_virt(pa_init(PLAT_IOAPIC_BASE));
    base[IOAPIC_REGSEL / 4] = reg;
    base[IOAPIC_WIN / 4] = v;
}

/* The entry of an unmasked line: its own vector, the trigger mode its claimer asked for or
 * that of its bus. */
static uint32_t redirection(unsigned line)
{
    static const uint32_t modes[] = {
        [HV_IRQ_EDGE_HIGH] = 0,
        [HV_IRQ_LEVEL_HIGH] = IOAPIC_REDIR_LEVEL,
        [HV_IRQ_EDGE_LOW] = IOAPIC_REDIR_ACTIVE_LOW,
        [HV_IRQ_LEVEL_LOW] = IOAPIC_REDIR_LEVEL | IOAPIC_REDIR_ACTIVE_LOW,
    };
    unsigned trigger = line < X86_IOAPIC_MAX_LINES ? triggers[line] : 0;
    if (!trigger)
        trigger = line < IOAPIC_ISA_LINES ? HV_IRQ_EDGE_HIGH : HV_IRQ_LEVEL_LOW;
    return modes[trigger] | (X86_VECTOR_IOAPIC_BASE + line);
}

void ioapic_init(void)
{
    unsigned max = (ioapic_read(IOAPIC_REG_VER) >> IOAPIC_VER_MAX_REDIR_SHIFT) & 0xff;

    /* Only the inputs vectors.S has stubs for are given out. */
    lines = max + 1 < X86_IOAPIC_MAX_LINES ? max + 1 : X86_IOAPIC_MAX_LINES;
    /* All masked, delivered to this (the boot) CPU; an input beyond `lines` stays masked.
     * lapic_init ran first (arch_irq_init). */
    for (unsigned n = 0; n <= max; n++) {
        ioapic_write(IOAPIC_REG_REDTBL(n) + 1, lapic_id() << IOAPIC_DEST_SHIFT);
        ioapic_write(IOAPIC_REG_REDTBL(n), IOAPIC_REDIR_MASKED | redirection(n));
    }
}

unsigned arch_irq_count(void)
{
    return lines;
}

bool arch_irq_reserved(unsigned irq)
{
    return irq == IOAPIC_LINE_EXTINT || irq == IOAPIC_LINE_PIT;
}

bool arch_irq_trigger_ok(unsigned irq, unsigned trigger)
{
    /* The IOAPIC takes any of the four on any input. */
    return irq < lines && trigger >= HV_IRQ_EDGE_HIGH && trigger <= HV_IRQ_LEVEL_LOW;
}

void arch_irq_set_trigger(unsigned irq, unsigned trigger)
{
    if (irq >= lines || trigger > HV_IRQ_LEVEL_LOW)
        return;
    triggers[irq] = (uint8_t)trigger;
    ioapic_write(IOAPIC_REG_REDTBL(irq), IOAPIC_REDIR_MASKED | redirection(irq));
}

void arch_irq_mask(unsigned irq)
{
    if (irq < lines)
        ioapic_write(IOAPIC_REG_REDTBL(irq), IOAPIC_REDIR_MASKED | redirection(irq));
}

void arch_irq_unmask(unsigned irq)
{
    if (irq < lines && !arch_irq_reserved(irq))
        ioapic_write(IOAPIC_REG_REDTBL(irq), redirection(irq));
}

void ioapic_handle_irq(unsigned line)
{
    /* A level-triggered line stays asserted until its device is serviced: masking it before
     * the EOI (which clears the entry's Remote IRR) keeps it from firing again at once. */
    if (line < lines && !arch_irq_reserved(line))
        irq_deliver(line); /* masks it until the handler acks */
    else
        arch_irq_mask(line);
}
