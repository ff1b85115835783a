/* Starts bench_server, the echo peer of the IPC benchmark and of the loader tests (LOAD-1,
 * TEAR-1), with the endpoint it serves in its slot BENCH_SERVER_EP_SLOT. */
#include "ktest.h"

int echo_server_start(uint64_t ep, unsigned prio)
{
    struct root_program server;
    int r = root_load_program("bench_server", &server);
    if (!r)
        r = hv_cap_copy(ep, server.cnode, BENCH_SERVER_EP_SLOT, HV_RIGHT_READ, 0);
    return r ? r : root_start_program(&server, prio, HV_SC_INHERIT);
}
