/* The decoder of data-abort syndromes (ESR_EL2 ISS for EC 0x24): which guest loads and
 * stores the VMM can emulate, and how a load's value reaches the register. The ESR fields
 * themselves are the kernel's ABI (hv/abi/arm_esr.h). */
#pragma once

#include <hv/abi/arm_esr.h>
#include <stdbool.h>
#include <stdint.h>

/* A data abort the VMM can emulate: a single load or store of a general-purpose register. */
struct a64_mmio_access {
    unsigned size;    /* bytes: 1, 2, 4, 8 (SAS) */
    unsigned reg;     /* 0..30, or 31 for xzr (SRT) */
    bool write;       /* WnR */
    bool sign_extend; /* SSE: a load sign-extends to the register width */
    bool reg64;       /* SF: the register is Xn (else Wn, upper half zeroed) */
    bool acq_rel;     /* AR: load-acquire / store-release; a synchronous emulation is ordered */
};

/* Why a data abort can't be emulated: the guest gets an abort instead. */
enum a64_dabt_refusal {
    A64_DABT_OK = 0,
    A64_DABT_NOT_DABT,        /* not EC 0x24 */
    A64_DABT_NO_ISV,          /* no instruction syndrome (pair, SIMD, writeback, ...) */
    A64_DABT_S1PTW,           /* stage-2 fault on the guest's own page-table walk */
    A64_DABT_CACHE_OP,        /* cache maintenance or address translation instruction */
    A64_DABT_EXTERNAL,        /* external abort */
    A64_DABT_FAR_INVALID,     /* FnV: no address */
    A64_DABT_NOT_TRANSLATION, /* not a stage-2 translation fault, nor a store's permission
                               * fault (the register page) */
    A64_DABT_MALFORMED,       /* a combination the architecture never reports */
};

/* Decodes ESR_EL2 of a data abort into an access, or says why it can't be emulated. */
enum a64_dabt_refusal a64_decode_dabt(uint64_t esr, struct a64_mmio_access *out);

/* The register value a load of `loaded` (size bytes, already zero-extended) produces under
 * the access's SSE and SF. */
uint64_t a64_load_result(const struct a64_mmio_access *a, uint64_t loaded);

/* The name of a refusal, for logs. */
const char *a64_dabt_refusal_name(enum a64_dabt_refusal r);
