/* INS and OUTS, with or without REP: each element's memory operand is checked as the CPU
 * checks it (x86_access.h) before the port is touched, at most a batch of elements per exit,
 * and the registers are reported per element done, so that a fault or a re-execution resumes
 * where this exit stopped (a REP string instruction is restartable, APM vol. 3 INS/OUTS). */
#include "x86_64/exit/x86_exit.h"

#include "x86_64/exit/string_decode.h"
#include "x86_64/exit/x86_access.h"
#include <hv/bits.h>
#include <hv/bytes.h>

#define STRING_BATCH 512u /* elements per exit; a longer REP re-executes for the rest */
#define RFLAGS_DF (1ull << 10)

struct string_op {
    bool in, rep;
    uint16_t port;
    unsigned size, abytes;
    unsigned seg;       /* ES for INS; DS or the override for OUTS */
    uint32_t index_reg; /* RDI for INS, RSI for OUTS */
};

/* An address-sized register update: 16 bits keep the rest, 32 bits clear 63:32 (SDM 3.3.7). */
static uint64_t update_addr_reg(uint64_t old, uint64_t value, unsigned abytes)
{
    if (abytes == 2)
        return (old & ~0xffffull) | (value & 0xffff);
    return value & hv_size_mask(abytes);
}

static unsigned addr_bytes(uint64_t info)
{
    if (info & SVM_IOIO_A16)
        return 2;
    return (info & SVM_IOIO_A32) ? 4 : 8;
}

/* The vcpu state the checks need; false if a register read was refused. */
static bool read_cpu(struct x86_exit *e, struct x86_cpu *c)
{
    x86_exit_paging(e, &c->pg);
    c->rflags = x86_exit_reg(e, HV_X86_RFLAGS);
    c->cs_attr = x86_exit_reg(e, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR));
    c->ss_attr = x86_exit_reg(e, HV_X86_SEG(HV_X86_SS, HV_X86_SEG_ATTR));
    return !e->regs_failed;
}

/* The hidden part of the operand's segment, as far as the mode uses it. */
static bool read_segment(struct x86_exit *e, const struct x86_cpu *c, unsigned seg,
                         struct x86_segment *s)
{
    *s = (struct x86_segment){0};
    bool flat = x86_cpu_mode(c) == X86_MODE_64;
    if (!flat || seg == HV_X86_FS || seg == HV_X86_GS)
        s->base = x86_exit_reg(e, HV_X86_SEG(seg, HV_X86_SEG_BASE));
    if (!flat) {
        s->limit = x86_exit_reg(e, HV_X86_SEG(seg, HV_X86_SEG_LIMIT));
        s->attr = x86_exit_reg(e, HV_X86_SEG(seg, HV_X86_SEG_ATTR));
    }
    return !e->regs_failed;
}

/* An exit without the address size (QEMU 7.2 leaves EXITINFO1 bits 12:7 clear for INS/OUTS):
 * the address size and OUTS's segment come from the instruction's prefixes, read at CS:RIP as
 * the CPU fetched it. False when that decided the reply (a refused read, a mismatch). */
static bool from_instruction(struct x86_exit *e, const struct x86_cpu *c, struct string_op *op)
{
    enum x86_code_size mode = x86_code_size(&c->pg, c->cs_attr);
    uint64_t rip = e->w[HV_VCPU_W_PC], la = rip;
    if (mode != X86_CODE64)
        la = (x86_exit_reg(e, HV_X86_SEG(HV_X86_CS, HV_X86_SEG_BASE)) + rip) & 0xffffffffull;
    if (e->regs_failed) {
        vmm_reply_init(&e->reply);
        return false;
    }
    const struct x86_access fetch = {X86_ACCESS_FETCH, x86_cpu_cpl(c) == 3, false};
    uint8_t bytes[X86_INSN_MAX];
    size_t got;
    x86_read_linear(&e->x->mem, &c->pg, &fetch, la, bytes, sizeof(bytes), &got);
    struct x86_string_insn insn;
    enum x86_decode_status st = x86_decode_string_io(bytes, got, mode, &insn);
    uint64_t next = e->w[HV_X86_W_NEXT_RIP];
    if (st == X86_DECODE_LOCK) {
        x86_exit_exception(e, X86_VEC_UD, 0);
        return false;
    }
    /* Bytes that changed since the exit (or a guest playing games) are not guessed at. */
    if (st != X86_DECODE_OK || insn.in != op->in || insn.size != op->size ||
        (next && next - rip != insn.len)) {
        x86_exit_fault(e, X86_WARN_IOIO, "string I/O instruction does not match the exit");
        return false;
    }
    op->abytes = insn.addr_bytes;
    if (!op->in)
        op->seg = insn.seg;
    return true;
}

/* One element at linear address la. Its bytes are translated and known to be RAM before
 * the port is read or written, so a fault leaves the device untouched (a byte read from a
 * FIFO can't be put back). False with the fault. */
