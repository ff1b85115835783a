/* The library's last step of start-up on every arch: the program's main, then the exit. */
#include <guest/guest.h>

#include "lib.h"

void guest_run(void)
{
    int status = guest_main();
    guest_exit(status);
}
