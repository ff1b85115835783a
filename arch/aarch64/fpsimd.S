/* Saving and loading a guest's FP/SIMD registers (the kernel's C is -mgeneral-regs-only).
 * Layout: q0..q31 (512 bytes), then FPCR and FPSR, as in struct a64_vcpu. */
    .arch_extension fp
    .arch_extension simd

/* q0..q31 from or to the area at x0, at 16 * N for qN. */
.macro q0_to_q31 op
    \op     q0, q1, [x0, #0]
    \op     q2, q3, [x0, #32]
    \op     q4, q5, [x0, #64]
    \op     q6, q7, [x0, #96]
    \op     q8, q9, [x0, #128]
    \op     q10, q11, [x0, #160]
    \op     q12, q13, [x0, #192]
    \op     q14, q15, [x0, #224]
    \op     q16, q17, [x0, #256]
    \op     q18, q19, [x0, #288]
    \op     q20, q21, [x0, #320]
    \op     q22, q23, [x0, #352]
    \op     q24, q25, [x0, #384]
    \op     q26, q27, [x0, #416]
    \op     q28, q29, [x0, #448]
    \op     q30, q31, [x0, #480]
.endm

    .text
/* fpsimd_save(uint64_t *area) */
    .global fpsimd_save
fpsimd_save:
    q0_to_q31 stp
    mrs     x1, fpcr
    mrs     x2, fpsr
    add     x0, x0, #512            /* past the reach of a 64-bit pair's offset */
    stp     x1, x2, [x0]
    ret

/* fpsimd_load(const uint64_t *area) */
    .global fpsimd_load
fpsimd_load:
    q0_to_q31 ldp
    add     x0, x0, #512
    ldp     x1, x2, [x0]
    msr     fpcr, x1
    msr     fpsr, x2
    ret
