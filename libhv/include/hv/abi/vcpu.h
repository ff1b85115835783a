/* The virtual-CPU ABI shared by the kernel and the VMMs: how a guest CPU is bound, read,
 * written and interrupted, what a guest exit looks like as a fault message, and how the
 * reply resumes the guest. Per-arch register numbers and exit words are in vcpu_aarch64.h and
 * vcpu_x86_64.h (both always included, so host-built VMM code and its tests see both).
 * docs/vcpu.md says the same with the reasons. */
#pragma once

#include <hv/abi/syscall.h>
#include <stdint.h>

/* A vcpu object is 8 KiB on both arches (retype with size_bits 0): a page of saved state and
 * a page the arch needs in hardware format (the VMCB on x86_64). */
#define HV_VCPU_SIZE_BITS 13

/*
 * vcpu_bind (HV_SYS_VCPU_BIND): R0 vcpu (W), R1 thread (W), R2 guest vspace (W).
 *   Binds an inactive, unbound thread to an unbound vcpu and the guest address space the vcpu
 *   runs in. From then on, whenever the scheduler runs that thread it runs the guest (at its
 *   priority, and against its budget), and every exit the kernel does not handle itself is a
 *   fault message (label HV_FAULT_VCPU) to the thread's fault endpoint. R1 = 0 unbinds (the
 *   thread must be inactive). Deleting the vcpu, the thread or the guest vspace unbinds too,
 *   and the thread is then suspended.
 * vcpu_read (HV_SYS_VCPU_READ): R0 vcpu (R), R1 register -> R1 value.
 * vcpu_write (HV_SYS_VCPU_WRITE): R0 vcpu (W), R1 register, R2 value.
 *   HV_ERANGE for an unknown register, HV_EINVAL for a value the register can't hold (a
 *   PSTATE/RFLAGS that would leave the guest's privilege level, say). HV_EBUSY if the bound
 *   thread is running on another CPU. Writing HV_VCPU_REG_RESET (any value) puts the vcpu in
 *   its architectural reset state and drops every pending injection.
 * vcpu_inject (HV_SYS_VCPU_INJECT): R0 vcpu (W), R1 interrupt, R2 arch flags.
 *   Makes a virtual interrupt pending (AArch64: a virtual INTID through the list registers;
 *   x86_64: a vector through EVENTINJ, after an interrupt window if the guest has interrupts
 *   off). Injecting one already pending is a no-op. A guest waiting in WFI/HLT wakes.
 *   HV_EBUSY when the kernel's per-vcpu queue of pending interrupts is full.
 */

/* A register number no arch uses: writing it resets the vcpu. */
#define HV_VCPU_REG_RESET 0xffffu

/* HV_SYS_VCPU_DOORBELL: R0 vcpu (W), R1 doorbell index (< HV_VCPU_DOORBELLS), R2 the
 * guest-physical address of a 32-bit register (4-aligned; 0 takes the doorbell away), R3 a
 * notification (W; its badge is what is signalled). Once set, a guest store of 32 bits to that
 * address (AArch64: a data abort with a syndrome) signals the notification and resumes the
 * guest after the store, with no exit message; the stored value is dropped. The vcpu holds a
 * copy of the notification cap, so revoking or deleting the original takes the doorbell
 * away too. HV_ENOSYS on an arch whose exits can't do this without decoding the instruction
 * (x86_64: the VMM's trap path stays). docs/vcpu.md, "Doorbells". */
#define HV_VCPU_DOORBELLS 4u

/*
 * An exit, as the fault message the vcpu thread's handler receives: label HV_FAULT_VCPU,
 * six words, badge of the thread's fault endpoint cap:
 *   w[0] HV_VCPU_W_CODE     the arch's exit syndrome (AArch64 ESR_EL2, x86_64 EXITCODE), or
 *                           HV_VCPU_EXIT_KERNEL | an enum hv_vcpu_kernel_exit
 *   w[1] HV_VCPU_W_ADDR     the address involved (AArch64: the IPA of a stage-2 abort,
 *                           x86_64: EXITINFO2)
 *   w[2] HV_VCPU_W_PC       the guest's PC / RIP of the exiting instruction
 *   w[3..5]                 per arch: see vcpu_aarch64.h / vcpu_x86_64.h
 */
enum {
    HV_VCPU_W_CODE = 0,
    HV_VCPU_W_ADDR = 1,
    HV_VCPU_W_PC = 2,
    HV_VCPU_W_ARCH0 = 3,
    HV_VCPU_W_ARCH1 = 4,
    HV_VCPU_W_ARCH2 = 5,
};
#define HV_VCPU_EXIT_WORDS 6
#define HV_VCPU_EXIT_KERNEL (1ull << 63)
/* Exits the kernel makes up itself rather than passes on from the hardware. */
enum hv_vcpu_kernel_exit {
    HV_VCPU_EXIT_STARTED = 1, /* reserved */
};

/*
 * The reply to an exit resumes the guest. An empty reply resumes it unchanged (it re-executes
 * the exiting instruction). Otherwise w[0] holds HV_VCPU_RESUME_* flags, applied in this
 * order: SET_A (register w[2] := w[3]), SET_B (register w[4] := w[5]), then ADVANCE (pc +=
 * w[1], or, with w[1] = 0, the length of the exiting instruction when the arch knows it) or
 * FAULT (the guest takes the architectural fault for the exiting access: AArch64 a
 * synchronous external abort for an abort and UNDEFINED otherwise, x86_64 #GP(0), or with
 * w[1] = vector | 1 << 8 | error_code << 32 that exception with that error code).
 * A malformed reply (an unknown flag, ADVANCE with FAULT, a register number or value that
 * vcpu_write would refuse) leaves the guest as it was and suspends the vcpu thread: a VMM's
 * mistake stops its own guest and nothing else.
 */
#define HV_VCPU_RESUME_SET_A (1u << 0)
#define HV_VCPU_RESUME_SET_B (1u << 1)
#define HV_VCPU_RESUME_ADVANCE (1u << 2)
#define HV_VCPU_RESUME_FAULT (1u << 3)
#define HV_VCPU_RESUME_ALL 0xfu
#define HV_VCPU_FAULT_VECTOR(vec, err) ((uint64_t)(vec) | 1ull << 8 | (uint64_t)(err) << 32)

#include <hv/abi/vcpu_aarch64.h>
#include <hv/abi/vcpu_x86_64.h>
