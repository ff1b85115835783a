/* AMD SVM exit codes and EXITINFO1 fields, named as in the manual (APM vol. 2, 15.9, 15.10.2,
 * 15.25.6 and appendix C). ABI: the kernel reports an x86_64 vcpu's exit to its VMM with the
 * exit code and EXITINFO fields of the VMCB (hv/abi/vcpu_x86_64.h), so the kernel's SVM code
 * and the VMM read the same definitions. */
#pragma once

#define SVM_EXIT_READ_CR8 0x08u  /* 0x00 + n: a read of CRn */
#define SVM_EXIT_WRITE_CR8 0x18u /* 0x10 + n: a write of CRn */
#define SVM_EXIT_EXCP_BASE 0x40u /* + vector: an intercepted exception */
#define SVM_EXIT_INTR 0x60u
#define SVM_EXIT_NMI 0x61u
#define SVM_EXIT_SMI 0x62u
#define SVM_EXIT_INIT 0x63u
#define SVM_EXIT_VINTR 0x64u
#define SVM_EXIT_RDPMC 0x6fu
#define SVM_EXIT_CPUID 0x72u
#define SVM_EXIT_IRET 0x74u
#define SVM_EXIT_INVD 0x76u
#define SVM_EXIT_PAUSE 0x77u
#define SVM_EXIT_HLT 0x78u
#define SVM_EXIT_INVLPGA 0x7au
#define SVM_EXIT_IOIO 0x7bu
#define SVM_EXIT_MSR 0x7cu
#define SVM_EXIT_SHUTDOWN 0x7fu
#define SVM_EXIT_VMRUN 0x80u
#define SVM_EXIT_VMMCALL 0x81u
#define SVM_EXIT_VMLOAD 0x82u
#define SVM_EXIT_VMSAVE 0x83u
#define SVM_EXIT_STGI 0x84u
#define SVM_EXIT_CLGI 0x85u
#define SVM_EXIT_SKINIT 0x86u
#define SVM_EXIT_MONITOR 0x8au
#define SVM_EXIT_MWAIT 0x8bu
#define SVM_EXIT_MWAIT_COND 0x8cu
#define SVM_EXIT_XSETBV 0x8du
#define SVM_EXIT_NPF 0x400u
#define SVM_EXIT_INVALID 0xffffffffffffffffull /* VMRUN refused the guest state */

/* IOIO EXITINFO1 (APM 15.10.2). */
#define SVM_IOIO_TYPE_IN (1u << 0)
#define SVM_IOIO_STR (1u << 2)
#define SVM_IOIO_REP (1u << 3)
#define SVM_IOIO_SZ8 (1u << 4)
#define SVM_IOIO_SZ16 (1u << 5)
#define SVM_IOIO_SZ32 (1u << 6)
#define SVM_IOIO_A16 (1u << 7)
#define SVM_IOIO_A32 (1u << 8)
#define SVM_IOIO_A64 (1u << 9)
#define SVM_IOIO_SEG_SHIFT 10
#define SVM_IOIO_PORT_SHIFT 16

/* NPF EXITINFO1: the #PF error-code bits, and where in the walk it happened (APM 15.25.6). */
#define SVM_NPF_PRESENT (1ull << 0)
#define SVM_NPF_WRITE (1ull << 1)
#define SVM_NPF_FETCH (1ull << 4)
#define SVM_NPF_FINAL (1ull << 32)
#define SVM_NPF_IN_WALK (1ull << 33)
