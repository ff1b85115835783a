/* The radio switch's policy: each rule of docs/network.md through the switch, with the drop
 * counted against the right port, direction and reason; and the table's prefixes (the table
 * built from partition-table records, every malformed one refused: test_radio_records.c). */
#include <check.h>
#include <string.h>

#include "check_run.h"
#include "radio_fixture.h"

static struct radio_switch sw;
static uint8_t buf[RADIO_FRAME_MAX];
static uint8_t out[RADIO_FRAME_MAX];

static void setup(void)
{
    fixture_switch(&sw);
}

/* port sends a 98-byte ICMP frame from (mac, ip) to (dst_mac, dst). */
static enum radio_drop send_ip(unsigned port, const uint8_t mac[6], uint32_t ip,
                               const uint8_t dst_mac[6], uint32_t dst)
{
    size_t n = frame_ipv4(buf, 98, dst_mac, mac, ip, dst, 1);
    return radio_switch_from_partition(&sw, port, buf, n);
}

static enum radio_drop send_arp(unsigned port, const uint8_t eth_src[6], uint16_t op,
                                const uint8_t sha[6], uint32_t spa, uint32_t tpa)
{
    static const uint8_t zero[6];
    size_t n = frame_arp(buf, mac_broadcast, eth_src, op, sha, spa, zero, tpa);
    return radio_switch_from_partition(&sw, port, buf, n);
}

static uint64_t in_drops(unsigned port, enum radio_drop why)
{
    return radio_switch_counters(&sw, port)->in_drops[why];
}

static uint64_t out_drops(unsigned port, enum radio_drop why)
{
    return radio_switch_counters(&sw, port)->out_drops[why];
}

/* The frame the uplink would send next is the one just sent, byte for byte. */
static void assert_on_uplink(size_t len)
{
    ck_assert_uint_eq(radio_switch_next_for(&sw, RADIO_UPLINK, out, sizeof(out)), len);
    ck_assert_mem_eq(out, buf, len);
}

START_TEST(work_reaches_corporate_and_internet)
{
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP_CORP_GW), RADIO_PASS);
    assert_on_uplink(98);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP_CORP_SVC), RADIO_PASS);
    assert_on_uplink(98);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP_NET_SVC), RADIO_PASS);
    assert_on_uplink(98);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP_ROUTER), RADIO_PASS);
    assert_on_uplink(98);
    ck_assert_uint_eq(radio_switch_counters(&sw, PORT_WORK)->in_frames, 4);
    ck_assert_uint_eq(radio_switch_counters(&sw, RADIO_UPLINK)->out_frames, 4);
}
END_TEST

START_TEST(personal_reaches_internet_only)
{
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_personal, IP_PERSONAL, mac_router, IP_NET_SVC),
                     RADIO_PASS);
    assert_on_uplink(98);
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_personal, IP_PERSONAL, mac_router, IP_CORP_GW),
                     RADIO_DROP_UNREACHABLE);
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_personal, IP_PERSONAL, mac_router, IP_CORP_SVC),
                     RADIO_DROP_UNREACHABLE);
    /* Asking the link for a corporate address is the same attempt. */
    ck_assert_int_eq(send_arp(PORT_PERSONAL, mac_personal, RADIO_ARP_REQUEST, mac_personal,
                              IP_PERSONAL, IP_CORP_SVC),
                     RADIO_DROP_UNREACHABLE);
    ck_assert_uint_eq(in_drops(PORT_PERSONAL, RADIO_DROP_UNREACHABLE), 3);
    ck_assert_uint_eq(in_drops(PORT_WORK, RADIO_DROP_UNREACHABLE), 0);
    ck_assert_uint_eq(radio_switch_queued(&sw, RADIO_UPLINK), 0);
}
END_TEST

