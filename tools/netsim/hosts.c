/* The simulated network's hosts and routes (hosts.h). */
#include "hosts.h"

#include "plan.h"

#include <stddef.h>

static const struct netsim_host hosts[] = {
    {NETSIM_ROUTER_IP, NETSIM_ROUTE_ROUTER, false, "router"},
    {NETSIM_INTERNET_SERVICE_IP, NETSIM_ROUTE_INTERNET, true, "internet"},
    {NETSIM_CORPORATE_GATEWAY_IP, NETSIM_ROUTE_CORPORATE, false, "corporate-gateway"},
    {NETSIM_CORPORATE_SERVICE_IP, NETSIM_ROUTE_CORPORATE, true, "corporate"},
};

enum netsim_route netsim_route_of(uint32_t ip)
{
    if (ip == NETSIM_ROUTER_IP)
        return NETSIM_ROUTE_ROUTER;
    if ((ip & NETSIM_NET_MASK24) == NETSIM_INTERNET_NET)
        return NETSIM_ROUTE_INTERNET;
    if ((ip & NETSIM_NET_MASK24) == NETSIM_CORPORATE_NET)
        return NETSIM_ROUTE_CORPORATE;
    return NETSIM_ROUTE_DROPPED;
}

const struct netsim_host *netsim_host_find(uint32_t ip)
{
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
        if (hosts[i].ip == ip)
            return &hosts[i];
    return NULL;
}
