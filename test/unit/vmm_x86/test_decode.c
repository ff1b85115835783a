/* The instruction decoders: MMIO (every MOV form, the logical operations, prefixes, REX,
 * refusals), MOV to/from CR, and the INS/OUTS prefixes. The page walk is test_walk.c's. */
#include "check_run.h"
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
    return check_run(s);
}
