/* The vcpu state for the 64-bit boot protocol (boot.rst "64-bit BOOT PROTOCOL"): long mode
 * with identity-mapped page tables and a GDT with __BOOT_CS (0x10) and __BOOT_DS (0x18) built
 * in guest RAM, interrupts off, RSI = the zero page; as a list of register writes for
 * vcpu_write after HV_VCPU_REG_RESET, in the order the kernel accepts them; and the 32-bit
 * protected-mode state of the Multiboot and PVH entries. */
#pragma once

#include <stdint.h>

#include "x86_64/guest_mem.h"

#define X86_BOOT_CS 0x10u
#define X86_BOOT_DS 0x18u
#define X86_BOOT_MAX_REGS 48u
/* Scratch use: the GDT page (GDT at its start, the initial stack at its top), PML4, PDPT
 * and four PDs mapping 4 GiB with 2 MiB pages. */
#define X86_BOOT_SCRATCH_NEED (7u * 4096u)

struct x86_boot_reg {
    uint32_t reg; /* hv/abi/vcpu_x86_64.h */
    uint64_t value;
};

struct x86_boot_regs {
    struct x86_boot_reg r[X86_BOOT_MAX_REGS];
    unsigned n;
};

/* The GDT and page tables, written into [scratch_gpa, + scratch_size) of guest RAM (again
 * after every reset: the root task wipes RAM). NULL, or what is wrong (scratch not
 * page-aligned RAM below 4 GiB, or too small); RAM is unchanged then. */
const char *x86_boot_tables(const struct x86_guest_mem *m, uint64_t scratch_gpa,
                            uint64_t scratch_size);
/* The register list that goes with those tables; no memory is touched. */
const char *x86_boot_registers(uint64_t scratch_gpa, uint64_t scratch_size, uint64_t entry,
                               uint64_t zero_page_gpa, struct x86_boot_regs *out);
/* The 32-bit protected-mode entry of Multiboot (§3.2) and PVH: flat 4 GiB code at 0x08 and
 * data at 0x10 (the selectors of QEMU's multiboot option ROM), paging off, interrupts off,
 * EAX and EBX as given. x86_boot_tables32 writes the GDT at the start of the scratch area. */
#define X86_BOOT32_CS 0x08u
#define X86_BOOT32_DS 0x10u
const char *x86_boot_tables32(const struct x86_guest_mem *m, uint64_t scratch_gpa,
                              uint64_t scratch_size);
const char *x86_boot_registers32(uint64_t scratch_gpa, uint64_t scratch_size, uint32_t entry,
                                 uint32_t eax, uint32_t ebx, struct x86_boot_regs *out);

/* Both at once. */
const char *x86_boot_state(const struct x86_guest_mem *m, uint64_t scratch_gpa,
                           uint64_t scratch_size, uint64_t entry, uint64_t zero_page_gpa,
                           struct x86_boot_regs *out);
