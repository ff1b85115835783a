/* The guest page walk the VMM reads guest memory through (guest_mem.h): each paging mode, its
 * protection checks (SEC-V1), failures, and reads crossing a page. */
#include "check_run.h"
#include "x86_64/guest_mem.h"
#include <hv/abi/vcpu.h>

#include <stdlib.h>
#include <string.h>

#define RAM (1u << 22)
static uint8_t *ram;
static struct x86_guest_mem mem;
static const struct x86_access sup_read = {X86_ACCESS_READ, false, false};

static void walk_setup(void)
{
    if (!ram)
        ram = malloc(RAM);
    memset(ram, 0, RAM);
    mem = (struct x86_guest_mem){.ram = ram, .ram_size = RAM};
}

static void put64(uint64_t gpa, uint64_t v)
{
    memcpy(ram + gpa, &v, 8);
}

static void put32(uint64_t gpa, uint32_t v)
{
    memcpy(ram + gpa, &v, 4);
}

START_TEST(walk_long_mode)
{
    struct x86_paging p = {X86_CR0_PE | X86_CR0_PG, 0x1000, X86_CR4_PAE,
                           X86_EFER_LME | X86_EFER_LMA};
    /* la 0xffffffff80200123 -> PML4[511] -> PDPT[510] -> PD[1] 2 MiB page at 0x200000 */
    put64(0x1000 + 511 * 8, 0x2000 | 3);
    put64(0x2000 + 510 * 8, 0x3000 | 3);
    put64(0x3000 + 1 * 8, 0x200000 | 0x83);
    uint64_t gpa;
    ck_assert_int_eq(x86_walk(&mem, &p, 0xffffffff80200123ull, &sup_read, &gpa), X86_WALK_OK);
    ck_assert_uint_eq(gpa, 0x200123);
    /* 4 KiB page through a PT */
    put64(0x1000, 0x4000 | 3);
    put64(0x4000, 0x5000 | 3);
    put64(0x5000, 0x6000 | 3);
    put64(0x6000 + 5 * 8, 0x7000 | 3);
    ck_assert_int_eq(x86_walk(&mem, &p, 0x5abc, &sup_read, &gpa), X86_WALK_OK);
    ck_assert_uint_eq(gpa, 0x7abc);
    /* 1 GiB page with NX set (NXE on, else NX is reserved): the address excludes bit 63 */
    p.efer |= X86_EFER_NXE;
    put64(0x4000 + 8, 0x8000000000000000ull | 0x40000000ull | 0x83);
    ck_assert_int_eq(x86_walk(&mem, &p, 0x40000010ull, &sup_read, &gpa), X86_WALK_OK);
    ck_assert_uint_eq(gpa, 0x40000010ull);
    /* failures */
    ck_assert_int_eq(x86_walk(&mem, &p, 0x0000800000000000ull, &sup_read, &gpa),
                     X86_WALK_NONCANONICAL);
    ck_assert_int_eq(x86_walk(&mem, &p, 0x7000, &sup_read, &gpa), X86_WALK_NOT_PRESENT);
    put64(0x4000 + 2 * 8, 0x80000000ull | 0x83 | 0x1000 * 2); /* 1 GiB page, bit 13 set */
    ck_assert_int_eq(x86_walk(&mem, &p, 0x80000000ull, &sup_read, &gpa), X86_WALK_RESERVED);
    put64(0x1000 + 8, 0x10000000ull | 3); /* a table beyond RAM */
    ck_assert_int_eq(x86_walk(&mem, &p, 0x8000000000ull, &sup_read, &gpa), X86_WALK_TABLE_NOT_RAM);
    put64(0x1000 + 16, 0x9000 | 0x83); /* PS in a PML4E is reserved */
    ck_assert_int_eq(x86_walk(&mem, &p, 0x10000000000ull, &sup_read, &gpa), X86_WALK_RESERVED);
    /* CR3 itself outside RAM */
    p.cr3 = 0xfff000000ull;
    ck_assert_int_eq(x86_walk(&mem, &p, 0, &sup_read, &gpa), X86_WALK_TABLE_NOT_RAM);
}
END_TEST

