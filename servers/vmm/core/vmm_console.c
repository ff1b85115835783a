/* The console path between the console server and the guest's UART model: input offered to
 * the UART as far as it has room (the rest stays with the caller, in the console server's
 * ring), pulled again when the guest makes room; output passed straight on (the console
 * server assembles lines itself). */
#include "core/vmm.h"

void vmm_console_attach(struct vmm *vmm, const struct vmm_console_dev *dev)
{
    vmm->console = *dev;
}

size_t vmm_console_input(struct vmm *vmm, const uint8_t *bytes, size_t len)
{
    if (!vmm->console.receive || len == 0)
        return 0;
    size_t taken = vmm->console.receive(vmm->console.dev, bytes, len);
    if (taken > len)
        taken = len; /* a device bug must not make the caller skip bytes it never had */
    return taken;
}

void vmm_console_refill(struct vmm *vmm)
{
    if (!vmm->ops->console_read || !vmm->console.room || !vmm->console.receive)
        return;
    uint8_t buf[64];
    for (;;) {
        size_t room = vmm->console.room(vmm->console.dev);
        if (room == 0)
            return;
        size_t n = vmm->ops->console_read(vmm->ctx, buf, room < sizeof(buf) ? room : sizeof(buf));
        if (n == 0)
            return;
        if (n > sizeof(buf))
            n = sizeof(buf);
        size_t taken = vmm->console.receive(vmm->console.dev, buf, n);
        /* The device said it had room: anything it still refuses is lost, and counted. */
        if (taken < n)
            vmm->console_dropped += n - taken;
    }
}

void vmm_console_flush(struct vmm *vmm)
{
    if (vmm->out_len)
        vmm->ops->console_write(vmm->ctx, vmm->out, vmm->out_len);
    vmm->out_len = 0;
}

void vmm_console_output(struct vmm *vmm, const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        vmm->out[vmm->out_len++] = bytes[i];
        if (bytes[i] == '\n' || vmm->out_len == sizeof(vmm->out))
            vmm_console_flush(vmm);
    }
}
