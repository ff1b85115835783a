/* The IOAPIC (Intel 82093AA datasheet): every input masked until a driver binds it. */
#include "cpu.h"
#include "intc.h"
#include <arch.h>
#include <platform.h>

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_VER_MAX_REDIR_SHIFT 16
#define IOAPIC_REG_REDTBL(n) (0x10 + 2 * (n))
#define IOAPIC_REDIR_MASKED (1u << 16)

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

void ioapic_init(void)
{
    unsigned max = (ioapic_read(IOAPIC_REG_VER) >> IOAPIC_VER_MAX_REDIR_SHIFT) & 0xff;

    /* Masked, edge, fixed delivery to APIC 0, each on its own vector: binding a line later
     * only clears the mask. */
    for (unsigned n = 0; n <= max; n++) {
        ioapic_write(IOAPIC_REG_REDTBL(n), IOAPIC_REDIR_MASKED | (X86_VECTOR_IOAPIC_BASE + n));
        ioapic_write(IOAPIC_REG_REDTBL(n) + 1, 0);
    }
}