START_TEST(walk_other_modes)
{
    uint64_t gpa;
    /* Paging off: linear is physical, truncated to 32 bits. */
    struct x86_paging off = {X86_CR0_PE, 0, 0, 0};
    ck_assert_int_eq(x86_walk(&mem, &off, 0x1234567890ull, &sup_read, &gpa), X86_WALK_OK);
    ck_assert_uint_eq(gpa, 0x34567890ull);
    /* 32-bit paging: 4 KiB and 4 MiB (PSE) pages. */
    struct x86_paging p32 = {X86_CR0_PE | X86_CR0_PG, 0x1000, X86_CR4_PSE, 0};
    put32(0x1000 + (0xc0000000u >> 22) * 4, 0x2000 | 3);
    put32(0x2000 + 3 * 4, 0x9000 | 3);
    ck_assert_int_eq(x86_walk(&mem, &p32, 0xc0003456u, &sup_read, &gpa), X86_WALK_OK);
    ck_assert_uint_eq(gpa, 0x9456);
    put32(0x1000 + 1 * 4, 0x00400000u | 0x83);
    ck_assert_int_eq(x86_walk(&mem, &p32, 0x00412345u, &sup_read, &gpa), X86_WALK_OK);
    ck_assert_uint_eq(gpa, 0x412345);
    p32.cr4 = 0; /* without PSE the PS bit is ignored: the entry names a page table */
    ck_assert_int_eq(x86_walk(&mem, &p32, 0x00412345u, &sup_read, &gpa), X86_WALK_TABLE_NOT_RAM);
    /* PAE: PDPTEs at CR3 */
    struct x86_paging pae = {X86_CR0_PE | X86_CR0_PG, 0x3000, X86_CR4_PAE, 0};
    put64(0x3000 + 2 * 8, 0x4000 | 1);
    put64(0x4000 + 3 * 8, 0x600000 | 0x83);
    ck_assert_int_eq(x86_walk(&mem, &pae, 0x80600042u, &sup_read, &gpa), X86_WALK_OK);
    ck_assert_uint_eq(gpa, 0x600042);
    ck_assert_int_eq(x86_walk(&mem, &pae, 0x40000000u, &sup_read, &gpa), X86_WALK_NOT_PRESENT);
    /* 5-level paging needs one more level */
    struct x86_paging p5 = {X86_CR0_PE | X86_CR0_PG, 0x10000, X86_CR4_PAE | X86_CR4_LA57,
                            X86_EFER_LMA};
    put64(0x10000, 0x11000 | 3);
    put64(0x11000, 0x12000 | 3);
    put64(0x12000, 0x13000 | 3);
    put64(0x13000, 0x000000 | 0x83);
    ck_assert_int_eq(x86_walk(&mem, &p5, 0x1234, &sup_read, &gpa), X86_WALK_OK);
    ck_assert_uint_eq(gpa, 0x1234);
    ck_assert_int_eq(x86_walk(&mem, &p5, 0x0100000000000000ull, &sup_read, &gpa),
                     X86_WALK_NONCANONICAL);
}
END_TEST

