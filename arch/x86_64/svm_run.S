/* The world switch into an SVM guest and back (APM vol. 2 15.5-15.6): VMRUN keeps only RAX,
 * RSP, RIP and RFLAGS of the guest in the VMCB, so the other GPRs are loaded and stored here;
 * VMLOAD/VMSAVE switch the state VMRUN leaves alone (FS/GS/TR/LDTR, SYSCALL/SYSENTER MSRs,
 * KernelGSBase) between the guest's VMCB and the host's. */
#include "svm.h"

/* The guest GPRs kept in struct svm_vcpu, each with its slot (the register's number): all but
 * RAX and RSP, which the VMCB holds, and RDI, which holds sv while the others move. */
.macro guest_gprs op
    \op     1, %rcx
    \op     2, %rdx
    \op     3, %rbx
    \op     5, %rbp
    \op     6, %rsi
    \op     8, %r8
    \op     9, %r9
    \op     10, %r10
    \op     11, %r11
    \op     12, %r12
    \op     13, %r13
    \op     14, %r14
    \op     15, %r15
.endm

.macro load_gpr n, reg
    mov     SVM_GPR(\n)(%rdi), \reg
.endm

.macro store_gpr n, reg
    mov     \reg, SVM_GPR(\n)(%rdi)
.endm

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
    guest_gprs load_gpr
    mov     SVM_GPR(7)(%rdi), %rdi      /* last: it held sv */
    vmrun   %rax
    /* #VMEXIT: RAX (the guest VMCB's address), RSP and RFLAGS (IF=1) are the host's again,
     * GIF=0; every other GPR still holds the guest's value. */
    push    %rdi
    mov     8(%rsp), %rdi               /* sv */
    guest_gprs store_gpr
    popq    SVM_GPR(7)(%rdi)            /* the guest's RDI, pushed above */
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
