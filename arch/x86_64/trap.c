/* x86_64 trap dispatch: the timer, spurious and IOAPIC vectors go to their handlers; any
 * kernel exception is fatal and reported with everything needed to find it. */
#include "trap.h"
#include "cpu.h"
#include "intc.h"
#include <arch.h>
#include <kernel/printk.h>

/* Page-fault error code bits (SDM vol. 3A 5.7 figure 5-12). */
#define PF_P BIT(0)
#define PF_WR BIT(1)
#define PF_US BIT(2)
#define PF_RSVD BIT(3)
#define PF_ID BIT(4)

/* SDM vol. 3A table 7-1; AMD APM vol. 2 8.2 for #HV, #VC and #SX. */
static const char *const exception_names[32] = {
    [0] = "#DE divide error",
    [1] = "#DB debug",
    [2] = "NMI",
    [3] = "#BP breakpoint",
    [4] = "#OF overflow",
    [5] = "#BR bound range exceeded",
    [6] = "#UD invalid opcode",
    [7] = "#NM device not available",
    [8] = "#DF double fault",
    [9] = "coprocessor segment overrun",
    [10] = "#TS invalid TSS",
    [11] = "#NP segment not present",
    [12] = "#SS stack-segment fault",
    [13] = "#GP general protection",
    [14] = "#PF page fault",
    [15] = "reserved",
    [16] = "#MF x87 floating-point",
    [17] = "#AC alignment check",
    [18] = "#MC machine check",
    [19] = "#XM SIMD floating-point",
    [20] = "#VE virtualization",
    [21] = "#CP control protection",
    [22] = "reserved",
    [23] = "reserved",
    [24] = "reserved",
    [25] = "reserved",
    [26] = "reserved",
    [27] = "reserved",
    [28] = "#HV hypervisor injection",
    [29] = "#VC VMM communication",
    [30] = "#SX security",
    [31] = "reserved",
};

static void report_page_fault(uint64_t error)
{
    printk("FATAL: page fault: %s %s in %s mode%s\n",
           error & PF_P ? "protection violation on" : "not-present page on",
           error & PF_ID   ? "instruction fetch"
           : error & PF_WR ? "write"
                           : "read",
           error & PF_US ? "user" : "supervisor",
           error & PF_RSVD ? ", reserved bit set in a table entry" : "");
}

_Noreturn void x86_report_fatal(const struct trap_frame *f)
{
    static const char *const gpr_names[15] = {"R15", "R14", "R13", "R12", "R11", "R10", "R9", "R8",
                                              "RBP", "RDI", "RSI", "RDX", "RCX", "RBX", "RAX"};
    const uint64_t *gprs = &f->r15;

    printk("FATAL: %s exception: vector %lu %s\n", f->cs & 3 ? "user-mode" : "kernel", f->vector,
           f->vector < 32 ? exception_names[f->vector] : "(not an exception)");
    printk("FATAL: error code 0x%lx CR2=0x%016lx CR3=0x%016lx\n", f->error_code, read_cr(2),
           read_cr(3));
    if (f->vector == X86_EXC_PF)
        report_page_fault(f->error_code);
    printk("FATAL: RIP=0x%016lx CS=0x%04lx RFLAGS=0x%08lx RSP=0x%016lx SS=0x%04lx\n", f->rip, f->cs,
           f->rflags, f->rsp, f->ss);
    /* RAX first, as the manuals list them. */
    for (unsigned n = 0; n < 15; n++) {
        unsigned i = 14 - n;
        printk("%s%-3s=0x%016lx", n % 4 == 0 ? "FATAL: " : " ", gpr_names[i], gprs[i]);
        if (n % 4 == 3 || n == 14)
            printk("\n");
    }
    arch_poweroff(false);
}

void x86_handle_interrupt(const struct trap_frame *f)
{
    uint64_t v = f->vector;

    if (v == X86_VECTOR_TIMER) {
        kernel_timer_interrupt();
        lapic_eoi();
    } else if (v >= X86_VECTOR_IOAPIC_BASE && v < X86_VECTOR_IOAPIC_BASE + X86_IOAPIC_MAX_LINES) {
        ioapic_handle_irq((unsigned)(v - X86_VECTOR_IOAPIC_BASE));
        lapic_eoi();
    } else if (v != X86_VECTOR_SPURIOUS) { /* SDM vol. 3A 11.9: no EOI for a spurious one */
        x86_report_fatal(f);
    }
}

/* Traps taken in ring 0: interrupts while the kernel idles, or a kernel bug. */
void trap_dispatch(struct trap_frame *f)
{
    if (f->vector < 32)
        x86_report_fatal(f);
    x86_handle_interrupt(f);
}

void arch_trigger_fault(void)
{
    /* Above the linear map (at most 64 TiB of RAM) nothing is mapped: a #PF on a read. */
    volatile uint64_t *unmapped = (volatile uint64_t *)0xffffc00000000000ull;
    (void)*unmapped;
}
