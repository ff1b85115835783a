/* The guest's memory as the VMM sees it: RAM mapped at a host pointer (guest-physical 0 at
 * ram[0]), and the guest's own page tables walked, with the CPU's page-protection checks, to
 * turn a linear address (an instruction's, a string I/O buffer's) into a guest-physical one. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct x86_guest_mem {
    uint8_t *ram;
    uint64_t ram_size;
    /* The guest's MAXPHYADDR (CPUID 0x8000_0008 EAX[7:0]): entry address bits from it up to
     * bit 51 are reserved. 0 means 52 (none reserved). */
    unsigned phys_bits;
};

/* Copies n bytes at gpa; false (and nothing copied) unless all of them are RAM. */
bool x86_gpa_read(const struct x86_guest_mem *m, uint64_t gpa, void *buf, size_t n);
bool x86_gpa_write(const struct x86_guest_mem *m, uint64_t gpa, const void *buf, size_t n);
/* Whether the n bytes at gpa are all RAM. */
bool x86_gpa_in_ram(const struct x86_guest_mem *m, uint64_t gpa, size_t n);

/* The registers that decide how linear addresses translate. */
struct x86_paging {
    uint64_t cr0, cr3, cr4, efer;
};

#define X86_CR0_PE (1ull << 0)
#define X86_CR0_ET (1ull << 4)
#define X86_CR0_NE (1ull << 5)
#define X86_CR0_WP (1ull << 16)
#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PSE (1ull << 4)
#define X86_CR4_PAE (1ull << 5)
#define X86_CR4_LA57 (1ull << 12)
#define X86_CR4_SMEP (1ull << 20)
#define X86_CR4_SMAP (1ull << 21)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)
#define X86_EFER_NXE (1ull << 11)

/* Page-table entry bits: what the walk reads, and the boot tables write. */
#define X86_PTE_P (1ull << 0)
#define X86_PTE_RW (1ull << 1)
#define X86_PTE_US (1ull << 2)
#define X86_PTE_A (1ull << 5)
#define X86_PTE_D (1ull << 6)
#define X86_PTE_PS (1ull << 7)
#define X86_PTE_NX (1ull << 63)

#define X86_PF_P (1u << 0)    /* #PF error code: the page was present */
#define X86_PF_W (1u << 1)    /* a write */
#define X86_PF_U (1u << 2)    /* at CPL 3 */
#define X86_PF_RSVD (1u << 3) /* a reserved bit was set in an entry */
#define X86_PF_ID (1u << 4)   /* an instruction fetch */

/* One access to a linear address, as the page-protection checks see it (APM vol. 2 5.6). */
enum x86_access_kind { X86_ACCESS_READ, X86_ACCESS_WRITE, X86_ACCESS_FETCH };
struct x86_access {
    enum x86_access_kind kind;
    bool user; /* made at CPL 3 */
    bool ac;   /* RFLAGS.AC: under SMAP, a supervisor data access may reach user pages */
};

enum x86_walk_status {
    X86_WALK_OK = 0,
    X86_WALK_NOT_PRESENT,   /* an entry with P = 0: #PF */
    X86_WALK_NONCANONICAL,  /* a long-mode address that is not canonical: #GP */
    X86_WALK_TABLE_NOT_RAM, /* a table, the PDPTEs or (reading) the bytes outside RAM */
    X86_WALK_RESERVED,      /* a reserved bit set in an entry: #PF(RSVD) */
    X86_WALK_PROTECTION,    /* U/S, R/W (with CR0.WP), NX, SMEP or SMAP refuse it: #PF */
};

/* Translates linear address la for access a under the paging mode p describes (none, 32-bit,
 * PAE, 4- or 5-level), checking what the CPU checks: P at every level, reserved bits, then
 * the rights all levels combine to. An allowed access sets the accessed bits of the entries
 * used, and the dirty bit of the last for a write, as the CPU's own walk does. */
enum x86_walk_status x86_walk(const struct x86_guest_mem *m, const struct x86_paging *p,
                              uint64_t la, const struct x86_access *a, uint64_t *gpa);

/* The #PF error code for a walk that ended in NOT_PRESENT, RESERVED or PROTECTION. */
uint32_t x86_pf_error_code(enum x86_walk_status s, const struct x86_paging *p,
                           const struct x86_access *a);

/* Reads n bytes at linear address la, page by page (an instruction may cross a page); on
 * failure *got says how many bytes came before the failing page. */
enum x86_walk_status x86_read_linear(const struct x86_guest_mem *m, const struct x86_paging *p,
                                     const struct x86_access *a, uint64_t la, uint8_t *buf,
                                     size_t n, size_t *got);
