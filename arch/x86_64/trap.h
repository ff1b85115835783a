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

/* Entry stubs in vectors.S: the 32 exceptions, then the timer and spurious vectors. */
extern const uint64_t x86_exception_stubs[32];
void x86_timer_stub(void);
void x86_spurious_stub(void);

/* Called by boot.S before kernel_main, so exceptions are reported from the first line of C. */
void gdt_init(void);
void idt_init(void);
/* The stack the CPU switches to when an interrupt or exception arrives from ring 3. */
void x86_tss_set_rsp0(uint64_t rsp0);

void timer_handle_irq(void);
