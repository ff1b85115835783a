/* The conformance guest (docs/conformance.md): every check of its arch, in link order, run the
 * same way on bare QEMU and in a Duet partition; scripts/conform compares the two logs. */
#include <guest/check.h>
#include <guest/console.h>
#include <guest/guest.h>

#include "conform.h"

int guest_main(void)
{
    gprintf("CONFORM: %s guest, command line '%s'\n", CONFORM_ARCH, guest_cmdline());
    return check_run_all() ? 1 : 0;
}
