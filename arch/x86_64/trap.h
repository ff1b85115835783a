/* The x86_64 trap frame built by vectors.S and the handlers it dispatches to. */
#pragma once

#include <kernel/types.h>

/* In stack order: the GPRs vectors.S pushes, the vector and error code, then what the CPU
 * pushed (SDM vol. 3A 7.14.2: 64-bit mode always pushes SS:RSP). */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trap_frame) == 22 * 8, "vectors.S pushes 17 words");

void trap_dispatch(struct trap_frame *f);
/* The timer, IOAPIC and spurious vectors, from ring 0 or ring 3 alike. */
void x86_handle_interrupt(const struct trap_frame *f);
/* Reports the frame on the console and stops the machine. */
_Noreturn void x86_report_fatal(const struct trap_frame *f);

/* Entry stubs in vectors.S: the 32 exceptions, the timer, spurious and IOAPIC vectors. */
extern const uint64_t x86_exception_stubs[32];
extern const uint64_t x86_ioapic_stubs[];
void x86_timer_stub(void);
void x86_spurious_stub(void);

/* Called by boot.S before kernel_main, so exceptions are reported from the first line of C. */
void gdt_init(void);
void idt_init(void);