static bool element(struct x86_exit *e, const struct x86_cpu *c, const struct string_op *op,
                    uint64_t la, struct x86_fault *f)
{
    const struct x86_guest_mem *m = &e->x->mem;
    struct x86_span sp;
    if (!x86_translate_span(m, c, la, op->size, op->in, &sp, f))
        return false;
    unsigned rest = op->size - sp.first;
    uint8_t buf[4] = {0}; /* the element, little-endian */
    if (!x86_gpa_in_ram(m, sp.gpa[0], sp.first) || (rest && !x86_gpa_in_ram(m, sp.gpa[1], rest))) {
        /* MMIO behind the guest's page tables: not emulated. */
        x86_exit_warn(e, X86_WARN_IOIO, "string I/O buffer not in RAM");
        *f = (struct x86_fault){.vector = X86_VEC_GP};
        return false;
    }
    if (op->in) {
        hv_put_le32(buf, x86_pio_read(&e->x->pf, op->port, op->size));
        x86_gpa_write(m, sp.gpa[0], buf, sp.first);
        x86_gpa_write(m, sp.gpa[1], buf + sp.first, rest);
    } else {
        x86_gpa_read(m, sp.gpa[0], buf, sp.first);
        x86_gpa_read(m, sp.gpa[1], buf + sp.first, rest);
        x86_pio_write(&e->x->pf, op->port, op->size, hv_le32(buf));
    }
    return true;
}

/* The guest takes f after the register updates already in the reply. */
static void raise_after_progress(struct x86_exit *e, const struct x86_fault *f)
{
    /* A #PF with a stale CR2 would mislead the guest's handler: if the kernel refuses CR2,
     * the reply carries only the progress, and the guest re-executes from the faulting
     * element and faults on that exit. */
    if (f->vector == X86_VEC_PF && !x86_exit_set_reg(e, HV_X86_CR2, f->cr2))
        return;
    e->reply.w[0] |= HV_VCPU_RESUME_FAULT;
    e->reply.w[1] = HV_VCPU_FAULT_VECTOR(f->vector, f->error);
    vmm_reply_grow(&e->reply, 2);
    e->x->vmm.guest_faults++;
}

void x86_exit_string(struct x86_exit *e, uint64_t info, uint16_t port, unsigned size)
{
    struct string_op op = {
        .in = info & SVM_IOIO_TYPE_IN,
        .rep = info & SVM_IOIO_REP,
        .port = port,
        .size = size,
    };
    bool described = info & (SVM_IOIO_A16 | SVM_IOIO_A32 | SVM_IOIO_A64);
    op.abytes = addr_bytes(info);
    op.seg = op.in ? HV_X86_ES : (unsigned)(info >> SVM_IOIO_SEG_SHIFT) & 7;
    op.index_reg = op.in ? HV_X86_RDI : HV_X86_RSI;
    if (op.seg > HV_X86_GS) {
        x86_exit_fault(e, X86_WARN_IOIO, "string I/O with a bad segment");
        return;
    }
    struct x86_cpu c;
    if (!read_cpu(e, &c)) {
        vmm_reply_init(&e->reply); /* nothing done: the instruction runs again */
        return;
    }
    if (!described && !from_instruction(e, &c, &op))
        return;
    struct x86_segment s;
    bool ok = read_segment(e, &c, op.seg, &s);
    uint64_t index0 = x86_exit_reg(e, op.index_reg), index = index0;
    uint64_t rcx = op.rep ? x86_exit_reg(e, HV_X86_RCX) : 1;
    if (!ok || e->regs_failed) {
        vmm_reply_init(&e->reply);
        return;
    }
    uint64_t mask = hv_size_mask(op.abytes);
    uint64_t count = op.rep ? rcx & mask : 1;
    uint64_t n = count < STRING_BATCH ? count : STRING_BATCH;
    uint64_t step = (c.rflags & RFLAGS_DF) ? (uint64_t)0 - size : size;
    uint64_t done = 0;
    struct x86_fault f;
    bool faulted = false;
    for (; done < n; done++) {
        uint64_t la;
        if (!x86_seg_linear(&c, op.seg, &s, index & mask, size, op.in, &la, &f) ||
            !element(e, &c, &op, la, &f)) {
            faulted = true;
            break;
        }
        index += step;
    }
    x86_exit_console_access(e, port);
    /* Report progress whatever happens next, so a fault or a re-execution resumes where
     * this batch stopped. */
    vmm_reply_set(&e->reply, op.index_reg, update_addr_reg(index0, index, op.abytes));
    if (op.rep)
        vmm_reply_set(&e->reply, HV_X86_RCX, update_addr_reg(rcx, count - done, op.abytes));
    if (faulted)
        raise_after_progress(e, &f);
    else if (count - done == 0)
        vmm_reply_advance(&e->reply);
    /* else: REP with elements left; without ADVANCE the guest runs it again. */
}
