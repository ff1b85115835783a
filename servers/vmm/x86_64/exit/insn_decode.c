/* The MMIO instruction decoder: prefixes, then a small opcode table, then ModRM/SIB and
 * displacement only to find where the immediate and the end are (the address itself comes
 * from the exit, not from the operands). */
#include "x86_64/exit/insn_decode.h"
#include <hv/bits.h>

struct cursor {
    const uint8_t *b;
    size_t n, pos;
    bool truncated;
};

static uint8_t next(struct cursor *c)
{
    if (c->pos >= c->n || c->pos >= X86_INSN_MAX) {
        c->truncated = true;
        return 0;
    }
    return c->b[c->pos++];
}

static uint64_t next_le(struct cursor *c, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)next(c) << (8 * i);
    return v;
}

static uint64_t sign_extend(uint64_t v, unsigned from_bytes)
{
    if (from_bytes >= 8)
        return v;
    unsigned shift = 64 - 8 * from_bytes;
    return (uint64_t)((int64_t)(v << shift) >> shift);
}

struct prefixes {
    bool opsize, addrsize, lock;
    uint8_t rex; /* 0 when none (or one that a later prefix cancelled) */
};

/* Skips the ModRM's SIB and displacement; false for a register operand. */
static bool skip_modrm(struct cursor *c, uint8_t modrm, unsigned addr_bytes)
{
    unsigned mod = modrm >> 6, rm = modrm & 7;
    if (mod == 3)
        return false;
    if (addr_bytes == 2) {
        /* 16-bit addressing: no SIB; mod 0 rm 6 is a bare disp16. */
        if (mod == 1)
            next_le(c, 1);
        else if (mod == 2 || (mod == 0 && rm == 6))
            next_le(c, 2);
        return true;
    }
    bool disp32 = mod == 2 || (mod == 0 && rm == 5); /* rm 5, mod 0: disp32 / RIP+disp32 */
    if (rm == 4) {
        uint8_t sib = (uint8_t)next(c);
        if (mod == 0 && (sib & 7) == 5)
            disp32 = true; /* no base register: a disp32 */
    }
    if (mod == 1)
        next_le(c, 1);
    else if (disp32)
        next_le(c, 4);
    return true;
}

/* The logical operations by their ALU number, the same in 08-33's opcode bits 5:3 and in the
 * ModRM reg field of 80/81/83 (SDM vol. 2, table A-6): 1 OR, 4 AND, 6 XOR. */
static bool logic_op(unsigned n, enum x86_mmio_op *op)
{
    switch (n) {
    case 1:
        *op = X86_OP_OR;
        return true;
    case 4:
        *op = X86_OP_AND;
        return true;
    case 6:
        *op = X86_OP_XOR;
        return true;
    default:
        return false;
    }
}

/* An instruction's start: its bytes, the legacy and REX prefixes, and the opcode's first
 * byte after them. */
struct insn_start {
    struct cursor c;
    struct prefixes p;
    uint8_t op;
};

static enum x86_decode_status decode_start(const uint8_t *bytes, size_t n, enum x86_code_size mode,
                                           struct insn_start *s)
{
    *s = (struct insn_start){.c = {.b = bytes, .n = n}};
    struct cursor *c = &s->c;
    struct prefixes *p = &s->p;
    for (;;) {
        uint8_t op = s->op = next(c);
        if (c->truncated)
            return c->pos >= X86_INSN_MAX ? X86_DECODE_TOO_LONG : X86_DECODE_TRUNCATED;
        if (op == 0x66) {
            p->opsize = true;
        } else if (op == 0x67) {
            p->addrsize = true;
        } else if (op == 0xf0) {
            p->lock = true;
        } else if (op == 0x26 || op == 0x2e || op == 0x36 || op == 0x3e || op == 0x64 ||
                   op == 0x65 || op == 0xf2 || op == 0xf3) {
            /* Segment overrides change the linear address, which the exit already gives;
             * REP/REPNE mean nothing on a MOV. */
        } else if (mode == X86_CODE64 && (op & 0xf0) == 0x40) {
            p->rex = op;
            continue; /* a REX counts only right before the opcode: keep it for now */
        } else {
            return X86_DECODE_OK;
        }
        p->rex = 0; /* a legacy prefix after a REX cancels it (SDM 2.2.1) */
    }
}

