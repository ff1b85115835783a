/* The radio server's policy table and its two decisions, egress (a partition's frame towards
 * the uplink) and ingress (an uplink frame towards one partition): docs/network.md, "Policy". */
#include "radio_policy.h"

#include <hv/fmt.h>
#include <string.h>

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t mask_of(unsigned len)
{
    return len ? ~0u << (32 - len) : 0;
}

static bool terminated(const char *s, size_t cap)
{
    for (size_t i = 0; i < cap; i++)
        if (!s[i])
            return true;
    return false;
}

#define FAIL(...) (fmt_snprintf(why, why_size, __VA_ARGS__), -1)

static int take_networks(struct radio_policy *pol, const struct hv_pt_net *net, char *why,
                         size_t why_size)
{
    if (net->nnetworks == 0 || net->nnetworks > RADIO_MAX_NETWORKS)
        return FAIL("%u networks (1 to %u)", net->nnetworks, RADIO_MAX_NETWORKS);
    pol->nnetworks = net->nnetworks;
    for (unsigned i = 0; i < net->nnetworks; i++) {
        const struct hv_pt_netdef *d = &net->networks[i];
        struct radio_network *w = &pol->networks[i];
        if (!terminated(d->name, sizeof(d->name)) || !d->name[0])
            return FAIL("network %u: bad name", i);
        if (d->prefix_len > 32 || (be32(d->prefix) & ~mask_of(d->prefix_len)))
            return FAIL("network '%s': bad prefix", d->name);
        memcpy(w->name, d->name, sizeof(w->name));
        w->len = d->prefix_len;
        w->mask = mask_of(d->prefix_len);
        w->prefix = be32(d->prefix);
        for (unsigned j = 0; j < i; j++)
            if (pol->networks[j].len == w->len && pol->networks[j].prefix == w->prefix)
                return FAIL("network '%s': same prefix as '%s'", w->name, pol->networks[j].name);
    }
    return 0;
}

/* Every record carries the whole list; ports built from different lists would disagree on
 * which network an address is in. */
static bool same_networks(const struct radio_policy *pol, const struct hv_pt_net *net)
{
    if (net->nnetworks != pol->nnetworks)
        return false;
    for (unsigned i = 0; i < pol->nnetworks; i++) {
        const struct hv_pt_netdef *d = &net->networks[i];
        const struct radio_network *w = &pol->networks[i];
        /* Names are NUL-padded (hv_pt_netdef), so the whole field compares. */
        if (memcmp(d->name, w->name, sizeof(d->name)) || d->prefix_len != w->len ||
            be32(d->prefix) != w->prefix)
            return false;
    }
    return true;
}

static int take_port(struct radio_policy *pol, unsigned i, const struct radio_port_spec *s,
                     char *why, size_t why_size)
{
    static const uint8_t zero[6];
    const struct hv_pt_net *net = s->net;
    struct radio_port_policy *p = &pol->port[i];
    size_t n = s->name ? strlen(s->name) : 0;
    if (n == 0 || n >= sizeof(p->name))
        return FAIL("port %u: bad partition name", i);
    memcpy(p->name, s->name, n + 1);
    if (net->kind != HV_PT_NET_IPV4)
        return FAIL("port '%s': record kind %u is not IPv4", p->name, net->kind);
    if (radio_mac_is_multicast(net->mac) || !memcmp(net->mac, zero, 6))
        return FAIL("port '%s': MAC not unicast", p->name);
    unsigned len = net->ipv4_prefix_len;
    if (len < 1 || len > 30)
        return FAIL("port '%s': address not a host address of its link", p->name);
    p->ip = be32(net->ipv4);
    p->link_mask = mask_of(len);
    if (!(p->ip & ~p->link_mask) || (p->ip | p->link_mask) == ~0u)
        return FAIL("port '%s': address not a host address of its link", p->name);
    if (net->flags)
        return FAIL("port '%s': flags 0x%x unknown", p->name, net->flags);
    if (i == 0 && take_networks(pol, net, why, why_size))
        return -1;
    if (!same_networks(pol, net))
        return FAIL("port '%s': its network list differs from port '%s''s", p->name,
                    pol->port[0].name);
    memcpy(p->mac, net->mac, 6);
    p->reach = 0;
    for (unsigned k = 0; k < net->nnetworks; k++) {
        uint8_t r = net->networks[k].reach;
        if (r != HV_PT_NET_DENY && r != HV_PT_NET_ALLOW)
            return FAIL("port '%s': network '%s': reach %u unknown", p->name, pol->networks[k].name,
                        r);
        if (r == HV_PT_NET_ALLOW)
            p->reach |= 1u << k;
    }
    for (unsigned j = 0; j < i; j++) {
        if (!memcmp(pol->port[j].mac, p->mac, 6))
            return FAIL("port '%s': same MAC as '%s'", p->name, pol->port[j].name);
        if (pol->port[j].ip == p->ip)
            return FAIL("port '%s': same address as '%s'", p->name, pol->port[j].name);
    }
    return 0;
}

