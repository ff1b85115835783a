/* The evaluation harness's test guest (docs/eval.md): with eval.role=victim a partition that
 * keeps a canary and a heartbeat, else an attacker that runs the cases the harness types. */
#include <guest/guest.h>
#include <hv/cmdline.h>

#include "attack.h"

int guest_main(void)
{
    if (cmdline_has(guest_cmdline(), "eval.role=victim"))
        return victim_main();
    return attacker_main();
}
