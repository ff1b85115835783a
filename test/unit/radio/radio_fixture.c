/* Frames and policies for the radio switch's tests and fuzzers (radio_fixture.h). */
#include "radio_fixture.h"

#include <string.h>

const uint8_t mac_personal[6] = {0x52, 0x54, 0x00, 0x00, 0x02, 0x0a};
const uint8_t mac_work[6] = {0x52, 0x54, 0x00, 0x00, 0x02, 0x14};
const uint8_t mac_router[6] = {0x02, 0x00, 0x5e, 0x00, 0x02, 0x01};
const uint8_t mac_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, (uint16_t)(v >> 16)), put_be16(p + 2, (uint16_t)v);
}

static void netdef(struct hv_pt_netdef *d, const char *name, uint32_t prefix, uint8_t len,
                   uint8_t reach)
{
    memset(d, 0, sizeof(*d));
    strcpy(d->name, name);
    put_be32(d->prefix, prefix);
    d->prefix_len = len;
    d->reach = reach;
}

static void record(struct hv_pt_net *n, const uint8_t mac[6], uint32_t ip, bool corporate)
{
    memset(n, 0, sizeof(*n));
    n->kind = HV_PT_NET_IPV4;
    memcpy(n->mac, mac, 6);
    n->ipv4_prefix_len = 24;
    put_be32(n->ipv4, ip);
    n->nnetworks = 2;
    netdef(&n->networks[0], "corporate", IP(198, 51, 100, 0), 24,
           corporate ? HV_PT_NET_ALLOW : HV_PT_NET_DENY);
    netdef(&n->networks[1], "internet", 0, 0, HV_PT_NET_ALLOW);
}

void fixture_records(struct hv_pt_net *personal, struct hv_pt_net *work)
{
    record(personal, mac_personal, IP_PERSONAL, false);
    record(work, mac_work, IP_WORK, true);
}

void fixture_policy(struct radio_policy *pol)
{
    static struct hv_pt_net recs[2];
    char why[128];
    fixture_records(&recs[0], &recs[1]);
    const struct radio_port_spec spec[2] = {{"personal", &recs[0]}, {"work", &recs[1]}};
    if (radio_policy_build(pol, spec, 2, why, sizeof(why)))
        __builtin_trap(); /* the fixture itself is wrong */
}

void fixture_switch(struct radio_switch *sw)
{
    static struct radio_policy pol;
    fixture_policy(&pol);
    radio_switch_init(sw, &pol);
}

size_t frame_ipv4(uint8_t *buf, size_t len, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                  uint32_t src, uint32_t dst, uint8_t proto)
{
    memset(buf, 0, len);
    memcpy(buf, dst_mac, 6);
    memcpy(buf + 6, src_mac, 6);
    put_be16(buf + 12, RADIO_ETHERTYPE_IPV4);
    uint8_t *ip = buf + RADIO_ETH_HLEN;
    ip[0] = 0x45;
    put_be16(ip + 2, (uint16_t)(len - RADIO_ETH_HLEN));
    ip[8] = 64;
    ip[9] = proto;
    put_be32(ip + 12, src);
    put_be32(ip + 16, dst);
    return len;
}

size_t frame_arp(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint16_t op,
                 const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
    memset(buf, 0, 42);
    memcpy(buf, dst_mac, 6);
    memcpy(buf + 6, src_mac, 6);
    put_be16(buf + 12, RADIO_ETHERTYPE_ARP);
    uint8_t *a = buf + RADIO_ETH_HLEN;
    put_be16(a, 1);
    put_be16(a + 2, RADIO_ETHERTYPE_IPV4);
    a[4] = 6, a[5] = 4;
    put_be16(a + 6, op);
    memcpy(a + 8, sha, 6);
    put_be32(a + 14, spa);
    memcpy(a + 18, tha, 6);
    put_be32(a + 24, tpa);
    return 42;
}
