/* SEC-V1: INS/OUTS emulated by the VMM must honour the guest's page protection (U/S, R/W with
 * CR0.WP, SMAP, reserved bits), its segment limits and canonical addresses, and fault exactly
 * as the CPU would: #PF with the right error code and CR2, #GP(0) or #SS(0), after the
 * iterations that were done (a REP string instruction is restartable). Each case runs real
 * exits through vmm_x86_handle_exit against page tables built here. */
#include "check_run.h"
#include "x86_64/exit/x86_exit.h"
#include "x86_fixture.h"

#include <string.h>

static uint64_t reply[6];
static unsigned len;

/* Error code bits of #PF (APM vol. 2 8.4.2). */
#define PF_P (1u << 0)
#define PF_W (1u << 1)
#define PF_U (1u << 2)
#define PF_RSVD (1u << 3)

#define ATTR_DPL3 (3u << 5)
#define RFLAGS_AC (1ull << 18)
#define RFLAGS_DF (1ull << 10)
#define PORT_NONE 0x2222u /* no device: reads all ones */
#define PORT_COM1 0x3f8u

/* fx_long_mode's tables: PML4 0x100000, PDPT 0x101000, PD 0x102000, PTs 0x103000 (4 MiB). */
static uint64_t *pte(uint64_t la)
{
    return (uint64_t *)(fx.ram + 0x103000) + (la >> 12);
}

static uint64_t *pde(uint64_t la)
{
    return (uint64_t *)(fx.ram + 0x102000) + (la >> 21);
}