enum x86_decode_status x86_decode_mov_cr(const uint8_t *bytes, size_t n, enum x86_code_size mode,
                                         struct x86_mov_cr *out)
{
    struct insn_start s;
    *out = (struct x86_mov_cr){0};
    enum x86_decode_status st = decode_start(bytes, n, mode, &s);
    uint8_t op2 = next(&s.c), modrm = next(&s.c);
    if (st != X86_DECODE_OK || s.c.truncated)
        return st != X86_DECODE_OK ? st : X86_DECODE_TRUNCATED;
    if (s.op != 0x0f || (op2 != 0x20 && op2 != 0x22))
        return X86_DECODE_UNSUPPORTED;
    /* mod is ignored: the operand is always a register (SDM vol. 2, MOV to/from CRn). LOCK
     * outside 64-bit mode is AMD's way to name CR8 (APM vol. 3, MOV CRn). */
    const struct prefixes *p = &s.p;
    if (p->lock && mode == X86_CODE64)
        return X86_DECODE_LOCK;
    out->cr = ((modrm >> 3) & 7) | (p->rex & 4 ? 8 : 0) | (p->lock ? 8 : 0);
    out->gpr = (modrm & 7) | (p->rex & 1 ? 8 : 0);
    out->write = op2 == 0x22;
    out->len = (unsigned)s.c.pos;
    return X86_DECODE_OK;
}

enum x86_decode_status x86_decode_mmio(const uint8_t *bytes, size_t n, enum x86_code_size mode,
                                       struct x86_mmio_insn *out)
{
    struct insn_start s;
    *out = (struct x86_mmio_insn){0};
    enum x86_decode_status st = decode_start(bytes, n, mode, &s);
    if (st != X86_DECODE_OK)
        return st;
    struct cursor c = s.c;
    struct prefixes p = s.p;
    uint8_t op = s.op;
    bool rex_w = p.rex & 8, rex_r = p.rex & 4;
    unsigned opsize = mode == X86_CODE16 ? (p.opsize ? 4 : 2) : (p.opsize ? 2 : 4);
    if (rex_w)
        opsize = 8;
    unsigned addr_bytes = mode == X86_CODE64   ? (p.addrsize ? 4 : 8)
                          : mode == X86_CODE32 ? (p.addrsize ? 2 : 4)
                                               : (p.addrsize ? 4 : 2);
    bool two_byte = false;
    if (op == 0x0f) {
        two_byte = true;
        op = next(&c);
    }
    /* In every form below, opcode bit 0 clear means a byte operand (SDM vol. 2, B.1.4.3). */
    bool store = false, byte_op = !(op & 1), imm_op = false, moffs = false, sx = false;
    unsigned access = byte_op ? 1 : opsize, dst = 0, imm_bytes = 0;
    enum x86_mmio_op alu = X86_OP_MOV;
    /* 80/81/83 and F6/F7: the ModRM reg field picks the operation; C6/C7 need /0. */
    enum { BY_OPCODE, GROUP_LOGIC, GROUP_TEST, GROUP_MOV } group = BY_OPCODE;
    if (!two_byte && op < 0x40 && (op & 7) < 4 && logic_op(op >> 3, &alu)) {
        store = !(op & 2); /* 08/09: into memory; 0A/0B: into the register */
        dst = access;
    } else if (!two_byte && (op == 0x84 || op == 0x85)) {
        alu = X86_OP_TEST;
        dst = access;
    } else if (!two_byte && (op == 0x80 || op == 0x81 || op == 0x83)) {
        group = GROUP_LOGIC;
        store = imm_op = true;
        imm_bytes = op == 0x83 ? 1 : 0; /* 83: an imm8 sign-extended to the operand size */
    } else if (!two_byte && (op == 0xf6 || op == 0xf7)) {
        group = GROUP_TEST;
        alu = X86_OP_TEST;
        imm_op = true;
    } else if (!two_byte && op >= 0x88 && op <= 0x8b) {
        store = op <= 0x89;
        dst = access;
    } else if (!two_byte && (op == 0xc6 || op == 0xc7)) {
        group = GROUP_MOV;
        store = imm_op = true;
    } else if (!two_byte && op >= 0xa0 && op <= 0xa3) {
        moffs = true;
        store = op >= 0xa2;
        dst = access;
    } else if (two_byte && (op == 0xb6 || op == 0xb7 || op == 0xbe || op == 0xbf)) {
        access = byte_op ? 1 : 2; /* MOVZX/MOVSX read a byte or a word into opsize */
        dst = opsize;
        sx = op >= 0xbe;
    } else {
        return c.truncated ? X86_DECODE_TRUNCATED : X86_DECODE_UNSUPPORTED;
    }
    unsigned reg = 0;
    if (moffs) {
        next_le(&c, addr_bytes); /* the offset is the address: the exit already has it */
    } else {
        uint8_t modrm = next(&c);
        reg = ((modrm >> 3) & 7) | (rex_r ? 8 : 0);
        unsigned n = (modrm >> 3) & 7;
        bool known = group == BY_OPCODE || (group == GROUP_LOGIC && logic_op(n, &alu)) ||
                     ((group == GROUP_TEST || group == GROUP_MOV) && n == 0);
        if (!known)
            return c.truncated ? X86_DECODE_TRUNCATED : X86_DECODE_UNSUPPORTED;
        if (!c.truncated && !skip_modrm(&c, modrm, addr_bytes))
            return X86_DECODE_NOT_MEMORY;
    }
    if (imm_op) {
        /* imm8, imm16 or imm32; with REX.W the imm32 is sign-extended to 64 bits. */
        if (!imm_bytes)
            imm_bytes = access == 8 ? 4 : access;
        out->imm = sign_extend(next_le(&c, imm_bytes), imm_bytes) & hv_size_mask(access);
        out->src = X86_SRC_IMM;
    }
    if (c.truncated)
        return c.pos >= X86_INSN_MAX ? X86_DECODE_TOO_LONG : X86_DECODE_TRUNCATED;
    /* LOCK is for read-modify-write: one vcpu, so the emulation is atomic as it stands. */
    if (p.lock && (alu == X86_OP_MOV || !store))
        return X86_DECODE_LOCK;
    out->op = alu;
    out->len = (unsigned)c.pos;
    out->size = access;
    out->write = store;
    out->reg = reg;
    /* Without any REX, byte registers 4-7 are AH, CH, DH, BH (SDM 3.4.1.1). */
    out->high_byte =
        byte_op && !p.rex && reg >= 4 && reg <= 7 && (!imm_op) && !sx && (dst == 1 || store);
    if (out->high_byte)
        out->reg = reg - 4;
    out->reg_size = store ? access : dst;
    out->sign_extend = sx;
    return X86_DECODE_OK;
}

