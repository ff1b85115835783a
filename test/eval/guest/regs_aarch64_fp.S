/* The AArch64 FP/SIMD register file as 64 words (q0..q31) and FPCR/FPSR, for regs_aarch64.c:
 * the guests are compiled without FP/SIMD registers, so only this file names them. */
    .arch armv8.2-a+fp+simd
    .text

/* regs_fp_store(uint64_t q[64], uint64_t ctl[2]): both 16-byte aligned. */
    .global regs_fp_store
regs_fp_store:
    stp     q0, q1, [x0, #0]
    stp     q2, q3, [x0, #32]
    stp     q4, q5, [x0, #64]
    stp     q6, q7, [x0, #96]
    stp     q8, q9, [x0, #128]
    stp     q10, q11, [x0, #160]
    stp     q12, q13, [x0, #192]
    stp     q14, q15, [x0, #224]
    stp     q16, q17, [x0, #256]
    stp     q18, q19, [x0, #288]
    stp     q20, q21, [x0, #320]
    stp     q22, q23, [x0, #352]
    stp     q24, q25, [x0, #384]
    stp     q26, q27, [x0, #416]
    stp     q28, q29, [x0, #448]
    stp     q30, q31, [x0, #480]
    mrs     x2, fpcr
    mrs     x3, fpsr
    stp     x2, x3, [x1]
    ret

/* regs_fp_load(const uint64_t q[64], const uint64_t ctl[2]) */
    .global regs_fp_load
regs_fp_load:
    ldp     q0, q1, [x0, #0]
    ldp     q2, q3, [x0, #32]
    ldp     q4, q5, [x0, #64]
    ldp     q6, q7, [x0, #96]
    ldp     q8, q9, [x0, #128]
    ldp     q10, q11, [x0, #160]
    ldp     q12, q13, [x0, #192]
    ldp     q14, q15, [x0, #224]
    ldp     q16, q17, [x0, #256]
    ldp     q18, q19, [x0, #288]
    ldp     q20, q21, [x0, #320]
    ldp     q22, q23, [x0, #352]
    ldp     q24, q25, [x0, #384]
    ldp     q26, q27, [x0, #416]
    ldp     q28, q29, [x0, #448]
    ldp     q30, q31, [x0, #480]
    ldp     x2, x3, [x1]
    msr     fpcr, x2
    msr     fpsr, x3
    ret
