/* x86_64 control registers, MSRs, CPUID and the architectural bit names Duet uses
 * (Intel SDM vol. 3A ch. 2, AMD APM vol. 2 ch. 3). */
#pragma once

#ifdef __ASSEMBLER__
#define BIT(n) (1 << (n))
#else
#include <kernel/types.h>
#define BIT(n) (1ull << (n))
#endif

/* The kernel's virtual memory layout (kernel.ld repeats the first two). */
#ifdef __ASSEMBLER__
#define KERNEL_VIRT_BASE 0xffffffff80000000 /* -2 GiB: -mcmodel=kernel */
#define PHYSMAP_BASE 0xffff800000000000     /* linear map of RAM and devices */
#else
#define KERNEL_VIRT_BASE 0xffffffff80000000ull
#define PHYSMAP_BASE 0xffff800000000000ull
#endif
#define BOOT_MAP_SIZE 0x40000000 /* boot.S maps the first GiB */

/* Segment selectors of the GDT (gdt.c). */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS 0x18
#define USER_CS 0x20
#define TSS_SEL 0x28

/* Interrupt vectors (0-31 are the CPU's exceptions). */
#define X86_VECTOR_PIC_BASE 0x20    /* the 8259s, remapped and masked */
#define X86_VECTOR_TIMER 0x40       /* LAPIC timer */
#define X86_VECTOR_IOAPIC_BASE 0x50 /* IOAPIC inputs, masked until a driver owns one */
#define X86_VECTOR_SPURIOUS 0xff    /* LAPIC spurious (SDM 11.9) */
#define X86_IOAPIC_MAX_LINES 24     /* vectors.S has a stub for each (q35's IOAPIC has 24) */
/* Not a hardware vector: marks a saved context as entered through SYSCALL. */
#define X86_VECTOR_SYSCALL 0x100
/* #DF, NMI and #MC run on their own stack (TSS IST1): they may arrive where RSP can't be
 * trusted (an overflowed kernel stack; the user's RSP right before SYSRET). All three are
 * fatal, so one stack serves them. */
#define X86_IST_FATAL 1

/* Exception vectors the code names (SDM vol. 3A table 7-1). */
#define X86_EXC_NMI 2
#define X86_EXC_UD 6
#define X86_EXC_DF 8
#define X86_EXC_GP 13
#define X86_EXC_PF 14
#define X86_EXC_MC 18

#define CR0_PE BIT(0)
#define CR0_WP BIT(16) /* ring 0 honours read-only pages */
#define CR0_NW BIT(29)
#define CR0_CD BIT(30)
#define CR0_PG BIT(31)

#define CR4_PAE BIT(5)
#define CR4_PGE BIT(7)

#define MSR_IA32_APIC_BASE 0x1b
#define APIC_BASE_EN BIT(11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull
#define MSR_EFER 0xc0000080
#define EFER_SCE BIT(0) /* SYSCALL/SYSRET */
#define EFER_LME BIT(8)
#define EFER_LMA BIT(10)
#define EFER_NXE BIT(11)
/* SYSCALL targets (SDM vol. 4 table 2-2, AMD APM vol. 2 6.1.1). */
#define MSR_STAR 0xc0000081
#define STAR_SYSCALL_CS_SHIFT 32 /* SYSCALL: CS = this, SS = this + 8 */
#define STAR_SYSRET_CS_SHIFT 48  /* SYSRET to 64-bit: SS = this + 8, CS = this + 16 */
#define MSR_LSTAR 0xc0000082     /* 64-bit SYSCALL entry point */
#define MSR_SFMASK 0xc0000084    /* RFLAGS bits SYSCALL clears */

/* RFLAGS (SDM vol. 1 3.4.3). */
#define RFLAGS_CF BIT(0)
#define RFLAGS_FIXED BIT(1) /* always 1 */
#define RFLAGS_PF BIT(2)
#define RFLAGS_AF BIT(4)
#define RFLAGS_ZF BIT(6)
#define RFLAGS_SF BIT(7)
#define RFLAGS_TF BIT(8)
#define RFLAGS_IF BIT(9)
#define RFLAGS_DF BIT(10)
#define RFLAGS_OF BIT(11)
#define RFLAGS_IOPL (3 * BIT(12))
#define RFLAGS_NT BIT(14)
#define RFLAGS_RF BIT(16)
#define RFLAGS_AC BIT(18)
#define RFLAGS_ID BIT(21)

/* CPUID feature bits. */
#define CPUID_1_EDX_PGE BIT(13)
#define CPUID_80000001_ECX_SVM BIT(2)
#define CPUID_80000001_EDX_NX BIT(20)
#define CPUID_80000001_EDX_LM BIT(29)
#define CPUID_8000000A_EDX_NP BIT(0)

#ifndef __ASSEMBLER__
struct cpuid {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* The operand of LGDT and LIDT (SDM vol. 3A figure 3-11). */
struct descriptor_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define read_cr(n)                                                                                 \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_));                                         \
        v_;                                                                                        \
    })
#define write_cr(n, v) __asm__ volatile("mov %0, %%cr" #n ::"r"((uint64_t)(v)) : "memory")
#endif
