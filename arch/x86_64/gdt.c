/* The GDT (kernel and user segments) and the TSS (ring-0 stack, IST stacks): SDM vol. 3A
 * 3.4.5 (segment descriptors), 8.2.3 and 8.7 (64-bit TSS), 7.14.5 (IST). */
#include "cpu.h"
#include "trap.h"

/* Segment descriptor fields (SDM vol. 3A 3.4.5). In 64-bit mode base and limit are ignored
 * for code and data; the accessed bit is preset so the CPU never writes the table. */
#define SEG_ACCESSED BIT(40)
#define SEG_RW BIT(41) /* data: writable; code: readable */
#define SEG_CODE BIT(43)
#define SEG_S BIT(44) /* code or data, not a system descriptor */
#define SEG_DPL(n) ((uint64_t)(n) << 45)
#define SEG_P BIT(47)
#define SEG_L BIT(53) /* 64-bit code */
#define SEG_DB BIT(54)
#define SEG_G BIT(55)
#define SEG_LIMIT_MAX (0xffffull | 0xfull << 48)
#define SEG_CODE64(dpl)                                                                            \
    (SEG_LIMIT_MAX | SEG_ACCESSED | SEG_RW | SEG_CODE | SEG_S | SEG_DPL(dpl) | SEG_P | SEG_L |     \
     SEG_G)
#define SEG_DATA(dpl)                                                                              \
    (SEG_LIMIT_MAX | SEG_ACCESSED | SEG_RW | SEG_S | SEG_DPL(dpl) | SEG_P | SEG_DB | SEG_G)
#define SEG_TYPE_TSS_AVAILABLE (0x9ull << 40)

#define FATAL_STACK_SIZE 8192

/* SDM vol. 3A figure 8-11. */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "64-bit TSS");

/* SYSCALL/SYSRET need USER_DS right below USER_CS: SYSRET loads SS from
 * STAR[63:48]+8 and CS from STAR[63:48]+16 (SDM vol. 2B SYSRET). */
static uint64_t gdt[7] = {
    [KERNEL_CS / 8] = SEG_CODE64(0),
    [KERNEL_DS / 8] = SEG_DATA(0),
    [USER_DS / 8] = SEG_DATA(3),
    [USER_CS / 8] = SEG_CODE64(3),
    /* [TSS_SEL / 8] and the next: filled by gdt_init, the TSS address is not a constant */
};

static struct tss tss;
static uint8_t fatal_stack[FATAL_STACK_SIZE] __attribute__((aligned(16)));
extern char boot_stack_top[];

static void set_tss_descriptor(void)
{
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;

    gdt[TSS_SEL / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | SEG_TYPE_TSS_AVAILABLE | SEG_P |
                       ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    gdt[TSS_SEL / 8 + 1] = base >> 32;
}

void gdt_init(void)
{
    struct descriptor_ptr ptr = {sizeof(gdt) - 1, (uint64_t)gdt};

    /* #DF, NMI and #MC get a known-good stack (cpu.h). The boot stack is the only kernel
     * stack: an entry from ring 3 starts on it empty. No I/O bitmap: ring 3 gets no ports. */
    tss.ist[X86_IST_FATAL - 1] = (uint64_t)(fatal_stack + sizeof(fatal_stack));
    tss.rsp[0] = (uint64_t)boot_stack_top;
    tss.iomap_base = sizeof(tss);
    set_tss_descriptor();

    __asm__ volatile("lgdt %0" ::"m"(ptr));
    /* Reload CS with a far return, then the data segments, from the new table. */
    __asm__ volatile("pushq %[cs]\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %[ds], %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     :
                     : [cs] "i"(KERNEL_CS), [ds] "i"(KERNEL_DS)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" ::"r"(TSS_SEL));
}
