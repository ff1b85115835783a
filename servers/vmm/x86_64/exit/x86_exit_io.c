/* IOIO exits: IN/OUT through the port bus, and INS/OUTS (with REP) through the guest's page
 * tables, a bounded number of elements per exit so that one REP cannot stall the VMM. */
#include "x86_64/exit/x86_exit.h"

#include "x86_64/pc_wiring.h"
#include <hv/bits.h>
#include <hv/bytes.h>

#define STRING_BATCH 512u /* elements per exit; a longer REP re-executes for the rest */
#define RFLAGS_DF (1ull << 10)

/* An address-sized register update: 16 bits keep the rest, 32 bits clear 63:32 (SDM 3.3.7). */
static uint64_t update_addr_reg(uint64_t old, uint64_t value, unsigned abytes)
{
    if (abytes == 2)
        return (old & ~0xffffull) | (value & 0xffff);
    return value & hv_size_mask(abytes);
}

static void after_console_access(struct x86_exit *e, uint16_t port)
{
    /* A read of the receive buffer made room: pull more console input in. */
    if (port >= X86_COM1_PORT && port < X86_COM1_PORT + 8)
        vmm_console_refill(&e->x->vmm);
}

/* One element of INS/OUTS at linear address la. */
static bool string_element(struct x86_exit *e, const struct x86_paging *pg, bool in, uint16_t port,
                           unsigned size, uint64_t la)
{
    uint8_t buf[4] = {0}; /* the element's size bytes, little-endian */
    if (in) {
        hv_put_le32(buf, x86_pio_read(&e->x->pf, port, size));
        /* Byte by byte: the element may straddle a page. */
        for (unsigned i = 0; i < size; i++) {
            uint64_t gpa;
            if (x86_walk(&e->x->mem, pg, la + i, &gpa) ||
                !x86_gpa_write(&e->x->mem, gpa, &buf[i], 1))
                return false;
        }
        return true;
    }
    size_t got;
    if (x86_read_linear(&e->x->mem, pg, la, buf, size, &got))
        return false;
    x86_pio_write(&e->x->pf, port, size, hv_le32(buf));
    return true;
}

static void ioio_string(struct x86_exit *e, uint64_t info, uint16_t port, unsigned size)
{
    unsigned abytes = (info & SVM_IOIO_A16) ? 2 : (info & SVM_IOIO_A32) ? 4 : 8;
    bool in = info & SVM_IOIO_TYPE_IN, rep = info & SVM_IOIO_REP;
    unsigned seg = in ? HV_X86_ES : (unsigned)(info >> SVM_IOIO_SEG_SHIFT) & 7;
    if (seg > HV_X86_GS) {
        x86_exit_fault(e, X86_WARN_IOIO, "string I/O with a bad segment");
        return;
    }
    uint32_t index_reg = in ? HV_X86_RDI : HV_X86_RSI;
    struct x86_paging pg;
    x86_exit_paging(e, &pg);
    uint64_t rflags = x86_exit_reg(e, HV_X86_RFLAGS);
    uint64_t index0 = x86_exit_reg(e, index_reg), index = index0;
    uint64_t rcx = rep ? x86_exit_reg(e, HV_X86_RCX) : 1;
    /* In 64-bit mode only FS and GS have a base (SDM 3.4.4). */
    uint64_t base = 0;
    if (!(pg.efer & X86_EFER_LMA) || seg == HV_X86_FS || seg == HV_X86_GS)
        base = x86_exit_reg(e, HV_X86_SEG(seg, HV_X86_SEG_BASE));
    if (e->regs_failed) {
        vmm_reply_init(&e->reply); /* nothing done: the instruction runs again */
        return;
    }
    uint64_t count = rep ? rcx & hv_size_mask(abytes) : 1;
    uint64_t n = count < STRING_BATCH ? count : STRING_BATCH;
    uint64_t step = (rflags & RFLAGS_DF) ? (uint64_t)0 - size : size;
    uint64_t done = 0;
    bool failed = false;
    for (; done < n; done++) {
        uint64_t la = base + (index & hv_size_mask(abytes));
        if (!(pg.efer & X86_EFER_LMA))
            la &= 0xffffffffull;
        if (!string_element(e, &pg, in, port, size, la)) {
            failed = true;
            break;
        }
        index += step;
    }
    after_console_access(e, port);
    /* Report progress whatever happens next, so a fault or a re-execution resumes where
     * this batch stopped. */
    vmm_reply_set(&e->reply, index_reg, update_addr_reg(index0, index, abytes));
    if (rep)
        vmm_reply_set(&e->reply, HV_X86_RCX, update_addr_reg(rcx, count - done, abytes));
    if (failed) {
        x86_exit_warn(e, X86_WARN_IOIO, "string I/O buffer not in RAM or not mapped");
        e->reply.w[0] |= HV_VCPU_RESUME_FAULT; /* #GP(0) after the register updates */
        e->reply.w[1] = 0;
        vmm_reply_grow(&e->reply, 2);
        e->x->vmm.guest_faults++;
    } else if (count - done == 0) {
        vmm_reply_advance(&e->reply);
    }
    /* else: REP with elements left; without ADVANCE the guest runs it again. */
}

void x86_exit_ioio(struct x86_exit *e)
{
    uint64_t info = e->w[HV_X86_W_EXITINFO1];
    uint64_t sz = info & (SVM_IOIO_SZ8 | SVM_IOIO_SZ16 | SVM_IOIO_SZ32);
    uint64_t asz = info & (SVM_IOIO_A16 | SVM_IOIO_A32 | SVM_IOIO_A64);
    /* Exactly one size bit (and, for strings, one address-size bit), as the CPU writes. */
    if ((sz & (sz - 1)) || !sz || ((info & SVM_IOIO_STR) && ((asz & (asz - 1)) || !asz)) ||
        (info >> 32)) {
        x86_exit_fault(e, X86_WARN_IOIO, "IOIO exit with malformed EXITINFO1");
        return;
    }
    unsigned size = sz == SVM_IOIO_SZ8 ? 1 : sz == SVM_IOIO_SZ16 ? 2 : 4;
    uint16_t port = (uint16_t)(info >> SVM_IOIO_PORT_SHIFT);
    if (info & SVM_IOIO_STR) {
        ioio_string(e, info, port, size);
        return;
    }
    uint64_t rax = e->w[HV_X86_W_RAX];
    if (info & SVM_IOIO_TYPE_IN) {
        uint64_t v = x86_pio_read(&e->x->pf, port, size);
        /* IN AL/AX keep the rest of RAX; IN EAX clears bits 63:32. */
        uint64_t nrax = size == 4 ? v : (rax & ~hv_size_mask(size)) | v;
        vmm_reply_set(&e->reply, HV_X86_RAX, nrax);
    } else {
        x86_pio_write(&e->x->pf, port, size, (uint32_t)(rax & hv_size_mask(size)));
    }
    after_console_access(e, port);
    vmm_reply_advance(&e->reply); /* the kernel knows the length (EXITINFO2 is next RIP) */
}