/* CPL 3 in 64-bit mode; the upper tables allow user access, each page decides. */
static void user_mode(void)
{
    fx_long_mode();
    *(uint64_t *)(fx.ram + 0x100000) |= X86_PTE_US;
    *(uint64_t *)(fx.ram + 0x101000) |= X86_PTE_US;
    *pde(0) |= X86_PTE_US;
    *pde(0x200000) |= X86_PTE_US;
    fx.regs[HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_CODE64 | ATTR_DPL3;
    fx.regs[HV_X86_SEG(HV_X86_SS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_DATA | ATTR_DPL3;
    fx.regs[HV_X86_RFLAGS] = 2;
}

static void kernel_mode(void)
{
    fx_long_mode();
    fx.regs[HV_X86_SEG(HV_X86_SS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_DATA;
    fx.regs[HV_X86_RFLAGS] = 2;
}

static void user_pages(uint64_t la, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        *pte(la + i * 0x1000ull) |= X86_PTE_US;
}

static uint64_t ins_info(uint16_t port, uint64_t size_bit, uint64_t addr_bit)
{
    return (uint64_t)port << SVM_IOIO_PORT_SHIFT | size_bit | SVM_IOIO_STR | SVM_IOIO_REP |
           addr_bit | SVM_IOIO_TYPE_IN;
}

static uint64_t outs_info(uint16_t port, unsigned seg, uint64_t addr_bit)
{
    return (uint64_t)port << SVM_IOIO_PORT_SHIFT | SVM_IOIO_SZ8 | SVM_IOIO_STR | SVM_IOIO_REP |
           addr_bit | (uint64_t)seg << SVM_IOIO_SEG_SHIFT;
}

static void string_exit(uint64_t info, uint64_t index, uint64_t rcx)
{
    fx.regs[(info & SVM_IOIO_TYPE_IN) ? HV_X86_RDI : HV_X86_RSI] = index;
    fx.regs[HV_X86_RCX] = rcx;
    fx_exit(SVM_EXIT_IOIO, info, 0x1002, 0x1000, 0, reply, &len);
}

/* The reply is the exception (vector, error code) after these register updates. */
static void assert_fault(unsigned vector, uint32_t err, uint32_t index_reg, uint64_t index,
                         uint64_t rcx)
{
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B | HV_VCPU_RESUME_FAULT);
    /* A FAULT argument of 0 is #GP(0) too (hv/abi/vcpu.h). */
    if (!(vector == X86_VEC_GP && err == 0 && reply[1] == 0))
        ck_assert_uint_eq(reply[1], HV_VCPU_FAULT_VECTOR(vector, err));
    ck_assert_uint_eq(reply[2], index_reg);
    ck_assert_uint_eq(reply[3], index);
    ck_assert_uint_eq(reply[4], HV_X86_RCX);
    ck_assert_uint_eq(reply[5], rcx);
}

static void assert_page_fault(uint32_t err, uint64_t cr2, uint32_t index_reg, uint64_t index,
                              uint64_t rcx)
{
    assert_fault(X86_VEC_PF, err, index_reg, index, rcx);
    ck_assert(fx.reg_written[HV_X86_CR2]);
    ck_assert_uint_eq(fx.regs[HV_X86_CR2], cr2);
}

static void assert_completed(uint32_t index_reg, uint64_t index)
{
    ck_assert_uint_eq(reply[0],
                      HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B | HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[2], index_reg);
    ck_assert_uint_eq(reply[3], index);
    ck_assert_uint_eq(reply[4], HV_X86_RCX);
    ck_assert_uint_eq(reply[5], 0);
}

START_TEST(sec_v1_user_insb_into_kernel_page)
{
    user_mode();
    memset(fx.ram + 0x200000, 0x5a, 16); /* a supervisor page: the guest kernel's */
    /* Console input waits in the UART's FIFO: the faulting INS must not consume it. */
    fx_out(PORT_COM1 + 2, 1, 0x01);
    ck_assert_uint_eq(vmm_console_input(&fxv.vmm, (const uint8_t *)"AB", 2), 2);
    string_exit(ins_info(PORT_COM1, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x200000, 4);
    assert_page_fault(PF_P | PF_W | PF_U, 0x200000, HV_X86_RDI, 0x200000, 4);
    for (unsigned i = 0; i < 16; i++)
        ck_assert_uint_eq(fx.ram[0x200000 + i], 0x5a);
    ck_assert_uint_eq(fx_in(PORT_COM1, 1), 'A');
}
END_TEST

START_TEST(sec_v1_user_outsb_from_kernel_page)
{
    user_mode();
    memcpy(fx.ram + 0x201000, "secret", 6);
    string_exit(outs_info(PORT_COM1, HV_X86_DS, SVM_IOIO_A64), 0x201000, 6);
    assert_page_fault(PF_P | PF_U, 0x201000, HV_X86_RSI, 0x201000, 6);
    ck_assert_uint_eq(fx.nout, 0);
}
END_TEST

START_TEST(sec_v1_kernel_write_to_readonly_page_honours_cr0_wp)
{
    kernel_mode();
    *pte(0x202000) &= ~X86_PTE_RW;
    memset(fx.ram + 0x202000, 0x5a, 4);
    fx.regs[HV_X86_CR0] |= X86_CR0_WP;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x202000, 4);
    assert_page_fault(PF_P | PF_W, 0x202000, HV_X86_RDI, 0x202000, 4);
    ck_assert_uint_eq(fx.ram[0x202000], 0x5a);
    /* WP=0: a supervisor write ignores R/W. */
    fx.regs[HV_X86_CR0] &= ~X86_CR0_WP;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x202000, 4);
    assert_completed(HV_X86_RDI, 0x202004);
    ck_assert_mem_eq(fx.ram + 0x202000, "\xff\xff\xff\xff", 4);
    /* Reading a read-only page is always allowed (OUTS). */
    fx.regs[HV_X86_CR0] |= X86_CR0_WP;
    string_exit(outs_info(PORT_COM1, HV_X86_DS, SVM_IOIO_A64), 0x202000, 2);
    assert_completed(HV_X86_RSI, 0x202002);
    ck_assert_uint_eq(fx.nout, 2);
}
END_TEST

START_TEST(sec_v1_user_write_to_readonly_user_page)
{
    user_mode();
    user_pages(0x300000, 1);
    *pte(0x300000) &= ~X86_PTE_RW;
    /* CR0.WP does not matter for user accesses. */
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x300010, 1);
    assert_page_fault(PF_P | PF_W | PF_U, 0x300010, HV_X86_RDI, 0x300010, 1);
    /* R/W clear in an upper level is as good as in the PTE. */
    *pte(0x300000) |= X86_PTE_RW;
    *pde(0x300000) &= ~X86_PTE_RW;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x300010, 1);
    assert_page_fault(PF_P | PF_W | PF_U, 0x300010, HV_X86_RDI, 0x300010, 1);
}
END_TEST

START_TEST(sec_v1_not_present_pde)
{
    kernel_mode();
    *pde(0x200000) &= ~X86_PTE_P;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x234567, 3);
    assert_page_fault(PF_W, 0x234567, HV_X86_RDI, 0x234567, 3);
    user_mode();
    *pde(0x200000) &= ~X86_PTE_P;
    string_exit(outs_info(PORT_COM1, HV_X86_DS, SVM_IOIO_A64), 0x234567, 3);
    assert_page_fault(PF_U, 0x234567, HV_X86_RSI, 0x234567, 3);
    ck_assert_uint_eq(fx.nout, 0);
}
END_TEST