START_TEST(spoofing)
{
    /* Work's MAC as source (whatever the IP). */
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_work, IP_WORK, mac_router, IP_CORP_GW),
                     RADIO_DROP_SPOOF_MAC);
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_work, IP_PERSONAL, mac_router, IP_NET_SVC),
                     RADIO_DROP_SPOOF_MAC);
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_router, IP_PERSONAL, mac_router, IP_NET_SVC),
                     RADIO_DROP_SPOOF_MAC);
    /* Its own MAC, another IP: work's, the router's, an unused one, 0. */
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_personal, IP_WORK, mac_router, IP_CORP_GW),
                     RADIO_DROP_SPOOF_IP);
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_personal, IP_ROUTER, mac_router, IP_NET_SVC),
                     RADIO_DROP_SPOOF_IP);
    ck_assert_int_eq(
        send_ip(PORT_PERSONAL, mac_personal, IP(192, 0, 2, 11), mac_router, IP_NET_SVC),
        RADIO_DROP_SPOOF_IP);
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_personal, 0, mac_router, IP_NET_SVC),
                     RADIO_DROP_SPOOF_IP);
    /* ARP: sender MAC or sender IP not its own, with its own Ethernet source. */
    ck_assert_int_eq(
        send_arp(PORT_PERSONAL, mac_personal, RADIO_ARP_REQUEST, mac_work, IP_PERSONAL, IP_ROUTER),
        RADIO_DROP_SPOOF_ARP);
    ck_assert_int_eq(
        send_arp(PORT_PERSONAL, mac_personal, RADIO_ARP_REPLY, mac_personal, IP_WORK, IP_ROUTER),
        RADIO_DROP_SPOOF_ARP);
    ck_assert_int_eq(
        send_arp(PORT_PERSONAL, mac_personal, RADIO_ARP_REPLY, mac_personal, IP_ROUTER, IP_ROUTER),
        RADIO_DROP_SPOOF_ARP);
    /* A probe (sender IP 0) may ask; a reply claiming 0 may not. */
    ck_assert_int_eq(
        send_arp(PORT_PERSONAL, mac_personal, RADIO_ARP_REQUEST, mac_personal, 0, IP_ROUTER),
        RADIO_PASS);
    ck_assert_int_eq(
        send_arp(PORT_PERSONAL, mac_personal, RADIO_ARP_REPLY, mac_personal, 0, IP_ROUTER),
        RADIO_DROP_SPOOF_ARP);
    ck_assert_uint_eq(in_drops(PORT_PERSONAL, RADIO_DROP_SPOOF_MAC), 3);
    ck_assert_uint_eq(in_drops(PORT_PERSONAL, RADIO_DROP_SPOOF_IP), 4);
    ck_assert_uint_eq(in_drops(PORT_PERSONAL, RADIO_DROP_SPOOF_ARP), 4);
    ck_assert_uint_eq(radio_switch_queued(&sw, RADIO_UPLINK), 1);
    /* The honest ARP request passes, and the gratuitous announcement of its own address. */
    ck_assert_int_eq(send_arp(PORT_PERSONAL, mac_personal, RADIO_ARP_REQUEST, mac_personal,
                              IP_PERSONAL, IP_ROUTER),
                     RADIO_PASS);
    ck_assert_int_eq(send_arp(PORT_PERSONAL, mac_personal, RADIO_ARP_REQUEST, mac_personal,
                              IP_PERSONAL, IP_PERSONAL),
                     RADIO_PASS);
}
END_TEST

