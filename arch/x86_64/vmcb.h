/* The AMD SVM virtual machine control block (APM vol. 2 appendix B) and the architectural
 * constants of SVM that Duet uses: intercept bits, event injection. The exit codes are the
 * VMM's vocabulary too: hv/abi/svm_exit.h. */
#pragma once

#include <hv/abi/svm_exit.h>
#include <stddef.h>
#include <stdint.h>

/* A segment register in the VMCB: the selector, then the descriptor's hidden part. */
struct vmcb_seg {
    uint16_t selector;
    uint16_t attrib; /* descriptor bits 40..47 in 7:0 and 52..55 in 11:8 (APM 15.5.1) */
    uint32_t limit;
    uint64_t base;
};

struct vmcb_control {
    uint16_t intercept_cr_read;    /* 0x000 */
    uint16_t intercept_cr_write;   /* 0x002 */
    uint16_t intercept_dr_read;    /* 0x004 */
    uint16_t intercept_dr_write;   /* 0x006 */
    uint32_t intercept_exceptions; /* 0x008: bit n = vector n */
    uint32_t intercept_misc1;      /* 0x00c: VMCB_I1_* */
    uint32_t intercept_misc2;      /* 0x010: VMCB_I2_* */
    uint32_t intercept_misc3;      /* 0x014 */
    uint8_t reserved_018[0x03c - 0x018];
    uint16_t pause_filter_threshold; /* 0x03c */
    uint16_t pause_filter_count;     /* 0x03e */
    uint64_t iopm_base_pa;           /* 0x040 */
    uint64_t msrpm_base_pa;          /* 0x048 */
    uint64_t tsc_offset;             /* 0x050 */
    uint32_t guest_asid;             /* 0x058 */
    uint8_t tlb_control;             /* 0x05c: VMCB_TLB_* */
    uint8_t reserved_05d[3];
    uint64_t int_ctl;       /* 0x060: V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR, V_INTR_MASKING, vector */
    uint64_t int_state;     /* 0x068: interrupt shadow */
    uint64_t exit_code;     /* 0x070: SVM_EXIT_* */
    uint64_t exit_info1;    /* 0x078 */
    uint64_t exit_info2;    /* 0x080 */
    uint64_t exit_int_info; /* 0x088: an event whose delivery the exit interrupted */
    uint64_t np_control;    /* 0x090: NP_ENABLE */
    uint64_t avic_apic_bar; /* 0x098 */
    uint64_t ghcb_pa;       /* 0x0a0 */
    uint64_t event_inj;     /* 0x0a8 */
    uint64_t n_cr3;         /* 0x0b0 */
    uint64_t virt_ext;      /* 0x0b8: LBR and VMSAVE/VMLOAD virtualization */
    uint32_t clean_bits;    /* 0x0c0 */
    uint32_t reserved_0c4;
    uint64_t next_rip;      /* 0x0c8: 0 under QEMU (no NRIP save) */
    uint8_t insn_len;       /* 0x0d0: decode assists, absent under QEMU */
    uint8_t insn_bytes[15];
    uint8_t reserved_0e0[0x400 - 0x0e0];
};

