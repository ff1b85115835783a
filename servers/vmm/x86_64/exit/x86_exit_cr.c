/* CR8 exits: in 64-bit mode CR8 is the local APIC's task priority (TPR[7:4]; APM vol. 2, "CR8
 * and the TPR"), and the TPR lives in the VMM's LAPIC model, so the kernel intercepts CR8 and
 * the VMM does the MOV against that model. Without decode assists the exit says only that CR8
 * was read or written: the instruction is fetched and decoded for its register. */
#include "x86_64/exit/x86_exit.h"

#include "x86_64/devices/lapic.h"

#define CR8 8

void x86_exit_cr8(struct x86_exit *e)
{
    bool write = e->w[HV_VCPU_W_CODE] == SVM_EXIT_WRITE_CR8;
    struct x86_fetched f;
    struct x86_mov_cr mov;
    if (!x86_exit_fetch(e, &f))
        return;
    enum x86_decode_status st = x86_decode_mov_cr(f.bytes, f.got, f.mode, &mov);
    if (st == X86_DECODE_OK && (mov.cr != CR8 || mov.write != write))
        st = X86_DECODE_UNSUPPORTED; /* the bytes changed since the exit */
    if (st != X86_DECODE_OK) {
        x86_exit_fault(e, X86_WARN_CR, x86_decode_status_name(st));
        return;
    }
    if (write) {
        uint64_t v = mov.gpr == HV_X86_RAX ? e->w[HV_X86_W_RAX] : x86_exit_reg(e, mov.gpr);
        if (e->regs_failed) {
            vmm_reply_init(&e->reply);
            return;
        }
        if (v >> 4) {
            x86_exit_exception(e, X86_VEC_GP, 0); /* reserved bits 63:4 set: #GP(0) */
            return;
        }
        lapic_set_tpr(&e->x->pf.lapic, (uint32_t)v << 4);
    } else {
        vmm_reply_set(&e->reply, mov.gpr, lapic_tpr(&e->x->pf.lapic) >> 4);
    }
    x86_exit_advance(e, mov.len);
}