START_TEST(partitions_never_reach_each_other)
{
    /* Straight to work's MAC, to work's IP through the router, to its own. */
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_personal, IP_PERSONAL, mac_work, IP_WORK),
                     RADIO_DROP_PEER);
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_personal, IP_PERSONAL, mac_work, IP_NET_SVC),
                     RADIO_DROP_PEER);
    ck_assert_int_eq(send_ip(PORT_PERSONAL, mac_personal, IP_PERSONAL, mac_router, IP_WORK),
                     RADIO_DROP_PEER);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP_PERSONAL),
                     RADIO_DROP_PEER);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_work, IP_NET_SVC), RADIO_DROP_PEER);
    /* Nor may it ask who work is. */
    ck_assert_int_eq(send_arp(PORT_PERSONAL, mac_personal, RADIO_ARP_REQUEST, mac_personal,
                              IP_PERSONAL, IP_WORK),
                     RADIO_DROP_PEER);
    ck_assert_uint_eq(in_drops(PORT_PERSONAL, RADIO_DROP_PEER), 4);
    ck_assert_uint_eq(in_drops(PORT_WORK, RADIO_DROP_PEER), 2);
    ck_assert_uint_eq(radio_switch_queued(&sw, RADIO_UPLINK), 0);
    ck_assert_uint_eq(radio_switch_queued(&sw, PORT_WORK), 0);
    ck_assert_uint_eq(radio_switch_queued(&sw, PORT_PERSONAL), 0);
}
END_TEST

START_TEST(egress_broadcasts)
{
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_broadcast, IP(255, 255, 255, 255)),
                     RADIO_DROP_BROADCAST);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP(255, 255, 255, 255)),
                     RADIO_DROP_BROADCAST);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP(192, 0, 2, 255)),
                     RADIO_DROP_BROADCAST);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mcast, IP(224, 0, 0, 1)),
                     RADIO_DROP_BROADCAST);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_broadcast, IP_NET_SVC),
                     RADIO_DROP_BROADCAST);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP(239, 1, 2, 3)),
                     RADIO_DROP_BROADCAST);
    /* ARP to a multicast MAC that is not broadcast. */
    size_t n =
        frame_arp(buf, mcast, mac_work, RADIO_ARP_REQUEST, mac_work, IP_WORK, mac_work, IP_ROUTER);
    ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_WORK, buf, n), RADIO_DROP_BROADCAST);
    ck_assert_uint_eq(in_drops(PORT_WORK, RADIO_DROP_BROADCAST), 7);
    /* Broadcast ARP for the router is how the link works. */
    ck_assert_int_eq(send_arp(PORT_WORK, mac_work, RADIO_ARP_REQUEST, mac_work, IP_WORK, IP_ROUTER),
                     RADIO_PASS);
    assert_on_uplink(42);
}
END_TEST

/* Frames from the uplink: to the port whose MAC it is, ARP broadcasts to the port asked for,
 * and only from networks the port may reach. */
static enum radio_drop receive(const uint8_t *frame, size_t n, unsigned *port)
{
    return radio_switch_from_uplink(&sw, frame, n, port);
}

START_TEST(ingress_delivery)
{
    unsigned port;
    size_t n = frame_ipv4(buf, 98, mac_personal, mac_router, IP_NET_SVC, IP_PERSONAL, 1);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_PASS);
    ck_assert_uint_eq(port, PORT_PERSONAL);
    ck_assert_uint_eq(radio_switch_next_for(&sw, PORT_PERSONAL, out, sizeof(out)), 98);
    ck_assert_mem_eq(out, buf, 98);
    ck_assert_uint_eq(radio_switch_next_for(&sw, PORT_WORK, out, sizeof(out)), 0);

    /* The router asks for work's address: work alone gets it. */
    static const uint8_t zero[6];
    n = frame_arp(buf, mac_broadcast, mac_router, RADIO_ARP_REQUEST, mac_router, IP_ROUTER, zero,
                  IP_WORK);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_PASS);
    ck_assert_uint_eq(port, PORT_WORK);
    ck_assert_uint_eq(radio_switch_queued(&sw, PORT_WORK), 1);
    ck_assert_uint_eq(radio_switch_queued(&sw, PORT_PERSONAL), 0);
    /* ... and its reply to work's ARP. */
    n = frame_arp(buf, mac_work, mac_router, RADIO_ARP_REPLY, mac_router, IP_ROUTER, mac_work,
                  IP_WORK);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_PASS);
    ck_assert_uint_eq(port, PORT_WORK);
    /* A corporate reply for work. */
    n = frame_ipv4(buf, 98, mac_work, mac_router, IP_CORP_SVC, IP_WORK, 1);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_PASS);
    ck_assert_uint_eq(radio_switch_queued(&sw, PORT_WORK), 3);
}
END_TEST

