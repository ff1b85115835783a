/* Nested page faults on MMIO: with no decode assists, the VMM reads the instruction at the
 * guest's RIP through the guest's page tables, decodes it (insn_decode.c: MOV and the logical
 * operations), performs the access on the platform, and replies with the register and flags
 * it changed and the length. */
#include "x86_64/exit/x86_exit.h"

#include "x86_64/exit/insn_decode.h"
#include "x86_64/exit/x86_access.h"

#define SEG_ATTR_DPL_SHIFT 5 /* VMCB segment attributes: DPL in bits 6:5 */

/* OR, AND, XOR and TEST: a read of the device register, the operation, then the result into
 * the register or back to the device (a read-modify-write: the fault may report either the
 * read or the write, depending on the CPU), and the flags. */
static void npf_logic(struct x86_exit *e, const struct x86_mmio_insn *insn, uint64_t gpa,
                      uint64_t info1)
{
    bool rmw = insn->write;
    if (!rmw && (info1 & SVM_NPF_WRITE)) {
        x86_exit_fault(e, X86_WARN_NPF, "instruction does not match the fault");
        return;
    }
    uint64_t reg = 0;
    bool into_reg = !rmw && insn->op != X86_OP_TEST;
    if (insn->src == X86_SRC_REG || into_reg)
        reg = insn->reg == HV_X86_RAX ? e->w[HV_X86_W_RAX] : x86_exit_reg(e, insn->reg);
    uint64_t rflags = x86_exit_reg(e, HV_X86_RFLAGS);
    if (e->regs_failed) {
        vmm_reply_init(&e->reply);
        return;
    }
    uint64_t m = x86_mmio_read(&e->x->pf, gpa, insn->size), flags;
    uint64_t r = x86_logic_result(insn, m, x86_store_value(insn, reg), rflags, &flags);
    if (rmw)
        x86_mmio_write(&e->x->pf, gpa, insn->size, r);
    else if (into_reg)
        vmm_reply_set(&e->reply, insn->reg, x86_load_result(insn, reg, r));
    vmm_reply_set(&e->reply, HV_X86_RFLAGS, flags);
    x86_exit_advance(e, insn->len);
}

void x86_exit_advance(struct x86_exit *e, unsigned len)
{
    e->reply.w[0] |= HV_VCPU_RESUME_ADVANCE;
    e->reply.w[1] = len;
    vmm_reply_grow(&e->reply, 2);
}

bool x86_exit_fetch(struct x86_exit *e, struct x86_fetched *f)
{
    struct x86_paging pg;
    x86_exit_paging(e, &pg);
    uint64_t cs_attr = x86_exit_reg(e, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR));
    uint64_t cs_base = x86_exit_reg(e, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_BASE));
    if (e->regs_failed) {
        vmm_reply_init(&e->reply);
        return false;
    }
    f->mode = x86_code_size(&pg, cs_attr);
    uint64_t rip = e->w[HV_VCPU_W_PC];
    uint64_t la = f->mode == X86_CODE64 ? rip : (cs_base + rip) & 0xffffffffull;
    /* Read as the CPU's own fetch of these bytes was checked: at CPL 3 (which CS.DPL 3 proves)
     * only user pages, never NX ones, so the VMM never decodes what the guest could not run.
     * A failure part-way leaves `got` bytes: enough if the instruction ends before it. */
    const struct x86_access fetch = {
        .kind = X86_ACCESS_FETCH,
        .user = (pg.cr0 & X86_CR0_PE) && ((cs_attr >> SEG_ATTR_DPL_SHIFT) & 3) == 3,
    };
    x86_read_linear(&e->x->mem, &pg, &fetch, la, f->bytes, X86_INSN_MAX, &f->got);
    return true;
}

void x86_exit_npf(struct x86_exit *e)
{
    uint64_t info1 = e->w[HV_X86_W_EXITINFO1], gpa = e->w[HV_VCPU_W_ADDR];
    if (info1 & SVM_NPF_IN_WALK) {
        x86_exit_fault(e, X86_WARN_NPF, "guest page tables in MMIO");
        return;
    }
    if (info1 & SVM_NPF_FETCH) {
        x86_exit_fault(e, X86_WARN_NPF, "instruction fetch from MMIO");
        return;
    }
    struct x86_fetched f;
    struct x86_mmio_insn insn;
    if (!x86_exit_fetch(e, &f))
        return;
    enum x86_decode_status st = x86_decode_mmio(f.bytes, f.got, f.mode, &insn);
    if (st == X86_DECODE_LOCK) {
        x86_exit_warn(e, X86_WARN_NPF, "LOCK MOV on MMIO");
        x86_exit_exception(e, X86_VEC_UD, 0);
        return;
    }
    if (st != X86_DECODE_OK) {
        x86_exit_fault(e, X86_WARN_NPF, x86_decode_status_name(st));
        return;
    }
    if (insn.op != X86_OP_MOV) {
        npf_logic(e, &insn, gpa, info1);
        return;
    }
    if (insn.write != (bool)(info1 & SVM_NPF_WRITE)) {
        /* The bytes changed since the fault (another writer, or a guest playing games). */
        x86_exit_fault(e, X86_WARN_NPF, "instruction does not match the fault");
        return;
    }
    /* RAX arrives with the exit; any other register costs a vcpu_read. */
    uint64_t reg = 0;
    if (insn.write ? insn.src == X86_SRC_REG : insn.reg_size <= 2)
        reg = insn.reg == HV_X86_RAX ? e->w[HV_X86_W_RAX] : x86_exit_reg(e, insn.reg);
    if (e->regs_failed) {
        vmm_reply_init(&e->reply);
        return;
    }
    if (insn.write) {
        x86_mmio_write(&e->x->pf, gpa, insn.size, x86_store_value(&insn, reg));
    } else {
        uint64_t v = x86_mmio_read(&e->x->pf, gpa, insn.size);
        vmm_reply_set(&e->reply, insn.reg, x86_load_result(&insn, reg, v));
    }
    x86_exit_advance(e, insn.len);
}
