/* The x86_64 guest's descriptor tables and trap dispatcher: a GDT with __BOOT_CS/__BOOT_DS, an
 * IDT of interrupt gates to the stubs of idt.S, and x86_trap, which hands an exception to the
 * innermost exc_catch (or ends the run as a FAIL) and an interrupt to its handler. */
#include <guest/exc.h>
#include <guest/lapic.h>
#include <guest/x86.h>

#include "../common/lib.h"

#define SEL_CODE 0x10
#define SEL_DATA 0x18

static const uint64_t gdt[] __attribute__((aligned(16))) = {
    0, 0, 0x00af9a000000ffffull, /* 0x10: 64-bit code */
    0x00cf92000000ffffull,       /* 0x18: data */
};

struct idt_gate {
    uint16_t offset_lo, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_hi, reserved;
};
static struct idt_gate idt[256] __attribute__((aligned(16)));

struct __attribute__((packed)) table_ptr {
    uint16_t limit;
    uint64_t base;
};

extern char isr_stubs[];
static irq_handler_fn handlers[256];

void x86_tables_init(void)
{
    const struct table_ptr g = {sizeof(gdt) - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n"
                     "pushq $0x10\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1: movl $0x18, %%eax\n"
                     "movl %%eax, %%ds\n"
                     "movl %%eax, %%es\n"
                     "movl %%eax, %%ss\n"
                     "movl %%eax, %%fs\n"
                     "movl %%eax, %%gs\n" ::"m"(g)
                     : "rax", "memory");
    for (unsigned v = 0; v < 256; v++) {
        uint64_t a = (uint64_t)isr_stubs + 16 * v;
        idt[v] = (struct idt_gate){
            .offset_lo = (uint16_t)a,
            .selector = SEL_CODE,
            .type = 0x8e, /* present, DPL 0, 64-bit interrupt gate (IF cleared on entry) */
            .offset_mid = (uint16_t)(a >> 16),
            .offset_hi = (uint32_t)(a >> 32),
        };
    }
    const struct table_ptr i = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(i) : "memory");
}

void irq_set_handler(unsigned id, irq_handler_fn fn)
{
    if (id < 256)
        handlers[id] = fn;
}

void irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

void irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

uint64_t arch_irq_save(void)
{
    return read_rflags();
}

void arch_irq_restore(uint64_t saved)
{
    if (saved & RFLAGS_IF)
        irq_enable();
    else
        irq_disable();
}

const char *exc_kind_name(uint64_t v)
{
    static const char *const names[32] = {
        [0] = "#DE",  [1] = "#DB",  [2] = "NMI",  [3] = "#BP",  [4] = "#OF",  [5] = "#BR",
        [6] = "#UD",  [7] = "#NM",  [8] = "#DF",  [10] = "#TS", [11] = "#NP", [12] = "#SS",
        [13] = "#GP", [14] = "#PF", [16] = "#MF", [17] = "#AC", [18] = "#MC", [19] = "#XM",
        [20] = "#VE", [21] = "#CP", [29] = "#VC", [30] = "#SX",
    };
    return v < 32 && names[v] ? names[v] : "vector (see syndrome)";
}

/* Called by idt.S's common path with the saved frame. */
TRAP_TEXT void x86_trap(struct x86_frame *f)
{
    unsigned v = (unsigned)f->vector;
    if (handlers[v]) {
        handlers[v](v, f);
        if (v >= 32)
            lapic_eoi();
        return;
    }
    if (v == 0xff)
        return; /* the spurious vector: no EOI (SDM 10.9) */
    if (v >= 32) {
        irq_unexpected++;
        irq_unexpected_last = v;
        lapic_eoi();
        return;
    }
    struct exc_info e = {
        .kind = v,
        .syndrome = f->error,
        .addr = v == VEC_PF ? read_cr(2) : 0,
        .pc = f->rip,
    };
    struct exc_jmp *j = exc_taken(&e);
    if (!j)
        exc_fatal(&e);
    /* Return into exc_longjmp(j) with interrupts off; exc_catch restores the caller's IF. */
    f->rip = (uint64_t)exc_longjmp;
    f->rdi = (uint64_t)j;
    f->cs = SEL_CODE;
    f->ss = SEL_DATA;
    f->rflags = 0x2;
}