START_TEST(sec_v1_reserved_bit_is_rsvd_fault)
{
    user_mode();
    user_pages(0x300000, 1);
    /* NX is a reserved bit while EFER.NXE is clear. */
    *pte(0x300000) |= X86_PTE_NX;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x300000, 1);
    assert_page_fault(PF_P | PF_W | PF_U | PF_RSVD, 0x300000, HV_X86_RDI, 0x300000, 1);
    /* With NXE it is allowed, and means nothing for data. */
    fx.regs[HV_X86_EFER] |= X86_EFER_NXE;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x300000, 1);
    assert_completed(HV_X86_RDI, 0x300001);
}
END_TEST

START_TEST(sec_v1_noncanonical_rdi)
{
    user_mode();
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x0000800000000000ull, 2);
    assert_fault(X86_VEC_GP, 0, HV_X86_RDI, 0x0000800000000000ull, 2);
    ck_assert(!fx.reg_written[HV_X86_CR2]);
    /* An SS-based source is #SS(0). */
    string_exit(outs_info(PORT_COM1, HV_X86_SS, SVM_IOIO_A64), 0xffff7fffffffffffull, 2);
    assert_fault(X86_VEC_SS, 0, HV_X86_RSI, 0xffff7fffffffffffull, 2);
    ck_assert_uint_eq(fx.nout, 0);
}
END_TEST

START_TEST(sec_v1_rep_faults_on_third_iteration)
{
    user_mode();
    user_pages(0x300000, 1); /* 0x301000 stays the kernel's */
    memset(fx.ram + 0x300ffe, 0x5a, 8);
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x300ffe, 5);
    assert_page_fault(PF_P | PF_W | PF_U, 0x301000, HV_X86_RDI, 0x301000, 3);
    ck_assert_mem_eq(fx.ram + 0x300ffe, "\xff\xff\x5a\x5a", 4);
    /* The same backwards (DF=1), OUTS from the top of a user page down into the kernel's. */
    user_mode();
    *pte(0x300000) &= ~X86_PTE_US;
    user_pages(0x301000, 1);
    memcpy(fx.ram + 0x301000, "xy", 2);
    fx.regs[HV_X86_RFLAGS] = 2 | RFLAGS_DF;
    string_exit(outs_info(PORT_COM1, HV_X86_DS, SVM_IOIO_A64), 0x301001, 5);
    assert_page_fault(PF_P | PF_U, 0x300fff, HV_X86_RSI, 0x300fff, 3);
    ck_assert_uint_eq(fx.nout, 2);
    ck_assert_mem_eq(fx.out, "yx", 2);
}
END_TEST

START_TEST(sec_v1_element_straddling_into_kernel_page)
{
    /* A word whose second byte is on a supervisor page: nothing written, CR2 is that page. */
    user_mode();
    user_pages(0x300000, 1);
    memset(fx.ram + 0x300fff, 0x5a, 2);
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ16, SVM_IOIO_A64), 0x300fff, 1);
    assert_page_fault(PF_P | PF_W | PF_U, 0x301000, HV_X86_RDI, 0x300fff, 1);
    ck_assert_mem_eq(fx.ram + 0x300fff, "\x5a\x5a", 2);
}
END_TEST

