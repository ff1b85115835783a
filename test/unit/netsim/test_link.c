/* The simulator's frame path below TCP: ARP for the router, ICMP echo on every host of the
 * plan, UDP echo and port unreachables, routes, and frames that are malformed on purpose. */
#include "frames.h"
#include "plan.h"
#include "suites.h"

#include <string.h>

static struct netsim sim;
static struct sent sent;
static struct netsim_event ev;
static uint8_t f[NETSIM_FRAME_MAX + 64];

static void setup(void)
{
    memset(&sent, 0, sizeof(sent));
    netsim_init(&sim, sent_record, &sent);
}

static void rx(size_t len)
{
    netsim_rx(&sim, f, len, 1000, &ev);
}

START_TEST(arp_for_the_router_is_answered)
{
    rx(frame_arp_request(f, NETSIM_ROUTER_IP));
    ck_assert_int_eq(ev.kind, NETSIM_KIND_ARP);
    ck_assert_int_eq(ev.route, NETSIM_ROUTE_ROUTER);
    ck_assert_int_eq(ev.verdict, NETSIM_ANSWERED);
    ck_assert_uint_eq(sent.n, 1);
    const uint8_t *r = sent.frame[0];
    ck_assert_uint_eq(sent.len[0], ETH_HLEN + ARP_LEN);
    ck_assert_mem_eq(r, guest_mac, ETH_ALEN);
    ck_assert_mem_eq(r + ETH_ALEN, router_mac_bytes, ETH_ALEN);
    ck_assert_uint_eq(wire_be16(r + 12), ETH_TYPE_ARP);
    ck_assert_uint_eq(wire_be16(r + ETH_HLEN + 6), ARP_OP_REPLY);
    ck_assert_mem_eq(r + ETH_HLEN + 8, router_mac_bytes, ETH_ALEN);
    ck_assert_uint_eq(wire_be32(r + ETH_HLEN + 14), NETSIM_ROUTER_IP);
    ck_assert_mem_eq(r + ETH_HLEN + 18, guest_mac, ETH_ALEN);
    ck_assert_uint_eq(wire_be32(r + ETH_HLEN + 24), GUEST_IP);
}
END_TEST

START_TEST(arp_for_others_and_bad_arp_get_nothing)
{
    rx(frame_arp_request(f, NETSIM_IP(192, 0, 2, 10))); /* another partition: not ours */
    ck_assert_int_eq(ev.verdict, NETSIM_IGNORED);
    ck_assert_int_eq(ev.route, NETSIM_ROUTE_DROPPED);
    size_t len = frame_arp_request(f, NETSIM_ROUTER_IP);
    rx(len - 1); /* one byte short of an ARP packet */
    ck_assert_int_eq(ev.verdict, NETSIM_SHORT);
    f[ETH_HLEN + 5] = 16; /* protocol address size 16 */
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_BAD_HEADER);
    ck_assert_uint_eq(sent.n, 0);
}
END_TEST

/* An echo to dst is answered by dst, routed to side, with id, sequence and data kept. */
static void check_echo(uint32_t dst, enum netsim_route side)
{
    setup();
    const char data[] = "duet-ping-data-0123456789";
    rx(frame_icmp_echo(f, dst, 0x1234, 7, data, sizeof(data)));
    ck_assert_int_eq(ev.kind, NETSIM_KIND_ICMP);
    ck_assert_int_eq(ev.route, side);
    ck_assert_int_eq(ev.verdict, NETSIM_ANSWERED);
    ck_assert_uint_eq(ev.src_ip, GUEST_IP);
    ck_assert_uint_eq(ev.dst_ip, dst);
    ck_assert_uint_eq(sent.n, 1);
    const uint8_t *ip = sent.frame[0] + ETH_HLEN;
    ck_assert_mem_eq(sent.frame[0], guest_mac, ETH_ALEN);
    ck_assert_uint_eq(wire_be32(ip + 12), dst);
    ck_assert_uint_eq(wire_be32(ip + 16), GUEST_IP);
    ck_assert_uint_eq(wire_fold(wire_sum(ip, IPV4_HLEN, 0)), 0);
    size_t len;
    const uint8_t *icmp = sent_l4(&sent, 0, &len);
    ck_assert_uint_eq(len, ICMP_HLEN + sizeof(data));
    ck_assert_uint_eq(icmp[0], ICMP_ECHO_REPLY);
    ck_assert_uint_eq(wire_be16(icmp + 4), 0x1234);
    ck_assert_uint_eq(wire_be16(icmp + 6), 7);
    ck_assert_mem_eq(icmp + ICMP_HLEN, data, sizeof(data));
    ck_assert_uint_eq(wire_fold(wire_sum(icmp, len, 0)), 0);
}

