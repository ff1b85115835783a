/* Decoding the instructions Linux uses for MMIO, from the bytes at the guest's RIP (with no
 * decode assists, an NPF exit says only which address faulted): MOV between a register and
 * memory (88/89/8A/8B), MOV of an immediate to memory (C6/C7 /0), the accumulator forms with
 * a direct offset (A0-A3), and MOVZX/MOVSX from memory (0F B6/B7/BE/BF), with operand-size,
 * address-size, segment and REX prefixes. Anything else is refused, never guessed at. */
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
    X86_DECODE_LOCK,        /* LOCK on a MOV is #UD */
};

enum x86_mmio_src { X86_SRC_REG, X86_SRC_IMM };

struct x86_mmio_insn {
    unsigned len;          /* bytes, prefixes included */
    unsigned size;         /* the memory access: 1, 2, 4 or 8 bytes */
    bool write;            /* memory is written (a store) */
    enum x86_mmio_src src; /* stores: from a register or an immediate */
    unsigned reg;          /* the register operand, 0-15 (hv/abi/vcpu_x86_64.h numbering) */
    bool high_byte;        /* the register is AH, CH, DH or BH */
    unsigned reg_size;     /* loads: the destination's size (differs from size for MOVZX/MOVSX) */
    bool sign_extend;      /* loads: MOVSX */
    uint64_t imm;          /* stores of an immediate: the value, sign-extended to size */
};

enum x86_decode_status x86_decode_mmio(const uint8_t *bytes, size_t n, enum x86_code_size mode,
                                       struct x86_mmio_insn *out);
const char *x86_decode_status_name(enum x86_decode_status s);

/* The register's new value after a load of `value` (the access's size bytes): partial writes
 * keep the other bits, a 32-bit write clears bits 63:32 (SDM 3.4.1.1). */
uint64_t x86_load_result(const struct x86_mmio_insn *insn, uint64_t old_reg, uint64_t value);
/* The value a store writes, given the source register's contents. */
uint64_t x86_store_value(const struct x86_mmio_insn *insn, uint64_t reg_value);