START_TEST(sec_v1_smap)
{
    kernel_mode();
    *(uint64_t *)(fx.ram + 0x100000) |= X86_PTE_US;
    *(uint64_t *)(fx.ram + 0x101000) |= X86_PTE_US;
    *pde(0x300000) |= X86_PTE_US;
    user_pages(0x300000, 1);
    fx.regs[HV_X86_CR4] |= X86_CR4_SMAP;
    /* A supervisor access to a user page with AC=0 faults (P, W/R; U clear: CPL 0). */
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x300000, 1);
    assert_page_fault(PF_P | PF_W, 0x300000, HV_X86_RDI, 0x300000, 1);
    string_exit(outs_info(PORT_COM1, HV_X86_DS, SVM_IOIO_A64), 0x300000, 1);
    assert_page_fault(PF_P, 0x300000, HV_X86_RSI, 0x300000, 1);
    /* STAC (AC=1) allows it; without SMAP it is allowed anyway. */
    fx.regs[HV_X86_RFLAGS] = 2 | RFLAGS_AC;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x300000, 1);
    assert_completed(HV_X86_RDI, 0x300001);
    fx.regs[HV_X86_RFLAGS] = 2;
    fx.regs[HV_X86_CR4] &= ~X86_CR4_SMAP;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x300000, 1);
    assert_completed(HV_X86_RDI, 0x300001);
}
END_TEST

START_TEST(sec_v1_cpl_from_stale_ss_is_not_lowered)
{
    /* SS.DPL says 0 but CS is a DPL 3 (non-conforming) code segment: CPL >= CS.DPL, so the
     * access is a user access whatever SS's cached attributes say. */
    user_mode();
    fx.regs[HV_X86_SEG(HV_X86_SS, HV_X86_SEG_ATTR)] = 0;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x200000, 1);
    assert_page_fault(PF_P | PF_W | PF_U, 0x200000, HV_X86_RDI, 0x200000, 1);
}
END_TEST

