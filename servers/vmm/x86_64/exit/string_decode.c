/* Prefixes and opcode of an INS/OUTS (SDM vol. 2 2.1.1, 2.2.1; APM vol. 3 INS, OUTS). */
#include "x86_64/exit/string_decode.h"

#include <hv/abi/vcpu.h>

/* The segment a segment-override prefix names, or -1 if the byte is none. */
static int seg_override(uint8_t b)
{
    switch (b) {
    case 0x26:
        return HV_X86_ES;
    case 0x2e:
        return HV_X86_CS;
    case 0x36:
        return HV_X86_SS;
    case 0x3e:
        return HV_X86_DS;
    case 0x64:
        return HV_X86_FS;
    case 0x65:
        return HV_X86_GS;
    }
    return -1;
}

enum x86_decode_status x86_decode_string_io(const uint8_t *bytes, size_t n, enum x86_code_size mode,
                                            struct x86_string_insn *out)
{
    bool opsize = false, addrsize = false, lock = false;
    int seg = HV_X86_DS;
    size_t i = 0;
    *out = (struct x86_string_insn){0};
    for (;; i++) {
        if (i >= n)
            return i >= X86_INSN_MAX ? X86_DECODE_TOO_LONG : X86_DECODE_TRUNCATED;
        if (i >= X86_INSN_MAX)
            return X86_DECODE_TOO_LONG;
        uint8_t b = bytes[i];
        if (b == 0x66)
            opsize = true;
        else if (b == 0x67)
            addrsize = true;
        else if (b == 0xf0)
            lock = true;
        else if (seg_override(b) >= 0)
            seg = seg_override(b); /* the last one counts */
        else if (b == 0xf2 || b == 0xf3 || (mode == X86_CODE64 && (b & 0xf0) == 0x40))
            ; /* REP (the exit says it); REX changes nothing for INS/OUTS */
        else
            break;
    }
    uint8_t op = bytes[i];
    if (op < 0x6c || op > 0x6f)
        return X86_DECODE_UNSUPPORTED;
    if (lock)
        return X86_DECODE_LOCK;
    out->len = (unsigned)i + 1;
    out->in = op <= 0x6d;
    /* 6C/6E move bytes; 6D/6F words or dwords, never qwords (REX.W is ignored). */
    bool wide = op & 1;
    out->size = !wide ? 1 : (mode == X86_CODE16) != opsize ? 2 : 4;
    if (mode == X86_CODE64)
        out->addr_bytes = addrsize ? 4 : 8;
    else
        out->addr_bytes = (mode == X86_CODE32) != addrsize ? 4 : 2;
    out->seg = (unsigned)seg;
    return X86_DECODE_OK;
}
