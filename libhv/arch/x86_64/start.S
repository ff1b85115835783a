/* Program entry at ring 3: the loader set RSP and RDI (the argument); call hv_main(arg), then
 * stop the thread for good. */
    .section .text.start, "ax"
    .global _start
_start:
    xor     %ebp, %ebp
    call    hv_main
1:  mov     $2, %edi            /* HV_SLOT_SELF_THREAD */
    mov     $17, %eax           /* HV_SYS_THREAD_SUSPEND */
    syscall
    jmp     1b