/* SEC-V1: the rights each paging mode combines, reserved bits, fetches, error codes. */
START_TEST(sec_v1_walk_protection_each_mode)
{
    const struct x86_access ur = {X86_ACCESS_READ, true, false};
    const struct x86_access uw = {X86_ACCESS_WRITE, true, false};
    const struct x86_access sw = {X86_ACCESS_WRITE, false, false};
    const struct x86_access uf = {X86_ACCESS_FETCH, true, false};
    const struct x86_access sf = {X86_ACCESS_FETCH, false, false};
    uint64_t gpa;
    /* 32-bit paging: U/S and R/W of the PDE and the PTE both count. */
    struct x86_paging p32 = {X86_CR0_PE | X86_CR0_PG, 0x1000, X86_CR4_PSE, 0};
    put32(0x1000 + 2 * 4, 0x2000 | 7);
    put32(0x2000 + 5 * 4, 0x9000 | 3); /* supervisor page */
    ck_assert_int_eq(x86_walk(&mem, &p32, 0x00805000u, &ur, &gpa), X86_WALK_PROTECTION);
    ck_assert_int_eq(x86_walk(&mem, &p32, 0x00805000u, &sup_read, &gpa), X86_WALK_OK);
    put32(0x2000 + 5 * 4, 0x9000 | 7);
    ck_assert_int_eq(x86_walk(&mem, &p32, 0x00805000u, &uw, &gpa), X86_WALK_OK);
    put32(0x1000 + 2 * 4, 0x2000 | 5); /* the PDE read-only */
    ck_assert_int_eq(x86_walk(&mem, &p32, 0x00805000u, &uw, &gpa), X86_WALK_PROTECTION);
    ck_assert_int_eq(x86_walk(&mem, &p32, 0x00805000u, &sw, &gpa), X86_WALK_OK); /* WP=0 */
    p32.cr0 |= X86_CR0_WP;
    ck_assert_int_eq(x86_walk(&mem, &p32, 0x00805000u, &sw, &gpa), X86_WALK_PROTECTION);
    /* A 4 MiB page is its own leaf; PSE-36 bits beyond MAXPHYADDR are reserved. */
    put32(0x1000 + 3 * 4, 0x00c00000u | 0x87);
    ck_assert_int_eq(x86_walk(&mem, &p32, 0x00c01234u, &uw, &gpa), X86_WALK_OK);
    mem.phys_bits = 36;
    put32(0x1000 + 3 * 4, 0x00c00000u | 0x87 | 1u << 17); /* PA bit 36 */
    ck_assert_int_eq(x86_walk(&mem, &p32, 0x00c01234u, &ur, &gpa), X86_WALK_RESERVED);
    /* PAE: the PDPTEs restrict nothing, but their high bits are reserved. */
    mem.phys_bits = 40;
    struct x86_paging pae = {X86_CR0_PE | X86_CR0_PG, 0x3000, X86_CR4_PAE, X86_EFER_NXE};
    put64(0x3000, 0x4000 | 1);
    put64(0x4000, 0x5000 | 7);
    put64(0x5000 + 8, 0x6000 | 7);
    ck_assert_int_eq(x86_walk(&mem, &pae, 0x1000, &uw, &gpa), X86_WALK_OK);
    ck_assert_uint_eq(gpa, 0x6000);
    put64(0x3000, 0x4000 | 1 | X86_PTE_NX);
    ck_assert_int_eq(x86_walk(&mem, &pae, 0x1000, &ur, &gpa), X86_WALK_RESERVED);
    put64(0x3000, 0x4000 | 1 | 1ull << 40); /* beyond MAXPHYADDR 40 */
    ck_assert_int_eq(x86_walk(&mem, &pae, 0x1000, &ur, &gpa), X86_WALK_RESERVED);
    /* Long mode: address bits beyond MAXPHYADDR are reserved; NX stops fetches only;
     * SMEP stops supervisor fetches from user pages. */
    struct x86_paging lm = {X86_CR0_PE | X86_CR0_PG, 0x10000, X86_CR4_PAE,
                            X86_EFER_LMA | X86_EFER_NXE};
    put64(0x10000, 0x11000 | 7);
    put64(0x11000, 0x12000 | 7);
    put64(0x12000, 0x13000 | 7);
    put64(0x13000, 0x7000 | 7 | X86_PTE_NX);
    ck_assert_int_eq(x86_walk(&mem, &lm, 0x10, &ur, &gpa), X86_WALK_OK);
    ck_assert_int_eq(x86_walk(&mem, &lm, 0x10, &uf, &gpa), X86_WALK_PROTECTION);
    put64(0x13000, 0x7000 | 7);
    ck_assert_int_eq(x86_walk(&mem, &lm, 0x10, &uf, &gpa), X86_WALK_OK);
    ck_assert_int_eq(x86_walk(&mem, &lm, 0x10, &sf, &gpa), X86_WALK_OK);
    lm.cr4 |= X86_CR4_SMEP;
    ck_assert_int_eq(x86_walk(&mem, &lm, 0x10, &sf, &gpa), X86_WALK_PROTECTION);
    put64(0x13000, 0x7000 | 7 | 1ull << 45);
    ck_assert_int_eq(x86_walk(&mem, &lm, 0x10, &ur, &gpa), X86_WALK_RESERVED);
    /* Error codes: P unless not present; RSVD; W; U; I/D for fetches with NX or SMEP. */
    ck_assert_uint_eq(x86_pf_error_code(X86_WALK_NOT_PRESENT, &lm, &uw), X86_PF_W | X86_PF_U);
    ck_assert_uint_eq(x86_pf_error_code(X86_WALK_RESERVED, &lm, &sup_read),
                      X86_PF_P | X86_PF_RSVD);
    ck_assert_uint_eq(x86_pf_error_code(X86_WALK_PROTECTION, &lm, &sf), X86_PF_P | X86_PF_ID);
    ck_assert_uint_eq(x86_pf_error_code(X86_WALK_PROTECTION, &p32, &uf), X86_PF_P | X86_PF_U);
}
END_TEST

