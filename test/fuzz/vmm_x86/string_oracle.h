/* The x86 exit fuzzer's oracle for string I/O in 64-bit mode (SEC-V1): an independent model
 * of the 4-level walk's rights, read straight from the guest's tables, and the checks that
 * every element the VMM completed was allowed at the guest's CPL and every #PF it raised was
 * due, with the right CR2 and error code. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct string_oracle_guest {
    const uint8_t *ram;
    size_t ram_size;
    const uint64_t *regs; /* hv/abi/vcpu_x86_64.h register numbers */
};

/* What the oracle noted before an exit. */
struct string_oracle {
    bool active; /* a well-formed INS/OUTS exit in 64-bit mode with 64-bit addresses */
    bool in;
    unsigned size, cpl;
    uint64_t base, index0, count;
    bool down; /* RFLAGS.DF */
    uint8_t *snapshot; /* the RAM before an INS (which may rewrite the tables); may be NULL */
};

/* Decides whether the exit with EXITINFO1 info is one the oracle judges, and notes the state
 * (snapshot: a buffer of ram_size bytes for the RAM before the exit). */
void string_oracle_before(struct string_oracle *o, const struct string_oracle_guest *g,
                          uint64_t info, uint8_t *snapshot);

/* Judges the reply (aborts on a violation). */
void string_oracle_after(const struct string_oracle *o, const struct string_oracle_guest *g,
                         const uint64_t reply[6], unsigned len);