START_TEST(ingress_refusals)
{
    unsigned port;
    static const uint8_t zero[6], stranger[6] = {0x52, 0x54, 0, 0, 2, 0x63};
    /* A corporate reply for personal, though it arrived. */
    size_t n = frame_ipv4(buf, 98, mac_personal, mac_router, IP_CORP_SVC, IP_PERSONAL, 1);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_UNREACHABLE);
    ck_assert_uint_eq(port, PORT_PERSONAL);
    ck_assert_uint_eq(out_drops(PORT_PERSONAL, RADIO_DROP_UNREACHABLE), 1);
    /* A corporate host's ARP for personal. */
    n = frame_arp(buf, mac_broadcast, mac_router, RADIO_ARP_REQUEST, mac_router, IP_CORP_GW, zero,
                  IP_PERSONAL);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_UNREACHABLE);
    ck_assert_uint_eq(out_drops(PORT_PERSONAL, RADIO_DROP_UNREACHABLE), 2);
    /* Work's frames hairpinned by the carrier: by MAC, by IP, by ARP sender. */
    n = frame_ipv4(buf, 98, mac_personal, mac_work, IP_WORK, IP_PERSONAL, 1);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_PEER);
    n = frame_ipv4(buf, 98, mac_personal, mac_router, IP_WORK, IP_PERSONAL, 1);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_PEER);
    n = frame_arp(buf, mac_broadcast, mac_router, RADIO_ARP_REQUEST, mac_work, IP_ROUTER, zero,
                  IP_PERSONAL);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_PEER);
    n = frame_arp(buf, mac_broadcast, mac_router, RADIO_ARP_REQUEST, mac_router, IP_WORK, zero,
                  IP_PERSONAL);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_PEER);
    ck_assert_uint_eq(out_drops(PORT_PERSONAL, RADIO_DROP_PEER), 4);
    /* Personal's MAC, another address: not for it. An ARP reply about work's address to it. */
    n = frame_ipv4(buf, 98, mac_personal, mac_router, IP_NET_SVC, IP_WORK, 1);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_NOT_FOR_PORT);
    ck_assert_uint_eq(port, PORT_PERSONAL);
    n = frame_arp(buf, mac_personal, mac_router, RADIO_ARP_REPLY, mac_router, IP_ROUTER,
                  mac_personal, IP_WORK);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_NOT_FOR_PORT);
    ck_assert_uint_eq(out_drops(PORT_PERSONAL, RADIO_DROP_NOT_FOR_PORT), 2);
    /* To no port: an unknown MAC, an ARP for an address no one has, IPv4 broadcast, multicast;
     * counted against the uplink. */
    n = frame_ipv4(buf, 98, stranger, mac_router, IP_NET_SVC, IP(192, 0, 2, 99), 1);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_NOT_FOR_PORT);
    ck_assert_uint_eq(port, RADIO_UPLINK);
    n = frame_arp(buf, mac_broadcast, mac_router, RADIO_ARP_REQUEST, mac_router, IP_ROUTER, zero,
                  IP(192, 0, 2, 99));
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_NOT_FOR_PORT);
    n = frame_ipv4(buf, 98, mac_broadcast, mac_router, IP_ROUTER, IP(255, 255, 255, 255), 17);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_BROADCAST);
    ck_assert_uint_eq(port, RADIO_UPLINK);
    n = frame_arp(buf, mac_broadcast, mac_router, RADIO_ARP_REPLY, mac_router, IP_ROUTER,
                  mac_broadcast, IP_PERSONAL);
    ck_assert_int_eq(receive(buf, n, &port), RADIO_DROP_BROADCAST);
    /* Malformed from the uplink: counted there too. */
    ck_assert_int_eq(receive(buf, 10, &port), RADIO_DROP_RUNT);
    ck_assert_uint_eq(port, RADIO_UPLINK);
    ck_assert_uint_eq(in_drops(RADIO_UPLINK, RADIO_DROP_NOT_FOR_PORT), 2);
    ck_assert_uint_eq(in_drops(RADIO_UPLINK, RADIO_DROP_BROADCAST), 2);
    ck_assert_uint_eq(in_drops(RADIO_UPLINK, RADIO_DROP_RUNT), 1);
    ck_assert_uint_eq(radio_switch_queued(&sw, PORT_PERSONAL), 0);
    ck_assert_uint_eq(radio_switch_queued(&sw, PORT_WORK), 0);
}
END_TEST

