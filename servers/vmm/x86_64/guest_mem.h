/* The guest's memory as the VMM sees it: RAM mapped at a host pointer (guest-physical 0 at
 * ram[0]), and the guest's own page tables walked to turn a linear address (an instruction's,
 * a string I/O buffer's) into a guest-physical one. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct x86_guest_mem {
    uint8_t *ram;
    uint64_t ram_size;
};

/* Copies n bytes at gpa; false (and nothing copied) unless all of them are RAM. */
bool x86_gpa_read(const struct x86_guest_mem *m, uint64_t gpa, void *buf, size_t n);
bool x86_gpa_write(const struct x86_guest_mem *m, uint64_t gpa, const void *buf, size_t n);

/* The registers that decide how linear addresses translate. */
struct x86_paging {
    uint64_t cr0, cr3, cr4, efer;
};

#define X86_CR0_PE (1ull << 0)
#define X86_CR0_ET (1ull << 4)
#define X86_CR0_NE (1ull << 5)
#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PSE (1ull << 4)
#define X86_CR4_PAE (1ull << 5)
#define X86_CR4_LA57 (1ull << 12)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)

/* Page-table entry bits: what the walk reads, and the boot tables write. */
#define X86_PTE_P (1ull << 0)
#define X86_PTE_RW (1ull << 1)
#define X86_PTE_PS (1ull << 7)

enum x86_walk_status {
    X86_WALK_OK = 0,
    X86_WALK_NOT_PRESENT,   /* an entry with P = 0: the guest would take #PF */
    X86_WALK_NONCANONICAL,  /* a long-mode address that is not canonical: #GP */
    X86_WALK_TABLE_NOT_RAM, /* a table, the PDPTEs or (reading) the bytes outside RAM */
    X86_WALK_RESERVED,      /* a reserved bit set in an entry: #PF(RSVD) */
};

/* Translates linear address la under the paging mode p describes (none, 32-bit, PAE,
 * 4- or 5-level). Only presence and reserved-bit checks, no permission checks: the VMM
 * re-reads what the guest has already accessed. */
enum x86_walk_status x86_walk(const struct x86_guest_mem *m, const struct x86_paging *p,
                              uint64_t la, uint64_t *gpa);

/* Reads n bytes at linear address la, page by page (an instruction may cross a page); on
 * failure *got says how many bytes came before the failing page. */
enum x86_walk_status x86_read_linear(const struct x86_guest_mem *m, const struct x86_paging *p,
                                     uint64_t la, uint8_t *buf, size_t n, size_t *got);
