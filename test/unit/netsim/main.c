/* netsim-unit: the network simulator's unit tests (tools/netsim, docs/network.md). */
#include "check_run.h"
#include "suites.h"

int main(void)
{
    Suite *s = suite_create("netsim");
    suite_add_tcase(s, netsim_link_tcase());
    suite_add_tcase(s, netsim_tcp_tcase());
    suite_add_tcase(s, netsim_options_tcase());
    return check_run(s);
}
