/* The world switch into an SVM guest and back (APM vol. 2 15.5-15.6): VMRUN keeps only RAX,
 * RSP, RIP and RFLAGS of the guest in the VMCB, so the other GPRs are loaded and stored here;
 * VMLOAD/VMSAVE switch the state VMRUN leaves alone (FS/GS/TR/LDTR, SYSCALL/SYSENTER MSRs,
 * KernelGSBase) between the guest's VMCB and the host's. */
#include "svm.h"

    .text
/* void svm_vmrun(struct svm_vcpu *sv (rdi), uint64_t vmcb_pa (rsi), uint64_t host_vmcb_pa (rdx))
 * Called with interrupts off; returns with interrupts off and GIF=1. */
    .global svm_vmrun
svm_vmrun:
    /* The C ABI's callee-saved registers: the guest will overwrite them all. */
    push    %rbp
    push    %rbx
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    push    %rdx                        /* host VMCB, for VMLOAD after the exit */
    push    %rdi                        /* sv, to store the guest's GPRs into */
    mov     %rsi, %rax                  /* VMLOAD, VMRUN and VMSAVE take the VMCB in RAX */
    /* GIF=0 holds every interrupt and NMI until STGI. IF=1 is what VMRUN saves as the host's
     * RFLAGS: with V_INTR_MASKING it decides that a physical interrupt exits the guest (the
     * INTR intercept) instead of waiting for the guest's IF (APM 15.21.1). */
    clgi
    sti
    vmload  %rax
    mov     SVM_GPR(1)(%rdi), %rcx
    mov     SVM_GPR(2)(%rdi), %rdx
    mov     SVM_GPR(3)(%rdi), %rbx
    mov     SVM_GPR(5)(%rdi), %rbp
    mov     SVM_GPR(6)(%rdi), %rsi
    mov     SVM_GPR(8)(%rdi), %r8
    mov     SVM_GPR(9)(%rdi), %r9
    mov     SVM_GPR(10)(%rdi), %r10
    mov     SVM_GPR(11)(%rdi), %r11
    mov     SVM_GPR(12)(%rdi), %r12
    mov     SVM_GPR(13)(%rdi), %r13
    mov     SVM_GPR(14)(%rdi), %r14
    mov     SVM_GPR(15)(%rdi), %r15
    mov     SVM_GPR(7)(%rdi), %rdi      /* last: it held sv */
    vmrun   %rax
    /* #VMEXIT: RAX (the guest VMCB's address), RSP and RFLAGS (IF=1) are the host's again,
     * GIF=0; every other GPR still holds the guest's value. */
    push    %rdi
    mov     8(%rsp), %rdi               /* sv */
    mov     %rcx, SVM_GPR(1)(%rdi)
    mov     %rdx, SVM_GPR(2)(%rdi)
    mov     %rbx, SVM_GPR(3)(%rdi)
    mov     %rbp, SVM_GPR(5)(%rdi)
    mov     %rsi, SVM_GPR(6)(%rdi)
    popq    SVM_GPR(7)(%rdi)
    mov     %r8, SVM_GPR(8)(%rdi)
    mov     %r9, SVM_GPR(9)(%rdi)
    mov     %r10, SVM_GPR(10)(%rdi)
    mov     %r11, SVM_GPR(11)(%rdi)
    mov     %r12, SVM_GPR(12)(%rdi)
    mov     %r13, SVM_GPR(13)(%rdi)
    mov     %r14, SVM_GPR(14)(%rdi)
    mov     %r15, SVM_GPR(15)(%rdi)
    vmsave  %rax                        /* the guest's FS/GS/TR/... into its VMCB */
    add     $8, %rsp                    /* sv */
    pop     %rax
    vmload  %rax                        /* the host's back (its TSS, its SYSCALL entry) */
    /* Interrupts stay pending: the caller takes one only where it chooses (an INTR exit). */
    cli
    stgi
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbx
    pop     %rbp
    ret
