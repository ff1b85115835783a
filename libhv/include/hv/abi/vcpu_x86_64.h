/* x86_64 vcpus (hv/abi/vcpu.h): register numbers for vcpu_read/vcpu_write, the vcpu_inject flags,
 * the per-vcpu timer and the arch words of an exit message. A guest runs under AMD SVM with
 * nested paging; docs/vcpu.md (x86_64) gives the reasons. */
#pragma once

#include <stdint.h>

/* Register numbers: the GPRs in the order of the instruction encoding (so a ModRM reg field
 * is a register number), then the rest of the guest state. */
enum hv_x86_reg {
    HV_X86_RAX = 0,
    HV_X86_RCX = 1,
    HV_X86_RDX = 2,
    HV_X86_RBX = 3,
    HV_X86_RSP = 4,
    HV_X86_RBP = 5,
    HV_X86_RSI = 6,
    HV_X86_RDI = 7,
    HV_X86_R8 = 8,
    HV_X86_R15 = 15,
    HV_X86_RIP = 16,    /* canonical */
    HV_X86_RFLAGS = 17, /* bit 1 set; bits 3, 5, 15 and 22..63 clear */
    /* Control registers: a value VMRUN would refuse is HV_EINVAL (APM 15.5.1), and so is
     * one that makes the state inconsistent with what is already there. From reset to long
     * mode, write EFER (LME), CR4 (PAE), CR3, then CR0 (PE|PG), then CS (L=1, D=0). */
    HV_X86_CR0 = 18, /* bits 63:32 clear; NW only with CD; PG only with PE */
    HV_X86_CR2 = 19,
    HV_X86_CR3 = 20, /* bits above the CPU's physical address width clear */
    HV_X86_CR4 = 21, /* only features the CPU has (CPUID); never VMXE/SMXE */
    HV_X86_EFER = 22, /* SCE, LME, NXE; LMA is read-only (LME && CR0.PG); SVME is the kernel's */
    HV_X86_DR6 = 23, /* bits 63:32 clear */
    HV_X86_DR7 = 24, /* bits 63:32 clear */
    HV_X86_PAT = 25, /* the guest's PAT MSR (g_PAT): each byte 0, 1, 4, 5, 6 or 7 */
    /* 26..31: reserved */
    /* Segments: HV_X86_SEG(s, f), s an enum hv_x86_seg, f an enum hv_x86_seg_field. */
    HV_X86_SEG_FIRST = 32,
    HV_X86_GDTR_BASE = 64, /* canonical */
    HV_X86_GDTR_LIMIT = 65, /* 0..0xffff */
    HV_X86_IDTR_BASE = 66,
    HV_X86_IDTR_LIMIT = 67,
    /* MSRs the guest reads and writes itself, with no exit (the VMCB keeps them). */
    HV_X86_STAR = 72,
    HV_X86_LSTAR = 73,
    HV_X86_CSTAR = 74,
    HV_X86_SFMASK = 75,
    HV_X86_KERNEL_GS_BASE = 76,
    HV_X86_SYSENTER_CS = 77,
    HV_X86_SYSENTER_ESP = 78,
    HV_X86_SYSENTER_EIP = 79,
    HV_X86_INTR_SHADOW = 80, /* 1: interrupts blocked for one instruction (STI, MOV SS) */
    /* The per-vcpu timer (below). */
    HV_X86_TIMER_DEADLINE = 96,
    HV_X86_TIMER_VECTOR = 97,
    HV_X86_TSC_HZ = 98, /* read-only: TSC ticks per second, as the kernel measured them */
    /* read-only: exceptions the kernel reflected into the guest without an exit to the VMM
     * (#UD for SVM instructions, #AC, #DB), counted since the vcpu was made */
    HV_X86_REFLECTED = 99,
    /* read-only: the external interrupts handed to the kernel (vcpu_inject, the timer) that the
     * guest has not taken yet, a bitmap of vectors 64·n..64·n+63 for INTR_PENDING + n (n 0..3;
     * vectors 0..31 never show). What a VMM's interrupt controller holds as requested (LAPIC
     * IRR) rather than in service until the guest takes them (below). */
    HV_X86_INTR_PENDING = 100,
    HV_X86_REG_COUNT = 104,
};

