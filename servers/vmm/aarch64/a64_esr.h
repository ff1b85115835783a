/* ESR_EL2 fields of the exits the AArch64 VMM handles, with the Arm ARM's names (D13.2.37,
 * "ESR_EL2, Exception Syndrome Register (EL2)"), and the decoder of data-abort syndromes. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fu
#define ESR_IL (1u << 25)
#define ESR_ISS_MASK 0x1ffffffu
/* Bits 63:37 of ESR_EL2 are RES0; 36:32 are ISS2 (FEAT_LS64 and later), which we never need. */
#define ESR_RES0_MASK 0x7fffffe000000000ull /* 62:37; bit 63 is the kernel's own-exit flag */

/* Exception classes. */
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_WFX 0x01
#define ESR_EC_HVC32 0x12
#define ESR_EC_SMC32 0x13
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYS64 0x18 /* trapped MSR, MRS or system instruction */
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25

/* Data abort ISS. */
#define ESR_DABT_ISV (1u << 24)
#define ESR_DABT_SAS_SHIFT 22
#define ESR_DABT_SSE (1u << 21)
#define ESR_DABT_SRT_SHIFT 16
#define ESR_DABT_SF (1u << 15)
#define ESR_DABT_AR (1u << 14)
#define ESR_DABT_VNCR (1u << 13)
#define ESR_DABT_FNV (1u << 10)
#define ESR_DABT_EA (1u << 9)
#define ESR_DABT_CM (1u << 8)
#define ESR_DABT_S1PTW (1u << 7)
#define ESR_DABT_WNR (1u << 6)
#define ESR_DABT_DFSC_MASK 0x3fu
/* DFSC 0b0001LL: translation fault at level LL, what an access to an unmapped IPA gives. */
#define ESR_DFSC_TRANSLATION_L0 0x04
#define ESR_DFSC_TRANSLATION_L3 0x07

/* HVC / SMC ISS: the immediate. */
#define ESR_HVC_IMM_MASK 0xffffu

/* Trapped MSR/MRS ISS (EC 0x18). */
#define ESR_SYS_OP0_SHIFT 20
#define ESR_SYS_OP2_SHIFT 17
#define ESR_SYS_OP1_SHIFT 14
#define ESR_SYS_CRN_SHIFT 10
#define ESR_SYS_RT_SHIFT 5
#define ESR_SYS_CRM_SHIFT 1
#define ESR_SYS_READ 1u /* Direction: 1 = MRS (read), 0 = MSR (write) */

static inline unsigned esr_ec(uint64_t esr)
{
    return (unsigned)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static inline uint32_t esr_iss(uint64_t esr)
{
    return (uint32_t)esr & ESR_ISS_MASK;
}

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
    A64_DABT_NOT_TRANSLATION, /* a fault other than a stage-2 translation fault */
    A64_DABT_MALFORMED,       /* a combination the architecture never reports */
};

/* Decodes ESR_EL2 of a data abort into an access, or says why it can't be emulated. */
enum a64_dabt_refusal a64_decode_dabt(uint64_t esr, struct a64_mmio_access *out);

/* The register value a load of `loaded` (size bytes, already zero-extended) produces under
 * the access's SSE and SF. */
uint64_t a64_load_result(const struct a64_mmio_access *a, uint64_t loaded);

/* The name of a refusal, for logs. */
const char *a64_dabt_refusal_name(enum a64_dabt_refusal r);