int radio_policy_build(struct radio_policy *pol, const struct radio_port_spec *spec, unsigned n,
                       char *why, size_t why_size)
{
    memset(pol, 0, sizeof(*pol));
    if (n == 0 || n > RADIO_MAX_PORTS)
        return FAIL("%u ports (1 to %u)", n, RADIO_MAX_PORTS);
    for (unsigned i = 0; i < n; i++) {
        if (!spec[i].net)
            return FAIL("port %u: no record", i);
        if (take_port(pol, i, &spec[i], why, why_size))
            return -1;
    }
    pol->nports = n;
    return 0;
}

int radio_policy_network_of(const struct radio_policy *pol, uint32_t ip)
{
    int best = RADIO_NO_NETWORK;
    for (unsigned i = 0; i < pol->nnetworks; i++) {
        const struct radio_network *w = &pol->networks[i];
        if ((ip & w->mask) == w->prefix && (best < 0 || w->len > pol->networks[best].len))
            best = (int)i;
    }
    return best;
}

bool radio_policy_may_reach(const struct radio_policy *pol, unsigned port, uint32_t ip)
{
    int n = radio_policy_network_of(pol, ip);
    return n != RADIO_NO_NETWORK && (pol->port[port].reach >> n & 1u);
}

int radio_policy_port_of_mac(const struct radio_policy *pol, const uint8_t mac[6])
{
    for (unsigned i = 0; i < pol->nports; i++)
        if (!memcmp(pol->port[i].mac, mac, 6))
            return (int)i;
    return RADIO_NO_PORT;
}

int radio_policy_port_of_ip(const struct radio_policy *pol, uint32_t ip)
{
    for (unsigned i = 0; i < pol->nports; i++)
        if (pol->port[i].ip == ip)
            return (int)i;
    return RADIO_NO_PORT;
}

/* Addresses no partition may send to: limited broadcast, multicast (224/4), and the port's
 * own link's directed broadcast. */
static bool ip_is_group(const struct radio_port_policy *p, uint32_t ip)
{
    bool directed = (ip & p->link_mask) == (p->ip & p->link_mask) && (ip | p->link_mask) == ~0u;
    return ip == ~0u || (ip >> 28) == 0xe || directed;
}

/* Where a partition may send: not to another partition (nor itself), and only into a network
 * its reach set holds. */
static enum radio_drop check_destination(const struct radio_policy *pol, unsigned port, uint32_t ip)
{
    if (radio_policy_port_of_ip(pol, ip) != RADIO_NO_PORT)
        return RADIO_DROP_PEER;
    return radio_policy_may_reach(pol, port, ip) ? RADIO_PASS : RADIO_DROP_UNREACHABLE;
}

static enum radio_drop egress_arp(const struct radio_policy *pol, unsigned port,
                                  const struct radio_frame *f)
{
    const struct radio_port_policy *p = &pol->port[port];
    /* Sender IP 0 is an address probe (RFC 5227): the partition asks, claiming nothing. */
    if (memcmp(f->arp_sha, p->mac, 6) ||
        (f->arp_spa != p->ip && !(f->arp_spa == 0 && f->arp_op == RADIO_ARP_REQUEST)))
        return RADIO_DROP_SPOOF_ARP;
    if (f->arp_tpa == p->ip) /* a gratuitous announcement of its own address */
        return RADIO_PASS;
    return check_destination(pol, port, f->arp_tpa);
}

