/* The legacy 8259A pair: moved off the exception vectors and masked, the LAPIC replaces it. */
#include "cpu.h"
#include "intc.h"
#include "io.h"
#include <platform.h>

/* 8259A initialization command words (8259A datasheet, "Programming the 8259A"). */
#define PIC_ICW1_INIT 0x10
#define PIC_ICW1_ICW4 0x01
#define PIC_ICW3_MASTER_SLAVE_ON_IR2 0x04
#define PIC_ICW3_SLAVE_ID 0x02
#define PIC_ICW4_8086 0x01
#define PIC_MASK_ALL 0xff

void pic_disable(void)
{
    /* The BIOS leaves the master on vectors 8-15, where a spurious IRQ 7 would look like
     * an exception: reprogram both to vectors 0x20-0x2f, then mask every input (OCW1). */
    outb(PLAT_PIC1_PORT, PIC_ICW1_INIT | PIC_ICW1_ICW4);
    outb(PLAT_PIC2_PORT, PIC_ICW1_INIT | PIC_ICW1_ICW4);
    outb(PLAT_PIC1_PORT + 1, X86_VECTOR_PIC_BASE);
    outb(PLAT_PIC2_PORT + 1, X86_VECTOR_PIC_BASE + 8);
    outb(PLAT_PIC1_PORT + 1, PIC_ICW3_MASTER_SLAVE_ON_IR2);
    outb(PLAT_PIC2_PORT + 1, PIC_ICW3_SLAVE_ID);
    outb(PLAT_PIC1_PORT + 1, PIC_ICW4_8086);
    outb(PLAT_PIC2_PORT + 1, PIC_ICW4_8086);
    outb(PLAT_PIC1_PORT + 1, PIC_MASK_ALL);
    outb(PLAT_PIC2_PORT + 1, PIC_MASK_ALL);
}
