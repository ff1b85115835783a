/* x86_64 instructions and registers for test guests at ring 0 (names as in the Intel SDM and
 * the AMD APM, so that they can be looked up). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

struct cpuid {
    uint32_t a, b, c, d;
};
static inline struct cpuid cpuid(uint32_t leaf, uint32_t sub)
{
    struct cpuid r;
    __asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
    return r;
}

#define read_cr(n)                                                                                 \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_));                                         \
        v_;                                                                                        \
    })
#define write_cr(n, v) __asm__ volatile("mov %0, %%cr" #n ::"r"((uint64_t)(v)) : "memory")

static inline uint64_t read_rflags(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_EFER 0xc0000080
#define APIC_BASE_BSP (1u << 8)
#define APIC_BASE_EXTD (1u << 10)
#define APIC_BASE_EN (1u << 11)
#define RFLAGS_IF (1u << 9)

/* Exception vectors (Intel SDM Vol. 3A 6.3.1; AMD APM Vol. 2, "Exceptions and Interrupts"). */
#define VEC_DE 0
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_UD 6
#define VEC_GP 13
#define VEC_PF 14

/* What the CPU looked like at the 64-bit entry, before the library changed anything, and the
 * zero page the loader passed in RSI (Linux boot.rst, "64-bit Boot Protocol"). */
struct x86_boot_state {
    const uint8_t *boot_params;
    uint64_t rflags, cr0, cr4, efer, apic_base;
    uint16_t cs, ds, ss;
    bool via_32bit; /* entered through the 32-bit entry (QEMU's real-mode path), not at 0x200 */
};
extern struct x86_boot_state x86_boot;

/* The TSC's rate as measured against the ACPI PM timer at start (1 GHz if it could not be). */
uint64_t x86_tsc_khz(void);

/* The interrupt frame the library's IDT stubs build (guest/exc.h's handlers get it). */
struct x86_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

/* The library's trap code ([__trap_start, __trap_end)): stubs, dispatcher, and any handler
 * placed there with TRAP_TEXT (an NMI check tells from a frame's RIP whether it interrupted
 * another handler). */
#define TRAP_TEXT __attribute__((section(".text.trap")))
extern char __trap_start[], __trap_end[];