/* 32-bit protected mode, paging off, flat segments of the given limit. */
static void protected_mode(uint32_t limit)
{
    fx.regs[HV_X86_CR0] = X86_CR0_PE;
    fx.regs[HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_CODE32;
    for (unsigned s = HV_X86_ES; s <= HV_X86_GS; s++) {
        if (s == HV_X86_CS)
            continue;
        fx.regs[HV_X86_SEG(s, HV_X86_SEG_ATTR)] = HV_X86_ATTR_DATA;
        fx.regs[HV_X86_SEG(s, HV_X86_SEG_LIMIT)] = limit;
        fx.regs[HV_X86_SEG(s, HV_X86_SEG_BASE)] = 0;
    }
    fx.regs[HV_X86_RFLAGS] = 2;
}

START_TEST(sec_v1_segment_limits_outside_long_mode)
{
    /* INS: ES's limit, after the elements that fit. */
    protected_mode(0xffff);
    fx.regs[HV_X86_SEG(HV_X86_ES, HV_X86_SEG_LIMIT)] = 0x3001;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A32), 0x3000, 4);
    assert_fault(X86_VEC_GP, 0, HV_X86_RDI, 0x3002, 2);
    ck_assert_mem_eq(fx.ram + 0x3000, "\xff\xff\x00", 3);
    /* A word that ends past the limit does not fit. */
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ16, SVM_IOIO_A32), 0x3001, 1);
    assert_fault(X86_VEC_GP, 0, HV_X86_RDI, 0x3001, 1);
    /* OUTS: the override segment's limit (here FS), SS-based is #SS(0). */
    fx.regs[HV_X86_SEG(HV_X86_FS, HV_X86_SEG_LIMIT)] = 0x4000;
    string_exit(outs_info(PORT_COM1, HV_X86_FS, SVM_IOIO_A32), 0x4000, 3);
    assert_fault(X86_VEC_GP, 0, HV_X86_RSI, 0x4001, 2);
    ck_assert_uint_eq(fx.nout, 1);
    fx.regs[HV_X86_SEG(HV_X86_SS, HV_X86_SEG_LIMIT)] = 0x0fff;
    string_exit(outs_info(PORT_COM1, HV_X86_SS, SVM_IOIO_A32), 0x1000, 1);
    assert_fault(X86_VEC_SS, 0, HV_X86_RSI, 0x1000, 1);
    /* A read-only data segment can't be written, an execute-only code segment not read, and
     * a null (not present) segment not used at all. */
    fx.regs[HV_X86_SEG(HV_X86_ES, HV_X86_SEG_ATTR)] = HV_X86_ATTR_DATA & ~2u;
    fx.regs[HV_X86_SEG(HV_X86_ES, HV_X86_SEG_LIMIT)] = 0xffff;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A32), 0x3000, 1);
    assert_fault(X86_VEC_GP, 0, HV_X86_RDI, 0x3000, 1);
    fx.regs[HV_X86_SEG(HV_X86_DS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_CODE32 & ~2u;
    string_exit(outs_info(PORT_COM1, HV_X86_DS, SVM_IOIO_A32), 0x3000, 1);
    assert_fault(X86_VEC_GP, 0, HV_X86_RSI, 0x3000, 1);
    fx.regs[HV_X86_SEG(HV_X86_GS, HV_X86_SEG_ATTR)] = 0;
    string_exit(outs_info(PORT_COM1, HV_X86_GS, SVM_IOIO_A32), 0x3000, 1);
    assert_fault(X86_VEC_GP, 0, HV_X86_RSI, 0x3000, 1);
}
END_TEST

START_TEST(sec_v1_expand_down_segment)
{
    /* Expand-down data (type bit 2), 16-bit (B=0): valid offsets are limit+1 .. 0xffff. */
    protected_mode(0xffff);
    fx.regs[HV_X86_SEG(HV_X86_ES, HV_X86_SEG_ATTR)] = 0x97; /* P, S, data RW expand-down */
    fx.regs[HV_X86_SEG(HV_X86_ES, HV_X86_SEG_LIMIT)] = 0x2fff;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A32), 0x3000, 1);
    assert_completed(HV_X86_RDI, 0x3001);
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A32), 0x2fff, 1);
    assert_fault(X86_VEC_GP, 0, HV_X86_RDI, 0x2fff, 1);
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A32), 0x10000, 1);
    assert_fault(X86_VEC_GP, 0, HV_X86_RDI, 0x10000, 1);
}
END_TEST

START_TEST(sec_v1_compat_mode_uses_segments)
{
    /* Compatibility mode (LMA, CS.L=0): ES's base and limit apply, addresses are 32 bits,
     * and paging protects as in 64-bit mode. */
    user_mode();
    fx.regs[HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR)] = HV_X86_ATTR_CODE32 | ATTR_DPL3;
    fx.regs[HV_X86_SEG(HV_X86_ES, HV_X86_SEG_ATTR)] = HV_X86_ATTR_DATA | ATTR_DPL3;
    fx.regs[HV_X86_SEG(HV_X86_ES, HV_X86_SEG_BASE)] = 0x300000;
    fx.regs[HV_X86_SEG(HV_X86_ES, HV_X86_SEG_LIMIT)] = 0xffff;
    user_pages(0x300000, 1);
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A32), 0x10, 1);
    assert_completed(HV_X86_RDI, 0x11);
    ck_assert_uint_eq(fx.ram[0x300010], 0xff);
    /* 0x301000 is the kernel's: #PF at the linear address. */
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A32), 0x1000, 1);
    assert_page_fault(PF_P | PF_W | PF_U, 0x301000, HV_X86_RDI, 0x1000, 1);
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A32), 0x10000, 1);
    assert_fault(X86_VEC_GP, 0, HV_X86_RDI, 0x10000, 1);
}
END_TEST