START_TEST(read_across_pages)
{
    /* Linear pages 0x1000 and 0x2000 map to physical 0x9000 and 0x5000 (not contiguous). */
    struct x86_paging p = {X86_CR0_PE | X86_CR0_PG, 0x100000, X86_CR4_PAE, X86_EFER_LMA};
    put64(0x100000, 0x101000 | 3);
    put64(0x101000, 0x102000 | 3);
    put64(0x102000, 0x103000 | 3);
    put64(0x103000 + 1 * 8, 0x9000 | 3);
    put64(0x103000 + 2 * 8, 0x5000 | 3);
    memcpy(ram + 0x9ffd, "\x48\x89\x07", 3);
    memcpy(ram + 0x5000, "\x90\x90", 2);
    uint8_t buf[5];
    size_t got;
    ck_assert_int_eq(x86_read_linear(&mem, &p, &sup_read, 0x1ffd, buf, 5, &got), X86_WALK_OK);
    ck_assert_uint_eq(got, 5);
    ck_assert_mem_eq(buf, "\x48\x89\x07\x90\x90", 5);
    /* The second page unmapped: the bytes of the first page arrive, then the failure. */
    put64(0x103000 + 2 * 8, 0);
    ck_assert_int_eq(x86_read_linear(&mem, &p, &sup_read, 0x1ffd, buf, 5, &got),
                     X86_WALK_NOT_PRESENT);
    ck_assert_uint_eq(got, 3);
    /* Physical reads beyond RAM, and wrapping sizes, fail. */
    ck_assert(!x86_gpa_read(&mem, RAM - 2, buf, 4));
    ck_assert(!x86_gpa_read(&mem, UINT64_MAX - 1, buf, 4));
    ck_assert(x86_gpa_read(&mem, RAM - 4, buf, 4));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("walk");
    TCase *tw = tcase_create("walk");
    tcase_add_checked_fixture(tw, walk_setup, NULL);
    tcase_add_test(tw, walk_long_mode);
    tcase_add_test(tw, walk_other_modes);
    tcase_add_test(tw, read_across_pages);
    tcase_add_test(tw, sec_v1_walk_protection_each_mode);
    suite_add_tcase(s, tw);
    return check_run(s);
}
