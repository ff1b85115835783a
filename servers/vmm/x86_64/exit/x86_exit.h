/* Internal to the x86 exit handler's files: the per-exit context and helpers they share. */
#pragma once

#include "core/vcpu_reply.h"
#include "x86_64/exit/insn_decode.h"
#include "x86_64/vmm_x86.h"
#include <hv/abi/svm_exit.h>

/* Exception vectors the handlers inject (SDM vol. 3A, 6.3.1). */
#define X86_VEC_UD 6u
#define X86_VEC_SS 12u
#define X86_VEC_GP 13u
#define X86_VEC_PF 14u

struct x86_exit {
    struct vmm_x86 *x;
    const uint64_t *w;
    struct vmm_reply reply;
    enum vmm_exit_action action;
    bool regs_failed; /* a register read failed: the handler refused the exit */
};

/* Reads a vcpu register; on failure notes it and returns 0. */
uint64_t x86_exit_reg(struct x86_exit *e, uint32_t reg);
/* Writes a vcpu register; false (and logged) if the kernel refused. */
bool x86_exit_set_reg(struct x86_exit *e, uint32_t reg, uint64_t value);
void x86_exit_warn(struct x86_exit *e, enum x86_exit_warning kind, const char *what);
/* The guest takes #GP(0) (or the exception vector with error code err). */
void x86_exit_fault(struct x86_exit *e, enum x86_exit_warning kind, const char *what);
void x86_exit_exception(struct x86_exit *e, unsigned vector, uint32_t err);
/* The paging registers and code size of the vcpu, read through vcpu_read. */
bool x86_exit_paging(struct x86_exit *e, struct x86_paging *p);

/* After an access to port: a read of COM1's receive buffer made room for console input. */
void x86_exit_console_access(struct x86_exit *e, uint16_t port);

void x86_exit_ioio(struct x86_exit *e);
/* INS/OUTS of size bytes at port; info is EXITINFO1, already checked. */
void x86_exit_string(struct x86_exit *e, uint64_t info, uint16_t port, unsigned size);
void x86_exit_npf(struct x86_exit *e);
/* The exiting instruction's bytes, read through the guest's page tables with the checks of an
 * instruction fetch (up to X86_INSN_MAX; got may be fewer), and the code size. */
struct x86_fetched {
    uint8_t bytes[X86_INSN_MAX];
    size_t got;
    enum x86_code_size mode;
};
/* False when a register read failed: the reply then retries the exit. */
bool x86_exit_fetch(struct x86_exit *e, struct x86_fetched *f);
/* The instruction the VMM completed is len bytes long (the kernel does not know an emulated
 * instruction's length): the reply advances RIP past it. */
void x86_exit_advance(struct x86_exit *e, unsigned len);
/* MOV to or from CR8, intercepted so that CR8 and the LAPIC's TPR are one register. */
void x86_exit_cr8(struct x86_exit *e);