/* A loose source route through an internet host could end in the corporate network: refused
 * both ways, whatever the destination field says. */
START_TEST(source_routes)
{
    size_t n = frame_ipv4(buf, 106, mac_router, mac_personal, IP_PERSONAL, IP_NET_SVC, 1);
    static const uint8_t lsrr[8] = {0x83, 7, 4, 198, 51, 100, 10, 0};
    buf[14] = 0x47;
    memcpy(buf + 34, lsrr, 8);
    ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_PERSONAL, buf, n),
                     RADIO_DROP_SOURCE_ROUTE);
    ck_assert_uint_eq(in_drops(PORT_PERSONAL, RADIO_DROP_SOURCE_ROUTE), 1);
    unsigned port;
    n = frame_ipv4(buf, 106, mac_work, mac_router, IP_NET_SVC, IP_WORK, 1);
    buf[14] = 0x47;
    memcpy(buf + 34, lsrr, 8);
    ck_assert_int_eq(radio_switch_from_uplink(&sw, buf, n, &port), RADIO_DROP_SOURCE_ROUTE);
    ck_assert_uint_eq(out_drops(PORT_WORK, RADIO_DROP_SOURCE_ROUTE), 1);
    /* Other options pass (record route). */
    buf[34] = 7;
    ck_assert_int_eq(radio_switch_from_uplink(&sw, buf, n, &port), RADIO_PASS);
}
END_TEST

/* Malformed frames from a partition: dropped with the parser's reason, counted on the port. */
START_TEST(malformed_from_partition)
{
    ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_WORK, buf, 0), RADIO_DROP_RUNT);
    size_t n = frame_ipv4(buf, 98, mac_router, mac_work, IP_WORK, IP_NET_SVC, 1);
    buf[14] = 0x44;
    ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_WORK, buf, n), RADIO_DROP_IP_HEADER);
    buf[12] = 0x86, buf[13] = 0xdd;
    ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_WORK, buf, n), RADIO_DROP_ETHERTYPE);
    static uint8_t big[RADIO_FRAME_MAX + 1];
    ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_WORK, big, sizeof(big)),
                     RADIO_DROP_OVERSIZE);
    ck_assert_uint_eq(in_drops(PORT_WORK, RADIO_DROP_RUNT), 1);
    ck_assert_uint_eq(in_drops(PORT_WORK, RADIO_DROP_IP_HEADER), 1);
    ck_assert_uint_eq(in_drops(PORT_WORK, RADIO_DROP_ETHERTYPE), 1);
    ck_assert_uint_eq(in_drops(PORT_WORK, RADIO_DROP_OVERSIZE), 1);
    ck_assert_uint_eq(radio_switch_counters(&sw, PORT_WORK)->in_frames, 4);
    /* A port the policy does not have is the caller's mistake: nothing queued or counted. */
    ck_assert_int_ne(radio_switch_from_partition(&sw, 2, buf, n), RADIO_PASS);
    ck_assert_int_ne(radio_switch_from_partition(&sw, RADIO_UPLINK, buf, n), RADIO_PASS);
    ck_assert_uint_eq(radio_switch_queued(&sw, RADIO_UPLINK), 0);
}
END_TEST