const char *x86_decode_status_name(enum x86_decode_status s)
{
    switch (s) {
    case X86_DECODE_OK:
        return "ok";
    case X86_DECODE_TRUNCATED:
        return "instruction bytes unreadable";
    case X86_DECODE_TOO_LONG:
        return "instruction longer than 15 bytes";
    case X86_DECODE_UNSUPPORTED:
        return "not an emulated MMIO instruction";
    case X86_DECODE_NOT_MEMORY:
        return "register operand";
    case X86_DECODE_LOCK:
        return "LOCK prefix without a memory destination";
    }
    return "?";
}

uint64_t x86_load_result(const struct x86_mmio_insn *insn, uint64_t old_reg, uint64_t value)
{
    value &= hv_size_mask(insn->size);
    if (insn->sign_extend)
        value = sign_extend(value, insn->size);
    value &= hv_size_mask(insn->reg_size);
    switch (insn->reg_size) {
    case 1:
        if (insn->high_byte)
            return (old_reg & ~0xff00ull) | value << 8;
        return (old_reg & ~0xffull) | value;
    case 2:
        return (old_reg & ~0xffffull) | value;
    default:
        return value; /* 32-bit results zero-extend; 64-bit replace */
    }
}

uint64_t x86_store_value(const struct x86_mmio_insn *insn, uint64_t reg_value)
{
    if (insn->src == X86_SRC_IMM)
        return insn->imm;
    if (insn->high_byte)
        return (reg_value >> 8) & 0xff;
    return reg_value & hv_size_mask(insn->size);
}

/* RFLAGS bits an OR, AND, XOR or TEST writes (SDM vol. 1, 3.4.3.1). */
#define RFLAGS_CF (1ull << 0)
#define RFLAGS_PF (1ull << 2)
#define RFLAGS_AF (1ull << 4)
#define RFLAGS_ZF (1ull << 6)
#define RFLAGS_SF (1ull << 7)
#define RFLAGS_OF (1ull << 11)

uint64_t x86_logic_result(const struct x86_mmio_insn *insn, uint64_t m, uint64_t o,
                          uint64_t rflags, uint64_t *new_rflags)
{
    uint64_t mask = hv_size_mask(insn->size), r;
    switch (insn->op) {
    case X86_OP_OR:
        r = m | o;
        break;
    case X86_OP_XOR:
        r = m ^ o;
        break;
    default: /* AND, TEST */
        r = m & o;
        break;
    }
    r &= mask;
    rflags &= ~(RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF);
    if (!__builtin_parity((unsigned)(r & 0xff)))
        rflags |= RFLAGS_PF; /* PF: an even number of set bits in the low byte */
    if (!r)
        rflags |= RFLAGS_ZF;
    if (r >> (8 * insn->size - 1))
        rflags |= RFLAGS_SF;
    *new_rflags = rflags;
    return r;
}