START_TEST(sec_v1_legitimate_user_string_io)
{
    user_mode();
    user_pages(0x300000, 2);
    memcpy(fx.ram + 0x300ffd, "hello", 5); /* across two user pages */
    string_exit(outs_info(PORT_COM1, HV_X86_DS, SVM_IOIO_A64), 0x300ffd, 5);
    assert_completed(HV_X86_RSI, 0x301002);
    ck_assert_uint_eq(fx.nout, 5);
    ck_assert_mem_eq(fx.out, "hello", 5);
    fx_out(PORT_COM1 + 2, 1, 0x01); /* FIFO on: room for both bytes */
    ck_assert_uint_eq(vmm_console_input(&fxv.vmm, (const uint8_t *)"ok", 2), 2);
    string_exit(ins_info(PORT_COM1, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x300ffe, 2);
    assert_completed(HV_X86_RDI, 0x301000);
    ck_assert_mem_eq(fx.ram + 0x300ffe, "ok", 2);
    /* A dword straddling the two user pages. */
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ32, SVM_IOIO_A64), 0x300ffe, 1);
    assert_completed(HV_X86_RDI, 0x301002);
    ck_assert_mem_eq(fx.ram + 0x300ffe, "\xff\xff\xff\xff", 4);
    ck_assert(!fx.reg_written[HV_X86_CR2]);
}
END_TEST

/* QEMU 7.2's IOIO exits for INS/OUTS carry no address size and no segment (EXITINFO1 bits
 * 12:7 clear): the VMM reads them from the instruction, and the checks hold the same. */
static void qemu_string_exit(uint64_t rip, const char *insn, unsigned insn_len, uint64_t info,
                             uint64_t index, uint64_t rcx)
{
    memcpy(fx.ram + rip, insn, insn_len);
    fx.regs[(info & SVM_IOIO_TYPE_IN) ? HV_X86_RDI : HV_X86_RSI] = index;
    fx.regs[HV_X86_RCX] = rcx;
    const uint64_t w[6] = {SVM_EXIT_IOIO, rip + insn_len, rip, info, 0, rip + insn_len};
    vmm_x86_handle_exit(&fxv.vmm, w, reply, &len);
    fx_assert_well_formed(reply, len);
}

START_TEST(sec_v1_qemu_exit_without_address_size)
{
    const uint64_t insb = (uint64_t)PORT_NONE << SVM_IOIO_PORT_SHIFT | SVM_IOIO_SZ8 |
                          SVM_IOIO_STR | SVM_IOIO_REP | SVM_IOIO_TYPE_IN;
    const uint64_t outsb = (uint64_t)PORT_COM1 << SVM_IOIO_PORT_SHIFT | SVM_IOIO_SZ8 |
                           SVM_IOIO_STR | SVM_IOIO_REP;
    user_mode();
    user_pages(0x300000, 2);
    /* rep insb into the kernel's page: #PF as with a full EXITINFO1. */
    qemu_string_exit(0x300000, "\xf3\x6c", 2, insb, 0x200000, 4);
    assert_page_fault(PF_P | PF_W | PF_U, 0x200000, HV_X86_RDI, 0x200000, 4);
    /* addr32 rep insb: EDI, and the upper half of RDI is not part of the address. */
    qemu_string_exit(0x300000, "\x67\xf3\x6c", 3, insb, 0xffffffff00301000ull, 2);
    assert_completed(HV_X86_RDI, 0x301002);
    /* rep outsb fs:[rsi]: FS's base applies in 64-bit mode. */
    memcpy(fx.ram + 0x301010, "fs", 2);
    fx.regs[HV_X86_SEG(HV_X86_FS, HV_X86_SEG_BASE)] = 0x301000;
    qemu_string_exit(0x300000, "\x64\xf3\x6e", 3, outsb, 0x10, 2);
    assert_completed(HV_X86_RSI, 0x12);
    ck_assert_mem_eq(fx.out, "fs", 2);
    /* Bytes that say OUTS for an IN exit, or another length than the exit's: #GP. */
    qemu_string_exit(0x300000, "\xf3\x6e", 2, insb, 0x301000, 1);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    const uint64_t w[6] = {SVM_EXIT_IOIO, 0x300003, 0x300000, insb, 0, 0x300003};
    memcpy(fx.ram + 0x300000, "\xf3\x6c", 2);
    vmm_x86_handle_exit(&fxv.vmm, w, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    /* Code on a kernel page can't be read for a CPL-3 guest: #GP, nothing done. */
    memset(fx.ram + 0x301000, 0, 2);
    qemu_string_exit(0x200000, "\xf3\x6c", 2, insb, 0x301000, 2);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
    ck_assert_mem_eq(fx.ram + 0x301000, "\0\0", 2);
}
END_TEST

START_TEST(string_io_sets_accessed_and_dirty_bits)
{
    /* As the CPU's walk does: A in every entry used, D in the last one for a write only. */
    user_mode();
    user_pages(0x300000, 2);
    string_exit(outs_info(PORT_COM1, HV_X86_DS, SVM_IOIO_A64), 0x300000, 1);
    assert_completed(HV_X86_RSI, 0x300001);
    ck_assert_uint_eq(*pte(0x300000) & (X86_PTE_A | X86_PTE_D), X86_PTE_A);
    ck_assert_uint_eq(*pde(0x300000) & (X86_PTE_A | X86_PTE_D), X86_PTE_A);
    ck_assert_uint_eq(*(uint64_t *)(fx.ram + 0x100000) & X86_PTE_A, X86_PTE_A);
    ck_assert_uint_eq(*pte(0x301000) & X86_PTE_A, 0);
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x301000, 1);
    ck_assert_uint_eq(*pte(0x301000) & (X86_PTE_A | X86_PTE_D), X86_PTE_A | X86_PTE_D);
    ck_assert_uint_eq(*pde(0x300000) & X86_PTE_D, 0); /* D only in the page's own entry */
    /* A refused access marks nothing. */
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x302000, 1);
    ck_assert_uint_eq(reply[0] & HV_VCPU_RESUME_FAULT, HV_VCPU_RESUME_FAULT);
    ck_assert_uint_eq(*pte(0x302000) & (X86_PTE_A | X86_PTE_D), 0);
}
END_TEST

