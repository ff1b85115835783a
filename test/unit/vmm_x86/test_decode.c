/* The MMIO instruction decoder (every MOV form, prefixes, REX, refusals), the INS/OUTS prefix
 * decoder, and the guest page walk (each paging mode, failures, reads crossing a page). */
#include "check_run.h"
#include "x86_64/guest_mem.h"
#include "x86_64/exit/insn_decode.h"
#include "x86_64/exit/string_decode.h"
#include <hv/abi/vcpu.h>

#include <stdlib.h>
#include <string.h>

static struct x86_mmio_insn d;

static enum x86_decode_status dec(enum x86_code_size mode, const char *hex_bytes, size_t n)
{
    return x86_decode_mmio((const uint8_t *)hex_bytes, n, mode, &d);
}
#define DEC64(s) dec(X86_CODE64, s, sizeof(s) - 1)
#define DEC32(s) dec(X86_CODE32, s, sizeof(s) - 1)
#define DEC16(s) dec(X86_CODE16, s, sizeof(s) - 1)

START_TEST(mov_store_register)
{
    /* mov %eax,(%rdi) */
    ck_assert_int_eq(DEC64("\x89\x07"), X86_DECODE_OK);
    ck_assert(d.write);
    ck_assert_uint_eq(d.size, 4);
    ck_assert_uint_eq(d.reg, 0);
    ck_assert_uint_eq(d.len, 2);
    /* mov %r9,0x10(%rdx) : REX.WR 89 /r disp8 */
    ck_assert_int_eq(DEC64("\x4c\x89\x4a\x10"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 8);
    ck_assert_uint_eq(d.reg, 9);
    ck_assert_uint_eq(d.len, 4);
    /* mov %bx,(%rax) : 66 89 18 */
    ck_assert_int_eq(DEC64("\x66\x89\x18"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 2);
    ck_assert_uint_eq(d.reg, 3);
    /* mov %ah,(%rcx): no REX, reg 4 is AH */
    ck_assert_int_eq(DEC64("\x88\x21"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 1);
    ck_assert(d.high_byte);
    ck_assert_uint_eq(d.reg, 0);
    ck_assert_uint_eq(x86_store_value(&d, 0x1234), 0x12);
    /* mov %spl,(%rcx): any REX makes reg 4 SPL */
    ck_assert_int_eq(DEC64("\x40\x88\x21"), X86_DECODE_OK);
    ck_assert(!d.high_byte);
    ck_assert_uint_eq(d.reg, 4);
    ck_assert_uint_eq(x86_store_value(&d, 0x1234), 0x34);
}
END_TEST

START_TEST(mov_load_register)
{
    /* mov (%rsi),%ecx */
    ck_assert_int_eq(DEC64("\x8b\x0e"), X86_DECODE_OK);
    ck_assert(!d.write);
    ck_assert_uint_eq(d.reg, 1);
    ck_assert_uint_eq(d.reg_size, 4);
    ck_assert_uint_eq(x86_load_result(&d, 0xffffffffffffffffull, 0x12345678), 0x12345678);
    /* mov 0x12345678(%rip),%rax: REX.W 8b 05 disp32 */
    ck_assert_int_eq(DEC64("\x48\x8b\x05\x78\x56\x34\x12"), X86_DECODE_OK);
    ck_assert_uint_eq(d.len, 7);
    ck_assert_uint_eq(d.size, 8);
    /* mov (%rax),%dx keeps the upper 48 bits */
    ck_assert_int_eq(DEC64("\x66\x8b\x10"), X86_DECODE_OK);
    ck_assert_uint_eq(x86_load_result(&d, 0xaaaaaaaaaaaaaaaaull, 0xbeef), 0xaaaaaaaaaaaabeefull);
    /* mov (%rax),%bh: 8a 38 */
    ck_assert_int_eq(DEC64("\x8a\x38"), X86_DECODE_OK);
    ck_assert(d.high_byte);
    ck_assert_uint_eq(d.reg, 3);
    ck_assert_uint_eq(x86_load_result(&d, 0x1111111111111111ull, 0xab), 0x111111111111ab11ull);
    /* mov (%rax),%r12b : REX.R 8a 20 */
    ck_assert_int_eq(DEC64("\x44\x8a\x20"), X86_DECODE_OK);
    ck_assert_uint_eq(d.reg, 12);
    ck_assert(!d.high_byte);
    ck_assert_uint_eq(x86_load_result(&d, 0x1111111111111111ull, 0xab), 0x11111111111111abull);
}
END_TEST

START_TEST(mov_immediate)
{
    /* movl $0x1,0x70(%rax): c7 40 70 imm32 */
    ck_assert_int_eq(DEC64("\xc7\x40\x70\x01\x00\x00\x00"), X86_DECODE_OK);
    ck_assert(d.write);
    ck_assert_uint_eq(d.src, X86_SRC_IMM);
    ck_assert_uint_eq(d.imm, 1);
    ck_assert_uint_eq(d.len, 7);
    /* movq $-1,(%rax): REX.W c7 00 ff ff ff ff (sign-extended) */
    ck_assert_int_eq(DEC64("\x48\xc7\x00\xff\xff\xff\xff"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 8);
    ck_assert_uint_eq(d.imm, UINT64_MAX);
    /* movw $0x1234,(%rax): 66 c7 00 34 12 */
    ck_assert_int_eq(DEC64("\x66\xc7\x00\x34\x12"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 2);
    ck_assert_uint_eq(d.imm, 0x1234);
    ck_assert_uint_eq(d.len, 5);
    /* movb $0x80,(%rbx,%rcx,4): c6 04 8b 80 */
    ck_assert_int_eq(DEC64("\xc6\x04\x8b\x80"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 1);
    ck_assert_uint_eq(d.imm, 0x80);
    ck_assert_uint_eq(d.len, 4);
    ck_assert_uint_eq(x86_store_value(&d, 0), 0x80);
    /* c7 with /1 is not a MOV */
    ck_assert_int_eq(DEC64("\xc7\x08\x01\x00\x00\x00"), X86_DECODE_UNSUPPORTED);
}
END_TEST

START_TEST(movzx_movsx)
{
    /* movzbl (%rdi),%eax: 0f b6 07 */
    ck_assert_int_eq(DEC64("\x0f\xb6\x07"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 1);
    ck_assert_uint_eq(d.reg_size, 4);
    ck_assert(!d.high_byte);
    ck_assert_uint_eq(x86_load_result(&d, UINT64_MAX, 0xff), 0xff);
    /* movzwl (%rdi),%esi */
    ck_assert_int_eq(DEC64("\x0f\xb7\x37"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 2);
    ck_assert_uint_eq(d.reg, 6);
    /* movsbq (%rdi),%rax: REX.W 0f be 07 */
    ck_assert_int_eq(DEC64("\x48\x0f\xbe\x07"), X86_DECODE_OK);
    ck_assert_uint_eq(d.reg_size, 8);
    ck_assert_uint_eq(x86_load_result(&d, 0, 0x80), 0xffffffffffffff80ull);
    /* movswl (%rdi),%ecx */
    ck_assert_int_eq(DEC64("\x0f\xbf\x0f"), X86_DECODE_OK);
    ck_assert_uint_eq(x86_load_result(&d, UINT64_MAX, 0x8000), 0xffff8000ull);
    /* movzbw (%rdi),%ax: 66 0f b6 07 keeps bits 63:16 */
    ck_assert_int_eq(DEC64("\x66\x0f\xb6\x07"), X86_DECODE_OK);
    ck_assert_uint_eq(x86_load_result(&d, 0xffffffffffff0000ull, 0x7f), 0xffffffffffff007full);
}
END_TEST

START_TEST(moffs_forms)
{
    /* mov 0xfee000b0,%eax in 64-bit mode: a1 + 8-byte offset */
    ck_assert_int_eq(DEC64("\xa1\xb0\x00\xe0\xfe\x00\x00\x00\x00"), X86_DECODE_OK);
    ck_assert_uint_eq(d.len, 9);
    ck_assert(!d.write);
    ck_assert_uint_eq(d.reg, 0);
    /* with 67: a 4-byte offset */
    ck_assert_int_eq(DEC64("\x67\xa3\xb0\x00\xe0\xfe"), X86_DECODE_OK);
    ck_assert_uint_eq(d.len, 6);
    ck_assert(d.write);
    /* 32-bit code: mov %al,moffs32 */
    ck_assert_int_eq(DEC32("\xa2\x00\x00\xc0\xfe"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 1);
    ck_assert_uint_eq(d.len, 5);
}
END_TEST

START_TEST(addressing_forms_and_lengths)
{
    /* SIB with no base: mov %eax,0x1000(,%rcx,4): 89 04 8d disp32 */
    ck_assert_int_eq(DEC64("\x89\x04\x8d\x00\x10\x00\x00"), X86_DECODE_OK);
    ck_assert_uint_eq(d.len, 7);
    /* disp32 with base: 89 80 disp32 */
    ck_assert_int_eq(DEC64("\x89\x80\x00\x10\x00\x00"), X86_DECODE_OK);
    ck_assert_uint_eq(d.len, 6);
    /* SIB + disp8: 89 44 24 08 */
    ck_assert_int_eq(DEC64("\x89\x44\x24\x08"), X86_DECODE_OK);
    ck_assert_uint_eq(d.len, 4);
    /* 16-bit code: mov %ax,(%bx+%si) then 0x1234 absolute; 66 makes it 32-bit */
    ck_assert_int_eq(DEC16("\x89\x00"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 2);
    ck_assert_int_eq(DEC16("\x89\x06\x34\x12"), X86_DECODE_OK);
    ck_assert_uint_eq(d.len, 4);
    ck_assert_int_eq(DEC16("\x66\x89\x06\x34\x12"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 4);
    /* 32-bit code with 67: 16-bit addressing */
    ck_assert_int_eq(DEC32("\x67\x89\x06\x34\x12"), X86_DECODE_OK);
    ck_assert_uint_eq(d.len, 5);
    /* 32-bit code: 40-4f are INC/DEC, not REX */
    ck_assert_int_eq(DEC32("\x48\x89\x07"), X86_DECODE_UNSUPPORTED);
}
END_TEST

START_TEST(prefixes)
{
    /* Segment override, then REX.W: mov %rax,%fs:(%rdi) */
    ck_assert_int_eq(DEC64("\x64\x48\x89\x07"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 8);
    ck_assert_uint_eq(d.len, 4);
    /* A REX followed by a legacy prefix is cancelled: 48 66 89 07 is a 16-bit store */
    ck_assert_int_eq(DEC64("\x48\x66\x89\x07"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 2);
    /* REX.W beats 66 */
    ck_assert_int_eq(DEC64("\x66\x48\x89\x07"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 8);
    /* LOCK on MOV is #UD */
    ck_assert_int_eq(DEC64("\xf0\x89\x07"), X86_DECODE_LOCK);
    /* 15 prefixes: too long */
    ck_assert_int_eq(DEC64("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x89\x07"),
                     X86_DECODE_TOO_LONG);
    /* 13 prefixes + 89 07 = 15 bytes: allowed */
    ck_assert_int_eq(DEC64("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x89\x07"),
                     X86_DECODE_OK);
    ck_assert_uint_eq(d.len, 15);
}
END_TEST

START_TEST(logical_forms)
{
    uint64_t fl;
    /* or %eax,(%rdi): 09 /r, into memory */
    ck_assert_int_eq(DEC64("\x09\x07"), X86_DECODE_OK);
    ck_assert_int_eq(d.op, X86_OP_OR);
    ck_assert(d.write);
    ck_assert_int_eq(d.src, X86_SRC_REG);
    ck_assert_uint_eq(d.size, 4);
    ck_assert_uint_eq(x86_logic_result(&d, 0xf0, x86_store_value(&d, 0x0f), 0x2, &fl), 0xff);
    ck_assert_uint_eq(fl, 0x2 | 0x4); /* PF: 0xff has eight set bits */
    /* or (%rsi),%ecx: 0B /r, into the register */
    ck_assert_int_eq(DEC64("\x0b\x0e"), X86_DECODE_OK);
    ck_assert_int_eq(d.op, X86_OP_OR);
    ck_assert(!d.write);
    ck_assert_uint_eq(d.reg, 1);
    /* orl $0x100,0x20(%rax): 81 /1 id */
    ck_assert_int_eq(DEC64("\x81\x48\x20\x00\x01\x00\x00"), X86_DECODE_OK);
    ck_assert_int_eq(d.op, X86_OP_OR);
    ck_assert(d.write);
    ck_assert_int_eq(d.src, X86_SRC_IMM);
    ck_assert_uint_eq(d.imm, 0x100);
    ck_assert_uint_eq(d.len, 7);
    /* andq $-16,(%rdx): REX.W 83 /4 ib, the imm8 sign-extended to 64 bits */
    ck_assert_int_eq(DEC64("\x48\x83\x22\xf0"), X86_DECODE_OK);
    ck_assert_int_eq(d.op, X86_OP_AND);
    ck_assert_uint_eq(d.size, 8);
    ck_assert_uint_eq(d.imm, 0xfffffffffffffff0ull);
    ck_assert_uint_eq(x86_logic_result(&d, 0x800000000000001full, d.imm, 0x8d5, &fl),
                      0x8000000000000010ull);
    ck_assert_uint_eq(fl, 0x80); /* CF PF AF ZF OF (all set before) cleared; SF from bit 63 */
    /* xorb $1,(%rcx): 80 /6 ib */
    ck_assert_int_eq(DEC64("\x80\x31\x01"), X86_DECODE_OK);
    ck_assert_int_eq(d.op, X86_OP_XOR);
    ck_assert_uint_eq(d.size, 1);
    ck_assert_uint_eq(x86_logic_result(&d, 0x01, d.imm, 0x2, &fl), 0);
    ck_assert_uint_eq(fl, 0x2 | 0x40 | 0x4); /* ZF, PF */
    /* test %ebx,(%rdi): 85 /r, flags only */
    ck_assert_int_eq(DEC64("\x85\x1f"), X86_DECODE_OK);
    ck_assert_int_eq(d.op, X86_OP_TEST);
    ck_assert(!d.write);
    ck_assert_uint_eq(d.reg, 3);
    /* testb $0x80,0x4(%rax): F6 /0 ib */
    ck_assert_int_eq(DEC64("\xf6\x40\x04\x80"), X86_DECODE_OK);
    ck_assert_int_eq(d.op, X86_OP_TEST);
    ck_assert_uint_eq(d.imm, 0x80);
    ck_assert_uint_eq(d.len, 4);
    ck_assert_uint_eq(x86_logic_result(&d, 0x81, d.imm, 0x2, &fl), 0x80);
    ck_assert_uint_eq(fl, 0x2 | 0x80); /* SF; odd parity: no PF */
    /* testw $0x1,(%rax): 66 F7 /0 iw */
    ck_assert_int_eq(DEC64("\x66\xf7\x00\x01\x00"), X86_DECODE_OK);
    ck_assert_uint_eq(d.size, 2);
    ck_assert_uint_eq(d.len, 5);
    /* or %ah,(%rcx): reg 4 without REX is AH */
    ck_assert_int_eq(DEC64("\x08\x21"), X86_DECODE_OK);
    ck_assert(d.high_byte);
    ck_assert_uint_eq(x86_store_value(&d, 0x1234), 0x12);
    /* LOCK: a read-modify-write takes it, a load into a register or a TEST is #UD */
    ck_assert_int_eq(DEC64("\xf0\x09\x07"), X86_DECODE_OK);
    ck_assert_int_eq(DEC64("\xf0\x81\x08\x01\x00\x00\x00"), X86_DECODE_OK);
    ck_assert_int_eq(DEC64("\xf0\x0b\x0e"), X86_DECODE_LOCK);
    ck_assert_int_eq(DEC64("\xf0\x85\x1f"), X86_DECODE_LOCK);
    /* Other members of the groups stay refused: 81 /0 add, 81 /7 cmp, F7 /2 not, C7 /1 */
    ck_assert_int_eq(DEC64("\x81\x00\x01\x00\x00\x00"), X86_DECODE_UNSUPPORTED);
    ck_assert_int_eq(DEC64("\x81\x38\x01\x00\x00\x00"), X86_DECODE_UNSUPPORTED);
    ck_assert_int_eq(DEC64("\xf7\x10"), X86_DECODE_UNSUPPORTED);
    ck_assert_int_eq(DEC64("\xc7\x08\x01\x00\x00\x00"), X86_DECODE_UNSUPPORTED);
    ck_assert_int_eq(DEC64("\x09\xc0"), X86_DECODE_NOT_MEMORY); /* or %eax,%eax */
    ck_assert_int_eq(DEC64("\x81\x08\x01\x00"), X86_DECODE_TRUNCATED); /* imm32 cut */
}
END_TEST

START_TEST(mov_cr_forms)
{
    struct x86_mov_cr m;
    /* mov %rax,%cr8: REX.R picks CR8 */
    ck_assert_int_eq(x86_decode_mov_cr((const uint8_t *)"\x44\x0f\x22\xc0", 4, X86_CODE64, &m),
                     X86_DECODE_OK);
    ck_assert_uint_eq(m.cr, 8);
    ck_assert_uint_eq(m.gpr, 0);
    ck_assert(m.write);
    ck_assert_uint_eq(m.len, 4);
    /* mov %cr8,%r12: REX.RB, mod ignored (00 encodes the same register form) */
    ck_assert_int_eq(x86_decode_mov_cr((const uint8_t *)"\x45\x0f\x20\x04", 4, X86_CODE64, &m),
                     X86_DECODE_OK);
    ck_assert_uint_eq(m.cr, 8);
    ck_assert_uint_eq(m.gpr, 12);
    ck_assert(!m.write);
    /* 32-bit code: LOCK names CR8 (AMD); in 64-bit code LOCK is refused */
    ck_assert_int_eq(x86_decode_mov_cr((const uint8_t *)"\xf0\x0f\x22\xc3", 4, X86_CODE32, &m),
                     X86_DECODE_OK);
    ck_assert_uint_eq(m.cr, 8);
    ck_assert_uint_eq(m.gpr, 3);
    ck_assert_int_eq(x86_decode_mov_cr((const uint8_t *)"\xf0\x0f\x22\xc3", 4, X86_CODE64, &m),
                     X86_DECODE_LOCK);
    /* mov %cr3,%rax is CR3; not a MOV CR at all; cut short */
    ck_assert_int_eq(x86_decode_mov_cr((const uint8_t *)"\x0f\x20\xd8", 3, X86_CODE64, &m),
                     X86_DECODE_OK);
    ck_assert_uint_eq(m.cr, 3);
    ck_assert_int_eq(x86_decode_mov_cr((const uint8_t *)"\x0f\x21\xc0", 3, X86_CODE64, &m),
                     X86_DECODE_UNSUPPORTED);
    ck_assert_int_eq(x86_decode_mov_cr((const uint8_t *)"\x0f\x22", 2, X86_CODE64, &m),
                     X86_DECODE_TRUNCATED);
}
END_TEST

START_TEST(refusals)
{
    ck_assert_int_eq(DEC64("\x89\xc0"), X86_DECODE_NOT_MEMORY);  /* mov %eax,%eax */
    ck_assert_int_eq(DEC64("\x01\x07"), X86_DECODE_UNSUPPORTED); /* add */
    ck_assert_int_eq(DEC64("\x87\x07"), X86_DECODE_UNSUPPORTED); /* xchg */
    ck_assert_int_eq(DEC64("\xa5"), X86_DECODE_UNSUPPORTED);     /* movs */
    ck_assert_int_eq(DEC64("\x0f\x0b"), X86_DECODE_UNSUPPORTED); /* ud2 */
    ck_assert_int_eq(DEC64(""), X86_DECODE_TRUNCATED);
    ck_assert_int_eq(DEC64("\x89"), X86_DECODE_TRUNCATED);
    ck_assert_int_eq(DEC64("\x89\x80\x00\x10"), X86_DECODE_TRUNCATED); /* disp32 cut */
    ck_assert_int_eq(DEC64("\xc7\x00\x01\x00"), X86_DECODE_TRUNCATED); /* imm32 cut */
    ck_assert_int_eq(DEC64("\x48"), X86_DECODE_TRUNCATED);
    ck_assert_int_eq(DEC64("\x0f"), X86_DECODE_TRUNCATED);
    /* Every byte string decodes to a status, never past its end. */
    uint8_t b[X86_INSN_MAX];
    srand(5);
    for (unsigned i = 0; i < 200000; i++) {
        size_t n = (size_t)rand() % (X86_INSN_MAX + 1);
        for (size_t j = 0; j < n; j++)
            b[j] = (uint8_t)rand();
        enum x86_code_size m = (enum x86_code_size)(rand() % 3);
        if (x86_decode_mmio(b, n, m, &d) == X86_DECODE_OK) {
            ck_assert_uint_le(d.len, n);
            ck_assert(d.size == 1 || d.size == 2 || d.size == 4 || d.size == 8);
            ck_assert_uint_lt(d.reg, 16);
        }
    }
}
END_TEST

START_TEST(string_io_prefixes)
{
    struct x86_string_insn i;
    ck_assert_int_eq(x86_decode_string_io((const uint8_t *)"\xf3\x6c", 2, X86_CODE64, &i),
                     X86_DECODE_OK);
    ck_assert(i.in);
    ck_assert_uint_eq(i.size, 1);
    ck_assert_uint_eq(i.addr_bytes, 8);
    ck_assert_uint_eq(i.seg, HV_X86_DS);
    ck_assert_uint_eq(i.len, 2);
    ck_assert_int_eq(x86_decode_string_io((const uint8_t *)"\x67\x48\x6d", 3, X86_CODE64, &i),
                     X86_DECODE_OK);
    ck_assert_uint_eq(i.size, 4); /* REX.W does not widen INS */
    ck_assert_uint_eq(i.addr_bytes, 4);
    ck_assert_int_eq(x86_decode_string_io((const uint8_t *)"\x66\x6f", 2, X86_CODE32, &i),
                     X86_DECODE_OK);
    ck_assert(!i.in);
    ck_assert_uint_eq(i.size, 2);
    ck_assert_uint_eq(i.addr_bytes, 4);
    /* The last segment override counts. */
    ck_assert_int_eq(x86_decode_string_io((const uint8_t *)"\x26\x65\xf3\x6e", 4, X86_CODE64, &i),
                     X86_DECODE_OK);
    ck_assert_uint_eq(i.seg, HV_X86_GS);
    ck_assert_uint_eq(i.len, 4);
    /* 16-bit code: word and 16-bit addresses by default, the prefixes swap both. */
    ck_assert_int_eq(x86_decode_string_io((const uint8_t *)"\x6d", 1, X86_CODE16, &i),
                     X86_DECODE_OK);
    ck_assert_uint_eq(i.size, 2);
    ck_assert_uint_eq(i.addr_bytes, 2);
    ck_assert_int_eq(x86_decode_string_io((const uint8_t *)"\x66\x67\x36\x6f", 4, X86_CODE16, &i),
                     X86_DECODE_OK);
    ck_assert_uint_eq(i.size, 4);
    ck_assert_uint_eq(i.addr_bytes, 4);
    ck_assert_uint_eq(i.seg, HV_X86_SS);
    /* Refusals. */
    ck_assert_int_eq(x86_decode_string_io((const uint8_t *)"\xf0\x6c", 2, X86_CODE64, &i),
                     X86_DECODE_LOCK);
    ck_assert_int_eq(x86_decode_string_io((const uint8_t *)"\xf3\xa4", 2, X86_CODE64, &i),
                     X86_DECODE_UNSUPPORTED);
    ck_assert_int_eq(x86_decode_string_io((const uint8_t *)"\x66\x67", 2, X86_CODE64, &i),
                     X86_DECODE_TRUNCATED);
    uint8_t many[16];
    memset(many, 0x66, sizeof(many));
    ck_assert_int_eq(x86_decode_string_io(many, sizeof(many), X86_CODE64, &i),
                     X86_DECODE_TOO_LONG);
}
END_TEST

/* ---- page walk ---- */

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
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, mov_store_register);
    tcase_add_test(tc, mov_load_register);
    tcase_add_test(tc, mov_immediate);
    tcase_add_test(tc, movzx_movsx);
    tcase_add_test(tc, moffs_forms);
    tcase_add_test(tc, addressing_forms_and_lengths);
    tcase_add_test(tc, prefixes);
    tcase_add_test(tc, logical_forms);
    tcase_add_test(tc, mov_cr_forms);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, string_io_prefixes);
    suite_add_tcase(s, tc);
    TCase *tw = tcase_create("walk");
    tcase_add_checked_fixture(tw, walk_setup, NULL);
    tcase_add_test(tw, walk_long_mode);
    tcase_add_test(tw, walk_other_modes);
    tcase_add_test(tw, read_across_pages);
    tcase_add_test(tw, sec_v1_walk_protection_each_mode);
    suite_add_tcase(s, tw);
    return check_run(s);
}