static enum radio_drop egress_ipv4(const struct radio_policy *pol, unsigned port,
                                   const struct radio_frame *f)
{
    const struct radio_port_policy *p = &pol->port[port];
    if (f->ip_src != p->ip)
        return RADIO_DROP_SPOOF_IP;
    if (radio_mac_is_multicast(f->dst_mac) || ip_is_group(p, f->ip_dst))
        return RADIO_DROP_BROADCAST;
    /* With a source route the destination field is only the first hop: a route through an
     * internet host could end in the corporate network. */
    if (f->ip_source_route)
        return RADIO_DROP_SOURCE_ROUTE;
    return check_destination(pol, port, f->ip_dst);
}

enum radio_drop radio_policy_egress(const struct radio_policy *pol, unsigned port,
                                    const struct radio_frame *f)
{
    const struct radio_port_policy *p = &pol->port[port];
    if (memcmp(f->src_mac, p->mac, 6))
        return RADIO_DROP_SPOOF_MAC;
    if (radio_policy_port_of_mac(pol, f->dst_mac) != RADIO_NO_PORT)
        return RADIO_DROP_PEER;
    /* Broadcast only for ARP; other multicast never (the link has no multicast service). */
    if (radio_mac_is_multicast(f->dst_mac) &&
        !(f->ethertype == RADIO_ETHERTYPE_ARP && radio_mac_is_broadcast(f->dst_mac)))
        return RADIO_DROP_BROADCAST;
    return f->ethertype == RADIO_ETHERTYPE_ARP ? egress_arp(pol, port, f)
                                               : egress_ipv4(pol, port, f);
}

/* Where a frame for a partition may come from: not from another partition (the carrier could
 * hairpin one), and only from a network its reach set holds. */
static enum radio_drop check_source(const struct radio_policy *pol, unsigned port, uint32_t ip)
{
    if (radio_policy_port_of_ip(pol, ip) != RADIO_NO_PORT)
        return RADIO_DROP_PEER;
    return radio_policy_may_reach(pol, port, ip) ? RADIO_PASS : RADIO_DROP_UNREACHABLE;
}

/* Which port an uplink frame is addressed to: its MAC, or for a broadcast ARP request the port
 * whose address is asked for. Other broadcasts and multicasts go to no one. */
static int ingress_port(const struct radio_policy *pol, const struct radio_frame *f,
                        enum radio_drop *why)
{
    if (radio_mac_is_broadcast(f->dst_mac) && f->ethertype == RADIO_ETHERTYPE_ARP &&
        f->arp_op == RADIO_ARP_REQUEST) {
        int port = radio_policy_port_of_ip(pol, f->arp_tpa);
        *why = port == RADIO_NO_PORT ? RADIO_DROP_NOT_FOR_PORT : RADIO_PASS;
        return port;
    }
    if (radio_mac_is_multicast(f->dst_mac)) {
        *why = RADIO_DROP_BROADCAST;
        return RADIO_NO_PORT;
    }
    int port = radio_policy_port_of_mac(pol, f->dst_mac);
    *why = port == RADIO_NO_PORT ? RADIO_DROP_NOT_FOR_PORT : RADIO_PASS;
    return port;
}

enum radio_drop radio_policy_ingress(const struct radio_policy *pol, const struct radio_frame *f,
                                     int *port)
{
    enum radio_drop why;
    *port = ingress_port(pol, f, &why);
    if (why != RADIO_PASS)
        return why;
    const struct radio_port_policy *p = &pol->port[*port];
    if (radio_policy_port_of_mac(pol, f->src_mac) != RADIO_NO_PORT)
        return RADIO_DROP_PEER;
    if (f->ethertype == RADIO_ETHERTYPE_ARP) {
        if (radio_policy_port_of_mac(pol, f->arp_sha) != RADIO_NO_PORT)
            return RADIO_DROP_PEER;
        /* A reply, or a unicast request, must be about this port's address too. */
        if (f->arp_tpa != p->ip)
            return RADIO_DROP_NOT_FOR_PORT;
        return check_source(pol, (unsigned)*port, f->arp_spa);
    }
    if (f->ip_dst != p->ip)
        return RADIO_DROP_NOT_FOR_PORT;
    /* Its reply would follow the route back (RFC 1122 3.3.5), wherever it leads. */
    if (f->ip_source_route)
        return RADIO_DROP_SOURCE_ROUTE;
    return check_source(pol, (unsigned)*port, f->ip_src);
}