/* Segment registers, in the VMCB's order, and the four fields of each. */
enum hv_x86_seg {
    HV_X86_ES = 0,
    HV_X86_CS = 1,
    HV_X86_SS = 2,
    HV_X86_DS = 3,
    HV_X86_FS = 4,
    HV_X86_GS = 5,
    HV_X86_LDTR = 6,
    HV_X86_TR = 7,
};
enum hv_x86_seg_field {
    HV_X86_SEG_SEL = 0,   /* 0..0xffff */
    HV_X86_SEG_BASE = 1,  /* canonical */
    HV_X86_SEG_LIMIT = 2, /* the byte-granular limit (G already applied), 32 bits */
    /* The descriptor's attributes in the VMCB's packing (APM 15.5.1): bits 40..47 of the
     * descriptor (type, S, DPL, P) in 7:0 and bits 52..55 (AVL, L, D/B, G) in 11:8; 12..15 clear.
     * CS with L=1 and D=1 is refused in long mode. SS.DPL is the guest's CPL. */
    HV_X86_SEG_ATTR = 3,
};
#define HV_X86_SEG(s, f) (HV_X86_SEG_FIRST + 4 * (s) + (f))

/* VMCB attribute values a VMM setting up a guest typically needs. */
#define HV_X86_ATTR_CODE64 0x29bu /* present, DPL 0, code exec/read accessed, L=1 */
#define HV_X86_ATTR_CODE32 0xc9bu /* present, DPL 0, code, D=1, G=1 */
#define HV_X86_ATTR_DATA 0xc93u   /* present, DPL 0, data read/write accessed, D/B=1, G=1 */
#define HV_X86_ATTR_TSS64 0x08bu  /* present, 64-bit busy TSS */
#define HV_X86_ATTR_LDT 0x082u    /* present, LDT */

/*
 * vcpu_inject (hv/abi/vcpu.h): R1 the vector, R2 = kind | error_code << 32.
 *   HV_X86_INJECT_INTR: an external interrupt, vector 32..255. Delivered when the guest can
 *     take it (RFLAGS.IF=1, no interrupt shadow); the highest pending vector goes first.
 *     Until then it stays pending (a set: injecting a pending vector again is a no-op).
 *   HV_X86_INJECT_NMI: R1 must be 2. Not delivered again until the guest's IRET.
 *   HV_X86_INJECT_EXCEPTION: an exception 0..31 that is neither NMI nor reserved; the error
 *     code is pushed for those that have one (8, 10..14, 17, 21) and must be 0 for the others.
 *     One exception can be pending: another one is HV_EBUSY.
 *   Any other kind, vector or bit is HV_EINVAL. A guest halted in HLT wakes for an NMI, an
 *   exception, or an interrupt it can take.
 */
#define HV_X86_INJECT_INTR 0u
#define HV_X86_INJECT_NMI 1u
#define HV_X86_INJECT_EXCEPTION 2u
#define HV_X86_INJECT_ERROR(code) ((uint64_t)(uint32_t)(code) << 32)

/*
 * The per-vcpu timer, for the VMM's LAPIC timer model (the VMM has no timer of its own):
 * when the TSC reaches HV_X86_TIMER_DEADLINE, the kernel makes HV_X86_TIMER_VECTOR pending
 * as an external interrupt and clears the deadline (one-shot; a halted guest wakes). 0 = off.
 * The guest's TSC is the host's (no offset); HV_X86_TSC_HZ says how fast it runs, for the
 * VMM's CPUID leaves or its LAPIC timer ratio. Set the vector (32..255) first: a deadline
 * with no vector is HV_EINVAL.
 */

/* Exit words 3..5 (hv/abi/vcpu.h): w[3] EXITINFO1, w[4] the guest's RAX, w[5] the next RIP when
 * the kernel knows it (IOIO: from EXITINFO2; CPUID, RDMSR/WRMSR, INVD, RDPMC +2; VMMCALL,
 * XSETBV, MONITOR, MWAIT +3), 0 otherwise (then ADVANCE needs the length in w[1]).
 * w[0] is the SVM EXITCODE (0x7b IOIO, 0x7c MSR, 0x72 CPUID, 0x81 VMMCALL, 0x400 NPF with the
 * GPA in w[1], 0x7f SHUTDOWN after a triple fault — the guest state is then undefined: reset
 * it; 0xffffffffffffffff VMEXIT_INVALID when the guest made its own state illegal, which
 * QEMU 7.2 reports for a reserved CR4/CR3 bit a guest writes: reply FAULT (#GP)). The kernel
 * itself handles INTR, NMI, VINTR, HLT and IRET exits, and answers VMRUN, VMLOAD, VMSAVE,
 * STGI, CLGI, SKINIT and INVLPGA with #UD (a guest can't nest) and #AC with #AC (a guest
 * can't hang the CPU in a loop of alignment checks). */
enum {
    HV_X86_W_EXITINFO1 = 3,
    HV_X86_W_RAX = 4,
    HV_X86_W_NEXT_RIP = 5,
};
