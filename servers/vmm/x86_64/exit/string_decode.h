/* The address size and segment of an INS/OUTS from its prefixes, for exits that do not say
 * them: QEMU 7.2 leaves EXITINFO1's address-size bits (9:7) and segment field (12:10) clear
 * for string I/O, which the APM defines for every IOIO intercept. */
#pragma once

#include "x86_64/exit/insn_decode.h"

struct x86_string_insn {
    unsigned len;        /* bytes, prefixes included */
    bool in;             /* INS (6C/6D) rather than OUTS (6E/6F) */
    unsigned size;       /* element: 1, 2 or 4 bytes */
    unsigned addr_bytes; /* 2, 4 or 8 */
    unsigned seg;        /* OUTS's source: DS or the last segment override (HV_X86_ES..GS) */
};

/* X86_DECODE_UNSUPPORTED for anything but INS/OUTS, X86_DECODE_LOCK for a LOCK prefix (#UD). */
enum x86_decode_status x86_decode_string_io(const uint8_t *bytes, size_t n,
                                            enum x86_code_size mode, struct x86_string_insn *out);
