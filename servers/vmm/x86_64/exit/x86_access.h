/* The checks the CPU makes on a data access at seg:offset, for the instructions the VMM
 * completes for the guest (INS/OUTS): the mode and CPL from the vcpu's state, segmentation
 * (type and limit; canonical addresses in 64-bit mode), then paging's protection
 * (guest_mem.h). The result is guest-physical addresses or the exception the guest takes. */
#pragma once

#include "x86_64/exit/insn_decode.h"
#include "x86_64/guest_mem.h"

#include <stdbool.h>
#include <stdint.h>

enum x86_mode {
    X86_MODE_REAL,      /* CR0.PE = 0 */
    X86_MODE_V86,       /* RFLAGS.VM = 1 outside long mode */
    X86_MODE_PROTECTED, /* legacy protected mode */
    X86_MODE_COMPAT,    /* long mode, CS.L = 0 */
    X86_MODE_64,        /* long mode, CS.L = 1 */
};

/* The vcpu state a data access depends on. */
struct x86_cpu {
    struct x86_paging pg;
    uint64_t rflags;
    uint64_t cs_attr, ss_attr; /* VMCB packing (hv/abi/vcpu_x86_64.h, HV_X86_SEG_ATTR) */
};

/* A segment register's hidden part, as vcpu_read gives it. */
struct x86_segment {
    uint64_t base;
    uint64_t limit; /* byte granular */
    uint64_t attr;
};

/* An exception for the guest; cr2 only for #PF. */
struct x86_fault {
    unsigned vector;
    uint32_t error;
    uint64_t cr2;
};

/* Where an access's bytes are: up to two pages. */
struct x86_span {
    uint64_t gpa[2];
    unsigned first; /* bytes at gpa[0]; the rest at gpa[1] */
};

enum x86_mode x86_cpu_mode(const struct x86_cpu *c);
/* The code segment's default operand and address size: 16 in real mode, 64 in 64-bit mode,
 * else CS.D/B (virtual-8086 segments have it clear). */
enum x86_code_size x86_code_size(const struct x86_paging *pg, uint64_t cs_attr);
/* The CPL, never below what the segment state proves (x86_access.c says why). */
unsigned x86_cpu_cpl(const struct x86_cpu *c);

/* The linear address of the size bytes at offset (already truncated to the address size) in
 * segment seg (HV_X86_ES..HV_X86_GS) whose hidden state is s; false with #GP(0), or #SS(0)
 * for SS, when the CPU would refuse the access. */
bool x86_seg_linear(const struct x86_cpu *c, unsigned seg, const struct x86_segment *s,
                    uint64_t offset, unsigned size, bool write, uint64_t *la, struct x86_fault *f);

/* Translates the size bytes (at most a page) at linear address la for a data access at the
 * vcpu's CPL; false with #PF (CR2 the first byte refused), or #GP(0) for page tables outside
 * RAM (what an NPF on the walk gets, x86_exit_npf.c). */
bool x86_translate_span(const struct x86_guest_mem *m, const struct x86_cpu *c, uint64_t la,
                        unsigned size, bool write, struct x86_span *sp, struct x86_fault *f);