START_TEST(drop_log_line)
{
    char line[256];
    send_ip(PORT_PERSONAL, mac_personal, IP_PERSONAL, mac_router, IP_CORP_GW);
    send_ip(PORT_PERSONAL, mac_personal, IP_PERSONAL, mac_router, IP_CORP_SVC);
    send_ip(PORT_PERSONAL, mac_personal, IP_WORK, mac_router, IP_NET_SVC);
    unsigned port;
    size_t n = frame_ipv4(buf, 98, mac_personal, mac_router, IP_CORP_SVC, IP_PERSONAL, 1);
    radio_switch_from_uplink(&sw, buf, n, &port);
    radio_switch_format_drops(&sw, PORT_PERSONAL, line, sizeof(line));
    ck_assert_str_eq(line, "personal: in 3 dropped (spoof-ip 1, unreachable 2), out 1 dropped "
                           "(unreachable 1)");
    radio_switch_format_drops(&sw, PORT_WORK, line, sizeof(line));
    ck_assert_str_eq(line, "work: in 0 dropped, out 0 dropped");
    radio_switch_format_drops(&sw, RADIO_UPLINK, line, sizeof(line));
    ck_assert_str_eq(line, "uplink: in 0 dropped, out 0 dropped");
    /* Truncation keeps the string terminated and reports the full length. */
    int full = radio_switch_format_drops(&sw, PORT_PERSONAL, line, 12);
    ck_assert_int_eq(full, 81);
    ck_assert_str_eq(line, "personal: i");
}
END_TEST

/* Most specific prefix wins, whatever the order: personal may reach 198.51.0.0/16 ("lab") and
 * the internet, but not corporate 198.51.100.0/24 inside the lab. */
START_TEST(most_specific_prefix)
{
    struct hv_pt_net p, w;
    fixture_records(&p, &w);
    for (int order = 0; order < 2; order++) {
        struct hv_pt_net *recs[2] = {&p, &w};
        for (int r = 0; r < 2; r++) {
            struct hv_pt_netdef *d = &recs[r]->networks[2];
            memset(d, 0, sizeof(*d));
            strcpy(d->name, "lab");
            d->prefix[0] = 198, d->prefix[1] = 51;
            d->prefix_len = 16;
            d->reach = HV_PT_NET_ALLOW;
            recs[r]->nnetworks = 3;
            if (order) { /* the /16 first, the /24 last */
                struct hv_pt_netdef t = recs[r]->networks[0];
                recs[r]->networks[0] = recs[r]->networks[2];
                recs[r]->networks[2] = t;
            }
        }
        struct radio_policy pol;
        char why[128];
        const struct radio_port_spec spec[2] = {{"personal", &p}, {"work", &w}};
        ck_assert_int_eq(radio_policy_build(&pol, spec, 2, why, sizeof(why)), 0);
        ck_assert(!radio_policy_may_reach(&pol, PORT_PERSONAL, IP_CORP_SVC));
        ck_assert(radio_policy_may_reach(&pol, PORT_PERSONAL, IP(198, 51, 7, 7)));
        ck_assert(radio_policy_may_reach(&pol, PORT_PERSONAL, IP_NET_SVC));
        ck_assert(radio_policy_may_reach(&pol, PORT_WORK, IP_CORP_SVC));
        ck_assert_str_eq(pol.networks[radio_policy_network_of(&pol, IP_CORP_SVC)].name,
                         "corporate");
        ck_assert_str_eq(pol.networks[radio_policy_network_of(&pol, IP(198, 51, 0, 1))].name,
                         "lab");
        ck_assert_str_eq(pol.networks[radio_policy_network_of(&pol, IP(8, 8, 8, 8))].name,
                         "internet");
        fixture_records(&p, &w);
    }
}
END_TEST