START_TEST(every_host_answers_echo_on_its_side)
{
    check_echo(NETSIM_ROUTER_IP, NETSIM_ROUTE_ROUTER);
    check_echo(NETSIM_CORPORATE_GATEWAY_IP, NETSIM_ROUTE_CORPORATE);
    check_echo(NETSIM_CORPORATE_SERVICE_IP, NETSIM_ROUTE_CORPORATE);
    check_echo(NETSIM_INTERNET_SERVICE_IP, NETSIM_ROUTE_INTERNET);
    ck_assert_uint_eq(sim.counters.route[NETSIM_ROUTE_INTERNET], 1);
}
END_TEST

START_TEST(unknown_hosts_and_routes)
{
    rx(frame_icmp_echo(f, NETSIM_IP(203, 0, 113, 99), 1, 1, "x", 1));
    ck_assert_int_eq(ev.route, NETSIM_ROUTE_INTERNET); /* routed there, nobody home */
    ck_assert_int_eq(ev.verdict, NETSIM_NO_HOST);
    rx(frame_icmp_echo(f, NETSIM_IP(10, 0, 0, 1), 1, 1, "x", 1));
    ck_assert_int_eq(ev.route, NETSIM_ROUTE_DROPPED);
    ck_assert_int_eq(ev.verdict, NETSIM_NO_ROUTE);
    /* Another partition on the link: the carrier does not hairpin. */
    rx(frame_icmp_echo(f, NETSIM_IP(192, 0, 2, 10), 1, 1, "x", 1));
    ck_assert_int_eq(ev.verdict, NETSIM_NO_ROUTE);
    ck_assert_uint_eq(sent.n, 0);
}
END_TEST

START_TEST(broken_icmp_and_ip_headers_are_dropped)
{
    size_t len = frame_icmp_echo(f, NETSIM_ROUTER_IP, 1, 1, "abcd", 4);
    f[len - 1] ^= 0xff; /* data changed after the ICMP checksum */
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_BAD_CHECKSUM);
    len = frame_icmp_echo(f, NETSIM_ROUTER_IP, 1, 1, "abcd", 4);
    f[ETH_HLEN + 8] = 1; /* TTL changed after the IP header checksum */
    rx(len);
    ck_assert_int_eq(ev.kind, NETSIM_KIND_IPV4_BAD);
    ck_assert_int_eq(ev.verdict, NETSIM_BAD_CHECKSUM);
    ck_assert_int_eq(ev.route, NETSIM_ROUTE_DROPPED);
    len = frame_icmp_echo(f, NETSIM_ROUTER_IP, 1, 1, "abcd", 4);
    wire_put_be16(f + ETH_HLEN + 6, 0x2000); /* more fragments */
    wire_ipv4_seal(f);
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_FRAGMENT);
    len = frame_icmp_echo(f, NETSIM_ROUTER_IP, 1, 1, "abcd", 4);
    wire_put_be16(f + ETH_HLEN + 2, 200); /* total length past the frame's end */
    wire_ipv4_seal(f);
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_SHORT);
    len = frame_icmp_echo(f, NETSIM_ROUTER_IP, 1, 1, "abcd", 4);
    f[ETH_HLEN] = 0x44; /* a header length of 16 bytes */
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_BAD_HEADER);
    len = frame_icmp_echo(f, NETSIM_ROUTER_IP, 1, 1, "abcd", 4);
    wire_put_be32(f + ETH_HLEN + 12, NETSIM_IP(224, 0, 0, 1)); /* a multicast source */
    wire_ipv4_seal(f);
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_BAD_SOURCE);
    ck_assert_uint_eq(sent.n, 0);
}
END_TEST

START_TEST(ethernet_level_drops)
{
    for (size_t len = 0; len < ETH_HLEN; len++) {
        netsim_rx(&sim, len ? f : NULL, len, 0, &ev);
        ck_assert_int_eq(ev.kind, NETSIM_KIND_MALFORMED);
        ck_assert_int_eq(ev.verdict, NETSIM_SHORT);
    }
    size_t len = frame_icmp_echo(f, NETSIM_ROUTER_IP, 1, 1, "abcd", 4);
    rx(NETSIM_FRAME_MAX + 1);
    ck_assert_int_eq(ev.verdict, NETSIM_OVERSIZED);
    f[0] = 0x33; /* an IPv6 multicast group, not the router */
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_NOT_FOR_ROUTER);
    frame_icmp_echo(f, NETSIM_ROUTER_IP, 1, 1, "abcd", 4);
    f[ETH_ALEN] |= 1; /* a group address as the source */
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_BAD_SOURCE);
    frame_icmp_echo(f, NETSIM_ROUTER_IP, 1, 1, "abcd", 4);
    wire_put_be16(f + 12, ETH_TYPE_IPV6);
    rx(len);
    ck_assert_int_eq(ev.kind, NETSIM_KIND_IPV6);
    ck_assert_int_eq(ev.verdict, NETSIM_UNSUPPORTED);
    ck_assert_uint_eq(sent.n, 0);
    ck_assert_uint_eq(sim.counters.route[NETSIM_ROUTE_DROPPED], sim.counters.rx);
}
END_TEST

