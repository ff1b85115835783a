/* Program entry at EL0: the loader set SP and x0 (the argument); call hv_main(arg), then
 * stop the thread for good. */
    .section .text.start, "ax"
    .global _start
_start:
    mov     x29, xzr
    mov     x30, xzr
    bl      hv_main
1:  mov     x0, #2              /* HV_SLOT_SELF_THREAD */
    mov     x8, #17             /* HV_SYS_THREAD_SUSPEND */
    svc     #0
    b       1b