/* Without an internet network, an address in no network is unreachable for everyone. */
START_TEST(no_network_is_unreachable)
{
    struct hv_pt_net p, w;
    fixture_records(&p, &w);
    p.nnetworks = w.nnetworks = 1; /* corporate only */
    memset(&p.networks[1], 0, sizeof(p.networks[1]));
    memset(&w.networks[1], 0, sizeof(w.networks[1]));
    struct radio_policy pol;
    char why[128];
    const struct radio_port_spec spec[2] = {{"personal", &p}, {"work", &w}};
    ck_assert_int_eq(radio_policy_build(&pol, spec, 2, why, sizeof(why)), 0);
    ck_assert_int_eq(radio_policy_network_of(&pol, IP_NET_SVC), RADIO_NO_NETWORK);
    ck_assert(!radio_policy_may_reach(&pol, PORT_WORK, IP_NET_SVC));
    ck_assert(radio_policy_may_reach(&pol, PORT_WORK, IP_CORP_SVC));
    radio_switch_init(&sw, &pol);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP_NET_SVC),
                     RADIO_DROP_UNREACHABLE);
}
END_TEST

/* A partition kept off the internet still reaches the router through a network for the link
 * (docs/network.md): work with corporate and link 192.0.2.0/24, not internet. */
START_TEST(link_network_without_internet)
{
    struct hv_pt_net p, w;
    fixture_records(&p, &w);
    struct hv_pt_net *recs[2] = {&p, &w};
    for (int r = 0; r < 2; r++) {
        struct hv_pt_netdef *d = &recs[r]->networks[2];
        memset(d, 0, sizeof(*d));
        strcpy(d->name, "link");
        d->prefix[0] = 192, d->prefix[1] = 0, d->prefix[2] = 2;
        d->prefix_len = 24;
        d->reach = HV_PT_NET_ALLOW;
        recs[r]->nnetworks = 3;
    }
    w.networks[1].reach = HV_PT_NET_DENY; /* work: no internet */
    struct radio_policy pol;
    char why[128];
    const struct radio_port_spec spec[2] = {{"personal", &p}, {"work", &w}};
    ck_assert_int_eq(radio_policy_build(&pol, spec, 2, why, sizeof(why)), 0);
    radio_switch_init(&sw, &pol);
    ck_assert_int_eq(send_arp(PORT_WORK, mac_work, RADIO_ARP_REQUEST, mac_work, IP_WORK, IP_ROUTER),
                     RADIO_PASS);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP_ROUTER), RADIO_PASS);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP_CORP_SVC), RADIO_PASS);
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP_NET_SVC),
                     RADIO_DROP_UNREACHABLE);
    unsigned port;
    size_t n = frame_arp(buf, mac_work, mac_router, RADIO_ARP_REPLY, mac_router, IP_ROUTER,
                         mac_work, IP_WORK);
    ck_assert_int_eq(radio_switch_from_uplink(&sw, buf, n, &port), RADIO_PASS);
    n = frame_ipv4(buf, 98, mac_work, mac_router, IP_NET_SVC, IP_WORK, 1);
    ck_assert_int_eq(radio_switch_from_uplink(&sw, buf, n, &port), RADIO_DROP_UNREACHABLE);
    /* Partitions are still never each other's, though both are in the link network. */
    ck_assert_int_eq(send_ip(PORT_WORK, mac_work, IP_WORK, mac_router, IP_PERSONAL),
                     RADIO_DROP_PEER);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("radio_policy");
    TCase *tc = tcase_create("rules");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, work_reaches_corporate_and_internet);
    tcase_add_test(tc, personal_reaches_internet_only);
    tcase_add_test(tc, spoofing);
    tcase_add_test(tc, partitions_never_reach_each_other);
    tcase_add_test(tc, egress_broadcasts);
    tcase_add_test(tc, ingress_delivery);
    tcase_add_test(tc, ingress_refusals);
    tcase_add_test(tc, source_routes);
    tcase_add_test(tc, malformed_from_partition);
    tcase_add_test(tc, drop_log_line);
    suite_add_tcase(s, tc);
    tc = tcase_create("table");
    tcase_add_test(tc, most_specific_prefix);
    tcase_add_test(tc, no_network_is_unreachable);
    tcase_add_test(tc, link_network_without_internet);
    suite_add_tcase(s, tc);
    return check_run(s);
}
