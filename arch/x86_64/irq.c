/* Bringing up the x86 interrupt controllers, and the CPU's interrupt flag. */
#include "intc.h"
#include <arch.h>

void arch_irq_init(void)
{
    pic_disable();
    lapic_init();
    ioapic_init();
}

void arch_irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

void arch_irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

void arch_wait_for_interrupt(void)
{
    /* A tick between the caller's check and HLT only delays it until the next one. */
    __asm__ volatile("hlt" ::: "memory");
}

/* STI takes effect after the next instruction (SDM vol. 2B STI), so an interrupt can't slip in
 * between it and HLT and leave the CPU asleep with the thread it readied. */
void arch_idle(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}