START_TEST(udp_echo_on_the_service_hosts)
{
    const char data[] = "DUET-UDP-TOKEN";
    rx(frame_udp(f, NETSIM_CORPORATE_SERVICE_IP, 40000, 7, data, sizeof(data)));
    ck_assert_int_eq(ev.kind, NETSIM_KIND_UDP);
    ck_assert_uint_eq(ev.detail, 7);
    ck_assert_int_eq(ev.route, NETSIM_ROUTE_CORPORATE);
    ck_assert_int_eq(ev.verdict, NETSIM_ANSWERED);
    ck_assert_uint_eq(sent.n, 1);
    size_t len;
    const uint8_t *u = sent_l4(&sent, 0, &len);
    ck_assert_uint_eq(len, UDP_HLEN + sizeof(data));
    ck_assert_uint_eq(wire_be16(u), 7);
    ck_assert_uint_eq(wire_be16(u + 2), 40000);
    ck_assert_mem_eq(u + UDP_HLEN, data, sizeof(data));
    ck_assert_uint_eq(
        wire_l4_checksum(NETSIM_CORPORATE_SERVICE_IP, GUEST_IP, IPV4_PROTO_UDP, u, len), 0);
}
END_TEST

START_TEST(udp_closed_ports_are_unreachable)
{
    /* Port 9 on a service host, and port 7 on the router, which has no services. */
    uint32_t dst[] = {NETSIM_INTERNET_SERVICE_IP, NETSIM_ROUTER_IP};
    uint16_t port[] = {9, 7};
    for (unsigned i = 0; i < 2; i++) {
        setup();
        size_t flen = frame_udp(f, dst[i], 40001, port[i], "zz", 2);
        rx(flen);
        ck_assert_int_eq(ev.verdict, NETSIM_UNREACHABLE);
        ck_assert_uint_eq(sent.n, 1);
        size_t len;
        const uint8_t *icmp = sent_l4(&sent, 0, &len);
        ck_assert_uint_eq(icmp[0], ICMP_DEST_UNREACH);
        ck_assert_uint_eq(icmp[1], ICMP_UNREACH_PORT);
        ck_assert_uint_eq(len, ICMP_HLEN + IPV4_HLEN + 8); /* the header and 8 bytes quoted */
        ck_assert_mem_eq(icmp + ICMP_HLEN, f + ETH_HLEN, IPV4_HLEN + 8);
        ck_assert_uint_eq(wire_fold(wire_sum(icmp, len, 0)), 0);
    }
}
END_TEST

START_TEST(udp_malformed)
{
    size_t len = frame_udp(f, NETSIM_INTERNET_SERVICE_IP, 1, 7, "abc", 3);
    f[len - 1] ^= 1;
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_BAD_CHECKSUM);
    len = frame_udp(f, NETSIM_INTERNET_SERVICE_IP, 1, 7, "abc", 3);
    wire_put_be16(f + ETH_HLEN + IPV4_HLEN + 4, 200); /* UDP length past the IP payload */
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_SHORT);
    len = frame_udp(f, NETSIM_INTERNET_SERVICE_IP, 1, 7, "abc", 3);
    wire_put_be16(f + ETH_HLEN + IPV4_HLEN + 6, 0); /* no checksum: allowed over IPv4 */
    rx(len);
    ck_assert_int_eq(ev.verdict, NETSIM_ANSWERED);
    ck_assert_uint_eq(sent.n, 1);
}
END_TEST

START_TEST(other_protocols_are_unreachable)
{
    size_t len = frame_udp(f, NETSIM_INTERNET_SERVICE_IP, 1, 7, "abc", 3);
    f[ETH_HLEN + 9] = 47; /* GRE */
    wire_ipv4_seal(f);
    rx(len);
    ck_assert_int_eq(ev.kind, NETSIM_KIND_IPV4);
    ck_assert_int_eq(ev.verdict, NETSIM_UNREACHABLE);
    size_t l4len;
    const uint8_t *icmp = sent_l4(&sent, 0, &l4len);
    ck_assert_uint_eq(icmp[1], ICMP_UNREACH_PROTOCOL);
}
END_TEST

TCase *netsim_link_tcase(void)
{
    TCase *tc = tcase_create("link");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, arp_for_the_router_is_answered);
    tcase_add_test(tc, arp_for_others_and_bad_arp_get_nothing);
    tcase_add_test(tc, every_host_answers_echo_on_its_side);
    tcase_add_test(tc, unknown_hosts_and_routes);
    tcase_add_test(tc, broken_icmp_and_ip_headers_are_dropped);
    tcase_add_test(tc, ethernet_level_drops);
    tcase_add_test(tc, udp_echo_on_the_service_hosts);
    tcase_add_test(tc, udp_closed_ports_are_unreachable);
    tcase_add_test(tc, udp_malformed);
    tcase_add_test(tc, other_protocols_are_unreachable);
    return tc;
}
