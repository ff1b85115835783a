/* The data-abort decoder: turns ESR_EL2 into one register load or store, or a refusal. */
#include "aarch64/a64_dabt.h"
#include "core/mmio_bus.h"
#include <hv/bits.h>
#include <hv/enum_name.h>

enum a64_dabt_refusal a64_decode_dabt(uint64_t esr, struct a64_mmio_access *out)
{
    if (esr_ec(esr) != ESR_EC_DABT_LOW)
        return A64_DABT_NOT_DABT;
    if (esr & ESR_RES0_MASK)
        return A64_DABT_MALFORMED;
    uint32_t iss = esr_iss(esr);
    /* Checked before ISV: these are never emulated even when a syndrome is present. */
    if (iss & ESR_DABT_S1PTW)
        return A64_DABT_S1PTW;
    if (iss & ESR_DABT_CM)
        return A64_DABT_CACHE_OP;
    if (iss & ESR_DABT_EA)
        return A64_DABT_EXTERNAL;
    if (iss & ESR_DABT_FNV)
        return A64_DABT_FAR_INVALID;
    unsigned dfsc = iss & ESR_DABT_DFSC_MASK;
    /* A store to the register page, which the guest has read-only (mmio_bus.h), is a
     * permission fault; a load can't fault there, nor anything in RAM. */
    bool store_to_read_only = dfsc >= ESR_DFSC_PERMISSION_L0 && dfsc <= ESR_DFSC_PERMISSION_L3 &&
                              (iss & ESR_DABT_WNR);
    if ((dfsc < ESR_DFSC_TRANSLATION_L0 || dfsc > ESR_DFSC_TRANSLATION_L3) && !store_to_read_only)
        return A64_DABT_NOT_TRANSLATION;
    if (!(iss & ESR_DABT_ISV))
        return A64_DABT_NO_ISV;
    struct a64_mmio_access a = {
        .size = 1u << ((iss >> ESR_DABT_SAS_SHIFT) & 3),
        .reg = (iss >> ESR_DABT_SRT_SHIFT) & 31,
        .write = (iss & ESR_DABT_WNR) != 0,
        .sign_extend = (iss & ESR_DABT_SSE) != 0,
        .reg64 = (iss & ESR_DABT_SF) != 0,
        .acq_rel = (iss & ESR_DABT_AR) != 0,
    };
    /* Combinations no instruction produces: a doubleword in a W register, a sign-extended
     * doubleword or store, an access through the NV2 page. */
    if (a.size == 8 && (!a.reg64 || a.sign_extend))
        return A64_DABT_MALFORMED;
    if (a.write && a.sign_extend)
        return A64_DABT_MALFORMED;
    if (iss & ESR_DABT_VNCR)
        return A64_DABT_MALFORMED;
    *out = a;
    return A64_DABT_OK;
}

uint64_t a64_load_result(const struct a64_mmio_access *a, uint64_t loaded)
{
    uint64_t v = loaded & hv_size_mask(a->size);
    if (a->sign_extend && a->size < 8 && (v >> (8 * a->size - 1) & 1))
        v |= ~hv_size_mask(a->size);
    if (!a->reg64)
        v &= 0xffffffffull; /* a write to Wn zeroes the upper half of Xn */
    return v;
}

const char *a64_dabt_refusal_name(enum a64_dabt_refusal r)
{
    static const char *const names[] = {
        [A64_DABT_OK] = "ok",
        [A64_DABT_NOT_DABT] = "not a data abort",
        [A64_DABT_NO_ISV] = "no syndrome (ISV=0)",
        [A64_DABT_S1PTW] = "stage-1 walk (S1PTW)",
        [A64_DABT_CACHE_OP] = "cache maintenance (CM)",
        [A64_DABT_EXTERNAL] = "external abort (EA)",
        [A64_DABT_FAR_INVALID] = "no address (FnV)",
        [A64_DABT_NOT_TRANSLATION] = "not a translation or store permission fault",
        [A64_DABT_MALFORMED] = "malformed syndrome",
    };
    return HV_ENUM_NAME(names, r, "?");
}