struct vmcb_save {
    struct vmcb_seg es, cs, ss, ds, fs, gs; /* 0x400 */
    struct vmcb_seg gdtr, ldtr, idtr, tr;   /* 0x460 */
    uint8_t reserved_4a0[0x4cb - 0x4a0];
    uint8_t cpl; /* 0x4cb */
    uint32_t reserved_4cc;
    uint64_t efer; /* 0x4d0 */
    uint8_t reserved_4d8[0x548 - 0x4d8];
    uint64_t cr4;    /* 0x548 */
    uint64_t cr3;    /* 0x550 */
    uint64_t cr0;    /* 0x558 */
    uint64_t dr7;    /* 0x560 */
    uint64_t dr6;    /* 0x568 */
    uint64_t rflags; /* 0x570 */
    uint64_t rip;    /* 0x578 */
    uint8_t reserved_580[0x5d8 - 0x580];
    uint64_t rsp;       /* 0x5d8 */
    uint64_t s_cet;     /* 0x5e0 */
    uint64_t ssp;       /* 0x5e8 */
    uint64_t isst_addr; /* 0x5f0 */
    uint64_t rax;       /* 0x5f8 */
    uint64_t star;      /* 0x600 */
    uint64_t lstar;     /* 0x608 */
    uint64_t cstar;     /* 0x610 */
    uint64_t sfmask;    /* 0x618 */
    uint64_t kernel_gs_base; /* 0x620 */
    uint64_t sysenter_cs;    /* 0x628 */
    uint64_t sysenter_esp;   /* 0x630 */
    uint64_t sysenter_eip;   /* 0x638 */
    uint64_t cr2;            /* 0x640 */
    uint8_t reserved_648[0x668 - 0x648];
    uint64_t g_pat;        /* 0x668 */
    uint64_t dbgctl;       /* 0x670 */
    uint64_t br_from;      /* 0x678 */
    uint64_t br_to;        /* 0x680 */
    uint64_t lastexcpfrom; /* 0x688 */
    uint64_t lastexcpto;   /* 0x690 */
    uint8_t reserved_698[0x1000 - 0x698];
};

struct vmcb {
    struct vmcb_control control;
    struct vmcb_save save;
};

/* The offsets are the APM's; a wrong one would make the CPU read another field. */
#define VMCB_AT(field, off) _Static_assert(offsetof(struct vmcb, field) == (off), #field)
VMCB_AT(control.intercept_exceptions, 0x008);
VMCB_AT(control.intercept_misc1, 0x00c);
VMCB_AT(control.intercept_misc2, 0x010);
VMCB_AT(control.iopm_base_pa, 0x040);
VMCB_AT(control.msrpm_base_pa, 0x048);
VMCB_AT(control.tsc_offset, 0x050);
VMCB_AT(control.guest_asid, 0x058);
VMCB_AT(control.tlb_control, 0x05c);
VMCB_AT(control.int_ctl, 0x060);
VMCB_AT(control.int_state, 0x068);
VMCB_AT(control.exit_code, 0x070);
VMCB_AT(control.exit_info1, 0x078);
VMCB_AT(control.exit_info2, 0x080);
VMCB_AT(control.exit_int_info, 0x088);
VMCB_AT(control.np_control, 0x090);
VMCB_AT(control.event_inj, 0x0a8);
VMCB_AT(control.n_cr3, 0x0b0);
VMCB_AT(control.clean_bits, 0x0c0);
VMCB_AT(control.next_rip, 0x0c8);
VMCB_AT(control.insn_len, 0x0d0);
VMCB_AT(save.es, 0x400);
VMCB_AT(save.cs, 0x410);
VMCB_AT(save.ss, 0x420);
VMCB_AT(save.ds, 0x430);
VMCB_AT(save.fs, 0x440);
VMCB_AT(save.gs, 0x450);
VMCB_AT(save.gdtr, 0x460);
VMCB_AT(save.ldtr, 0x470);
VMCB_AT(save.idtr, 0x480);
VMCB_AT(save.tr, 0x490);
VMCB_AT(save.cpl, 0x4cb);
VMCB_AT(save.efer, 0x4d0);
VMCB_AT(save.cr4, 0x548);
VMCB_AT(save.cr3, 0x550);
VMCB_AT(save.cr0, 0x558);
VMCB_AT(save.dr7, 0x560);
VMCB_AT(save.dr6, 0x568);
VMCB_AT(save.rflags, 0x570);
VMCB_AT(save.rip, 0x578);
VMCB_AT(save.rsp, 0x5d8);
VMCB_AT(save.rax, 0x5f8);
VMCB_AT(save.star, 0x600);
VMCB_AT(save.lstar, 0x608);
VMCB_AT(save.cstar, 0x610);
VMCB_AT(save.sfmask, 0x618);
VMCB_AT(save.kernel_gs_base, 0x620);
VMCB_AT(save.sysenter_cs, 0x628);
VMCB_AT(save.sysenter_esp, 0x630);
VMCB_AT(save.sysenter_eip, 0x638);
VMCB_AT(save.cr2, 0x640);
VMCB_AT(save.g_pat, 0x668);
_Static_assert(sizeof(struct vmcb) == 4096, "a VMCB is one page");
_Static_assert(sizeof(struct vmcb_seg) == 16, "VMCB segment");

