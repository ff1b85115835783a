/* ESR_ELx exception classes and the ISS fields of the exits Duet reports, named as in the Arm
 * ARM (D19.2.36 "ESR_EL2"). ABI: the kernel hands an AArch64 vcpu's exit to its VMM as the
 * syndrome of ESR_EL2 (hv/abi/vcpu_aarch64.h), so the kernel's exit handling and the VMM read
 * the same definitions. */
#pragma once

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fu
#define ESR_IL (1u << 25) /* a 32-bit instruction trapped */
#define ESR_ISS_MASK 0x1ffffffu
/* Bits 63:37 of ESR_EL2 are RES0; 36:32 are ISS2 (FEAT_LS64 and later), never needed here. */
#define ESR_RES0_MASK 0x7fffffe000000000ull /* 62:37; bit 63 is the kernel's own-exit flag */

/* Exception classes. */
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_WFX 0x01
#define ESR_EC_HVC32 0x12
#define ESR_EC_SMC32 0x13
#define ESR_EC_SVC64 0x15
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYS64 0x18 /* trapped MSR, MRS or system instruction */
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_BRK64 0x3c

/* WFx ISS. */
#define ESR_WFX_TI_WFE (1u << 0) /* 1 = WFE, 0 = WFI */

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
/* DFSC 0b0011LL: permission fault at level LL: a store to a page mapped read-only. */
#define ESR_DFSC_PERMISSION_L0 0x0c
#define ESR_DFSC_PERMISSION_L3 0x0f
/* DFSC / IFSC of a synchronous external abort: what the kernel injects for a FAULT reply. */
#define ESR_FSC_SYNC_EXTERNAL 0x10

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
#define ESR_REG_MASK 0x1fu /* SRT, Rt: a register number */

static inline unsigned esr_ec(unsigned long long esr)
{
    return (unsigned)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static inline unsigned esr_iss(unsigned long long esr)
{
    return (unsigned)esr & ESR_ISS_MASK;
}
