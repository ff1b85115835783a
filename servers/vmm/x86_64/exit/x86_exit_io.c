/* IOIO exits: EXITINFO1 checked, IN/OUT through the port bus; INS/OUTS go to
 * x86_exit_string.c. */
#include "x86_64/exit/x86_exit.h"

#include "x86_64/pc_wiring.h"
#include <hv/bits.h>
#include <hv/bytes.h>

void x86_exit_console_access(struct x86_exit *e, uint16_t port)
{
    /* A read of the receive buffer made room: pull more console input in. */
    if (port >= X86_COM1_PORT && port < X86_COM1_PORT + 8)
        vmm_console_refill(&e->x->vmm);
}

void x86_exit_ioio(struct x86_exit *e)
{
    uint64_t info = e->w[HV_X86_W_EXITINFO1];
    uint64_t sz = info & (SVM_IOIO_SZ8 | SVM_IOIO_SZ16 | SVM_IOIO_SZ32);
    uint64_t asz = info & (SVM_IOIO_A16 | SVM_IOIO_A32 | SVM_IOIO_A64);
    /* Exactly one size bit, as the CPU writes, and for strings at most one address-size bit
     * (none from QEMU 7.2: x86_exit_string.c then reads the instruction). */
    if ((sz & (sz - 1)) || !sz || ((info & SVM_IOIO_STR) && (asz & (asz - 1))) || (info >> 32)) {
        x86_exit_fault(e, X86_WARN_IOIO, "IOIO exit with malformed EXITINFO1");
        return;
    }
    unsigned size = sz == SVM_IOIO_SZ8 ? 1 : sz == SVM_IOIO_SZ16 ? 2 : 4;
    uint16_t port = (uint16_t)(info >> SVM_IOIO_PORT_SHIFT);
    if (info & SVM_IOIO_STR) {
        x86_exit_string(e, info, port, size);
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
    x86_exit_console_access(e, port);
    vmm_reply_advance(&e->reply); /* the kernel knows the length (EXITINFO2 is next RIP) */
}