/* Intercept vector 3 (offset 0x00c), APM table B-1. */
#define VMCB_I1_INTR (1u << 0)
#define VMCB_I1_NMI (1u << 1)
#define VMCB_I1_SMI (1u << 2)
#define VMCB_I1_INIT (1u << 3)
#define VMCB_I1_VINTR (1u << 4)
#define VMCB_I1_RDPMC (1u << 15)
#define VMCB_I1_CPUID (1u << 18)
#define VMCB_I1_IRET (1u << 20)
#define VMCB_I1_INVD (1u << 22)
#define VMCB_I1_HLT (1u << 24)
#define VMCB_I1_INVLPGA (1u << 26)
#define VMCB_I1_IOIO_PROT (1u << 27)
#define VMCB_I1_MSR_PROT (1u << 28)
#define VMCB_I1_SHUTDOWN (1u << 31)
/* Intercept vector 4 (offset 0x010). */
#define VMCB_I2_VMRUN (1u << 0)
#define VMCB_I2_VMMCALL (1u << 1)
#define VMCB_I2_VMLOAD (1u << 2)
#define VMCB_I2_VMSAVE (1u << 3)
#define VMCB_I2_STGI (1u << 4)
#define VMCB_I2_CLGI (1u << 5)
#define VMCB_I2_SKINIT (1u << 6)
#define VMCB_I2_MONITOR (1u << 10)
#define VMCB_I2_MWAIT (1u << 11)
#define VMCB_I2_MWAIT_COND (1u << 12)
#define VMCB_I2_XSETBV (1u << 13)

#define VMCB_TLB_NOTHING 0
#define VMCB_TLB_FLUSH_ALL 1 /* every ASID: QEMU has no flush-by-ASID (qemu-facts.md) */

/* int_ctl (offset 0x060). */
#define VMCB_V_IRQ (1ull << 8)
#define VMCB_V_INTR_PRIO_SHIFT 16
#define VMCB_V_IGN_TPR (1ull << 20)
/* The host's RFLAGS.IF, not the guest's, masks physical interrupts: a guest's CLI can't hold
 * off the host (APM 15.21.1). */
#define VMCB_V_INTR_MASKING (1ull << 24)
#define VMCB_V_INTR_VECTOR_SHIFT 32
/* int_state (offset 0x068). */
#define VMCB_INTERRUPT_SHADOW (1ull << 0)
#define VMCB_NP_ENABLE (1ull << 0)

/* EVENTINJ and EXITINTINFO (APM 15.20). */
#define VMCB_EVENT_VECTOR_MASK 0xffull
#define VMCB_EVENT_TYPE_SHIFT 8
#define VMCB_EVENT_TYPE_MASK (7ull << 8)
#define VMCB_EVENT_INTR (0ull << 8)
#define VMCB_EVENT_NMI (2ull << 8)
#define VMCB_EVENT_EXCEPTION (3ull << 8)
#define VMCB_EVENT_SOFT_INT (4ull << 8)
#define VMCB_EVENT_ERROR_VALID (1ull << 11)
#define VMCB_EVENT_VALID (1ull << 31)
#define VMCB_EVENT_ERROR_SHIFT 32

/* Sizes of the permission maps VMRUN reads (APM 15.10.1, 15.11). */
#define SVM_IOPM_SIZE 0x3000
#define SVM_MSRPM_SIZE 0x2000

/* MSRs of SVM itself. */
#define MSR_VM_CR 0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117
#define VM_CR_SVMDIS (1ull << 4)
#define EFER_SVME (1ull << 12)
