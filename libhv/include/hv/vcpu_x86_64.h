/* x86_64 vcpus (hv/vcpu.h): register numbers for vcpu_read/vcpu_write and the arch words of
 * an exit message. A guest runs under AMD SVM with nested paging. */
#pragma once

#include <stdint.h>

/* Register numbers: the GPRs in the order of the instruction encoding (so a ModRM reg field
 * is a register number), then the rest of the guest state. */
enum hv_x86_reg {
    HV_X86_RAX = 0,
    HV_X86_RCX = 1,
    HV_X86_RDX = 2,
    HV_X86_RBX = 3,
    HV_X86_RSP = 4,
    HV_X86_RBP = 5,
    HV_X86_RSI = 6,
    HV_X86_RDI = 7,
    HV_X86_R8 = 8,
    HV_X86_R15 = 15,
    HV_X86_RIP = 16,
    HV_X86_RFLAGS = 17,
};

/* Exit words 3..5 (hv/vcpu.h): w[3] EXITINFO1, w[4] the guest's RAX, w[5] the next RIP when
 * the kernel knows it (0 when it does not). */
enum {
    HV_X86_W_EXITINFO1 = 3,
    HV_X86_W_RAX = 4,
    HV_X86_W_NEXT_RIP = 5,
};
