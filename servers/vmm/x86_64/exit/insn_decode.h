/* Decoding the instructions guests use for MMIO, from the bytes at the guest's RIP (with no
 * decode assists, an NPF exit says only which address faulted): MOV between a register and
 * memory (88/89/8A/8B), MOV of an immediate to memory (C6/C7 /0), the accumulator forms with
 * a direct offset (A0-A3), MOVZX/MOVSX from memory (0F B6/B7/BE/BF), and the logical
 * operations drivers use on device registers: OR, AND, XOR with memory as destination
 * (08/09, 20/21, 30/31; 80/81/83 /1 /4 /6) or source (0A/0B, 22/23, 32/33), and TEST (84/85,
 * F6/F7 /0); with operand-size, address-size, segment, LOCK (read-modify-write forms only) and
 * REX prefixes. Anything else is refused, never guessed at. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_INSN_MAX 15 /* the architectural limit on an instruction's length */

/* The code segment's default operand and address size. */
enum x86_code_size { X86_CODE16, X86_CODE32, X86_CODE64 };

enum x86_decode_status {
    X86_DECODE_OK = 0,
    X86_DECODE_TRUNCATED,   /* the bytes ran out before the instruction did */
    X86_DECODE_TOO_LONG,    /* more than 15 bytes */
    X86_DECODE_UNSUPPORTED, /* not one of the MOV forms above */
    X86_DECODE_NOT_MEMORY,  /* a register operand (mod = 3): cannot have touched MMIO */
    X86_DECODE_LOCK,        /* LOCK where memory is not the destination is #UD */
};

/* What the instruction does with the memory operand m and the other operand o. */
enum x86_mmio_op {
    X86_OP_MOV,  /* loads m or stores o */
    X86_OP_OR,   /* m | o, into memory (write) or into the register */
    X86_OP_AND,  /* m & o */
    X86_OP_XOR,  /* m ^ o */
    X86_OP_TEST, /* flags of m & o only */
};

enum x86_mmio_src { X86_SRC_REG, X86_SRC_IMM };

struct x86_mmio_insn {
    enum x86_mmio_op op;
    unsigned len;          /* bytes, prefixes included */
    unsigned size;         /* the memory access: 1, 2, 4 or 8 bytes */
    bool write;            /* memory is written (a store, or a logical op into memory) */
    enum x86_mmio_src src; /* stores: from a register or an immediate */
    unsigned reg;          /* the register operand, 0-15 (hv/abi/vcpu_x86_64.h numbering) */
    bool high_byte;        /* the register is AH, CH, DH or BH */
    unsigned reg_size;     /* loads: the destination's size (differs from size for MOVZX/MOVSX) */
    bool sign_extend;      /* loads: MOVSX */
    uint64_t imm;          /* stores of an immediate: the value, sign-extended to size */
};

enum x86_decode_status x86_decode_mmio(const uint8_t *bytes, size_t n, enum x86_code_size mode,
                                       struct x86_mmio_insn *out);

/* MOV to or from a control register (0F 22 / 0F 20), for the intercepted CR8 accesses (SVM
 * without decode assists says only which CR). */
struct x86_mov_cr {
    unsigned len;
    unsigned cr;  /* 0-15 */
    unsigned gpr; /* the general register, hv/abi/vcpu_x86_64.h numbering */
    bool write;   /* MOV to CRn */
};
enum x86_decode_status x86_decode_mov_cr(const uint8_t *bytes, size_t n, enum x86_code_size mode,
                                         struct x86_mov_cr *out);
const char *x86_decode_status_name(enum x86_decode_status s);

/* The register's new value after a load of `value` (the access's size bytes): partial writes
 * keep the other bits, a 32-bit write clears bits 63:32 (SDM 3.4.1.1). */
uint64_t x86_load_result(const struct x86_mmio_insn *insn, uint64_t old_reg, uint64_t value);
/* The value a store writes, given the source register's contents; for a logical op, its
 * operand other than memory. */
uint64_t x86_store_value(const struct x86_mmio_insn *insn, uint64_t reg_value);

/* A logical op (not MOV) on memory value m and operand o at the access's size: the result,
 * and RFLAGS with CF, OF and AF cleared and SF, ZF, PF set from it (SDM vol. 2, OR/AND/XOR/
 * TEST: AF is undefined, left clear as QEMU does). */
uint64_t x86_logic_result(const struct x86_mmio_insn *insn, uint64_t m, uint64_t o,
                          uint64_t rflags, uint64_t *new_rflags);
