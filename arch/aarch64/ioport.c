/* AArch64 has no I/O-port space (devices are memory-mapped): the ioport calls answer
 * HV_ENOSYS, and the access hooks are never reached. */
#include <arch_core.h>
#include <kernel/assert.h>

bool arch_has_ioports(void)
{
    return false;
}

bool arch_ioport_reserved(unsigned port)
{
    (void)port;
    return true;
}

uint32_t arch_ioport_in(unsigned port, unsigned size)
{
    (void)port, (void)size;
    assert(!"no port I/O on AArch64");
    return 0;
}

void arch_ioport_out(unsigned port, unsigned size, uint32_t v)
{
    (void)port, (void)size, (void)v;
    assert(!"no port I/O on AArch64");
}