START_TEST(sec_v1_cr2_refused_means_no_fault_yet)
{
    /* If the kernel refuses CR2, the VMM must not inject #PF with a stale CR2: it reports the
     * progress made and lets the guest run the instruction again. */
    user_mode();
    user_pages(0x300000, 1);
    fx.refuse_writes = true;
    string_exit(ins_info(PORT_NONE, SVM_IOIO_SZ8, SVM_IOIO_A64), 0x300fff, 3);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B);
    ck_assert_uint_eq(reply[3], 0x301000);
    ck_assert_uint_eq(reply[5], 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sec_v1");
    TCase *tc = tcase_create("string_io_protection");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, sec_v1_user_insb_into_kernel_page);
    tcase_add_test(tc, sec_v1_user_outsb_from_kernel_page);
    tcase_add_test(tc, sec_v1_kernel_write_to_readonly_page_honours_cr0_wp);
    tcase_add_test(tc, sec_v1_user_write_to_readonly_user_page);
    tcase_add_test(tc, sec_v1_not_present_pde);
    tcase_add_test(tc, sec_v1_reserved_bit_is_rsvd_fault);
    tcase_add_test(tc, sec_v1_noncanonical_rdi);
    tcase_add_test(tc, sec_v1_rep_faults_on_third_iteration);
    tcase_add_test(tc, sec_v1_element_straddling_into_kernel_page);
    tcase_add_test(tc, sec_v1_smap);
    tcase_add_test(tc, sec_v1_cpl_from_stale_ss_is_not_lowered);
    tcase_add_test(tc, sec_v1_segment_limits_outside_long_mode);
    tcase_add_test(tc, sec_v1_expand_down_segment);
    tcase_add_test(tc, sec_v1_compat_mode_uses_segments);
    tcase_add_test(tc, sec_v1_legitimate_user_string_io);
    tcase_add_test(tc, sec_v1_cr2_refused_means_no_fault_yet);
    tcase_add_test(tc, sec_v1_qemu_exit_without_address_size);
    tcase_add_test(tc, string_io_sets_accessed_and_dirty_bits);
    suite_add_tcase(s, tc);
    return check_run(s);
}
