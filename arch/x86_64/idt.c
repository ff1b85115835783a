/* The IDT: the 32 exception vectors, the LAPIC timer and spurious vectors, the IOAPIC's
 * (SDM vol. 3A 7.14.1). */
#include "cpu.h"
#include "trap.h"

#define GATE_TYPE_INTERRUPT 0xe /* IF cleared on entry: handlers are not reentered */
#define GATE_P 0x80

/* SDM vol. 3A figure 7-8. */
struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};

_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate");

/* Vectors without a gate are not present: one arriving raises #GP, which is reported. */
static struct idt_gate idt[256];

static void set_gate(unsigned vector, uint64_t handler, unsigned ist)
{
    idt[vector] = (struct idt_gate){
        .offset_low = (uint16_t)handler,
        .selector = KERNEL_CS,
        .ist = (uint8_t)ist,
        .type_attr = GATE_P | GATE_TYPE_INTERRUPT, /* DPL 0: no INT n from ring 3 */
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
}

void idt_init(void)
{
    struct descriptor_ptr ptr = {sizeof(idt) - 1, (uint64_t)idt};

    for (unsigned v = 0; v < 32; v++) {
        bool fatal = v == X86_EXC_DF || v == X86_EXC_NMI || v == X86_EXC_MC;
        set_gate(v, x86_exception_stubs[v], fatal ? X86_IST_FATAL : 0);
    }
    set_gate(X86_VECTOR_TIMER, (uint64_t)x86_timer_stub, 0);
    for (unsigned n = 0; n < X86_IOAPIC_MAX_LINES; n++)
        set_gate(X86_VECTOR_IOAPIC_BASE + n, x86_ioapic_stubs[n], 0);
    set_gate(X86_VECTOR_SPURIOUS, (uint64_t)x86_spurious_stub, 0);
    __asm__ volatile("lidt %0" ::"m"(ptr));
}
