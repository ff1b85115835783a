/* The radio switch's frame parser: the fields of good ARP and IPv4 frames, and each malformed
 * shape dropped with its own reason (radio_frame.c). */
#include <check.h>
#include <string.h>

#include "check_run.h"
#include "radio_fixture.h"
#include "radio_frame.h"

static uint8_t buf[RADIO_FRAME_MAX + 64];
static struct radio_frame f;

START_TEST(arp_fields)
{
    size_t n = frame_arp(buf, mac_broadcast, mac_personal, RADIO_ARP_REQUEST, mac_personal,
                         IP_PERSONAL, mac_broadcast, IP_ROUTER);
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_PASS);
    ck_assert_mem_eq(f.dst_mac, mac_broadcast, 6);
    ck_assert_mem_eq(f.src_mac, mac_personal, 6);
    ck_assert_uint_eq(f.ethertype, RADIO_ETHERTYPE_ARP);
    ck_assert_uint_eq(f.arp_op, RADIO_ARP_REQUEST);
    ck_assert_mem_eq(f.arp_sha, mac_personal, 6);
    ck_assert_uint_eq(f.arp_spa, IP_PERSONAL);
    ck_assert_uint_eq(f.arp_tpa, IP_ROUTER);
    /* Ethernet pads ARP to 60 bytes: the padding is not a fault. */
    ck_assert_int_eq(radio_frame_parse(buf, 60, &f), RADIO_PASS);
}
END_TEST

START_TEST(ipv4_fields)
{
    size_t n = frame_ipv4(buf, 98, mac_router, mac_work, IP_WORK, IP_CORP_GW, 1);
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_PASS);
    ck_assert_uint_eq(f.ethertype, RADIO_ETHERTYPE_IPV4);
    ck_assert_uint_eq(f.ip_src, IP_WORK);
    ck_assert_uint_eq(f.ip_dst, IP_CORP_GW);
    ck_assert_uint_eq(f.ip_proto, 1);
    ck_assert_uint_eq(f.ip_header_len, 20);
    ck_assert_uint_eq(f.ip_total_len, 84);
    ck_assert_uint_eq(f.ip_frag_offset, 0);
    ck_assert(!f.ip_more_fragments);
    /* Options (IHL 6) and trailing padding are accepted; a frame of the largest size too. */
    buf[14] = 0x46;
    ck_assert_int_eq(radio_frame_parse(buf, n + 10, &f), RADIO_PASS);
    ck_assert_uint_eq(f.ip_header_len, 24);
    n = frame_ipv4(buf, RADIO_FRAME_MAX, mac_router, mac_work, IP_WORK, IP_CORP_GW, 17);
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_PASS);
}
END_TEST

/* Fragments pass (every rule reads addresses only), with their offset; one reaching past the
 * largest datagram is refused. */
START_TEST(fragments)
{
    size_t n = frame_ipv4(buf, 1514, mac_router, mac_work, IP_WORK, IP_NET_SVC, 17);
    buf[14 + 6] = 0x20; /* MF, offset 0 */
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_PASS);
    ck_assert(f.ip_more_fragments);
    buf[14 + 6] = 0x00, buf[14 + 7] = 185; /* last fragment at 1480 */
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_PASS);
    ck_assert_uint_eq(f.ip_frag_offset, 1480);
    ck_assert(!f.ip_more_fragments);
    /* 8008 * 8 + 1480 = 65544 > 65535. */
    buf[14 + 6] = 8008 >> 8, buf[14 + 7] = 8008 & 0xff;
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_DROP_IP_FRAGMENT);
    /* 8007 * 8 + 1480 = 65536: still one byte too far. */
    buf[14 + 6] = 8007 >> 8, buf[14 + 7] = 8007 & 0xff;
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_DROP_IP_FRAGMENT);
    /* The reserved flag. */
    buf[14 + 6] = 0x80, buf[14 + 7] = 0;
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_DROP_IP_HEADER);
}
END_TEST

START_TEST(runts_and_oversize)
{
    ck_assert_int_eq(radio_frame_parse(buf, 0, &f), RADIO_DROP_RUNT);
    ck_assert_int_eq(radio_frame_parse(buf, 13, &f), RADIO_DROP_RUNT);
    size_t n = frame_arp(buf, mac_broadcast, mac_personal, RADIO_ARP_REQUEST, mac_personal,
                         IP_PERSONAL, mac_broadcast, IP_ROUTER);
    for (size_t len = 14; len < n; len++)
        ck_assert_int_eq(radio_frame_parse(buf, len, &f), RADIO_DROP_RUNT);
    n = frame_ipv4(buf, 98, mac_router, mac_work, IP_WORK, IP_CORP_GW, 1);
    for (size_t len = 14; len < 34; len++)
        ck_assert_int_eq(radio_frame_parse(buf, len, &f), RADIO_DROP_RUNT);
    /* Past the IPv4 header but short of its total length: the header lies. */
    for (size_t len = 34; len < n; len++)
        ck_assert_int_eq(radio_frame_parse(buf, len, &f), RADIO_DROP_IP_HEADER);
    ck_assert_int_eq(radio_frame_parse(buf, RADIO_FRAME_MAX + 1, &f), RADIO_DROP_OVERSIZE);
    ck_assert_int_eq(radio_frame_parse(buf, 65536, &f), RADIO_DROP_OVERSIZE);
}
END_TEST

START_TEST(ethertypes)
{
    static const uint16_t others[] = {0x86dd, 0x8100, 0x88a8, 0x8035,
                                      0x0040, 0x05dc, 0x0000, 0xffff};
    size_t n = frame_ipv4(buf, 98, mac_router, mac_work, IP_WORK, IP_CORP_GW, 1);
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        buf[12] = (uint8_t)(others[i] >> 8), buf[13] = (uint8_t)others[i];
        ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_DROP_ETHERTYPE);
    }
}
END_TEST

/* Each field of ARP's fixed part changed alone. */
START_TEST(arp_format)
{
    static const struct {
        unsigned off;
        uint8_t value;
    } bad[] = {
        {14 + 1, 6},    /* hardware type 6 (IEEE 802) */
        {14 + 2, 0x86}, /* protocol type 0x8600 */
        {14 + 4, 8},    /* hardware length */
        {14 + 5, 16},   /* protocol length */
        {14 + 7, 3},    /* op 3 (RARP request) */
        {14 + 7, 0},    /* op 0 */
        {14 + 6, 1},    /* op 0x0101 */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = frame_arp(buf, mac_broadcast, mac_personal, RADIO_ARP_REQUEST, mac_personal,
                             IP_PERSONAL, mac_broadcast, IP_ROUTER);
        buf[bad[i].off] = bad[i].value;
        ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_DROP_ARP_FORMAT);
    }
}
END_TEST

START_TEST(ip_header)
{
    size_t n = frame_ipv4(buf, 98, mac_router, mac_work, IP_WORK, IP_CORP_GW, 1);
    /* Version 6 in an IPv4 ethertype, IHL 4 and 0, version 0 and 3. */
    static const uint8_t vihl[] = {0x65, 0x44, 0x40, 0x05, 0x35};
    for (size_t i = 0; i < sizeof(vihl); i++) {
        buf[14] = vihl[i];
        ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_DROP_IP_HEADER);
    }
    /* IHL 15 (60 bytes) in a 40-byte packet: the header reaches past the frame. */
    n = frame_ipv4(buf, 54, mac_router, mac_work, IP_WORK, IP_CORP_GW, 1);
    buf[14] = 0x4f;
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_DROP_IP_HEADER);
    n = frame_ipv4(buf, 98, mac_router, mac_work, IP_WORK, IP_CORP_GW, 1);
    buf[14] = 0x45;
    buf[16] = 0, buf[17] = 19; /* total length below the header's */
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_DROP_IP_HEADER);
    buf[16] = 0, buf[17] = 85; /* one byte past the frame */
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_DROP_IP_HEADER);
    buf[17] = 84;
    ck_assert_int_eq(radio_frame_parse(buf, n, &f), RADIO_PASS);
}
END_TEST

/* IPv4 options: each well-formed, a source route noted, a malformed one refused. */
START_TEST(ip_options)
{
    static const struct {
        uint8_t opt[8];
        enum radio_drop want;
        bool source_route;
    } cases[] = {
        {{1, 1, 1, 1, 1, 1, 1, 0}, RADIO_PASS, false},              /* NOPs, end of list */
        {{7, 7, 4, 0, 0, 0, 0, 0}, RADIO_PASS, false},              /* record route, then end */
        {{0x83, 7, 4, 203, 0, 113, 10, 0}, RADIO_PASS, true},       /* LSRR */
        {{1, 0x89, 6, 4, 198, 51, 0, 0}, RADIO_PASS, true},         /* NOP, SSRR (6 bytes) */
        {{7, 0, 0, 0, 0, 0, 0, 0}, RADIO_DROP_IP_HEADER, false},    /* length 0 */
        {{7, 1, 0, 0, 0, 0, 0, 0}, RADIO_DROP_IP_HEADER, false},    /* length 1 */
        {{7, 9, 4, 0, 0, 0, 0, 0}, RADIO_DROP_IP_HEADER, false},    /* past the header */
        {{1, 1, 1, 1, 1, 1, 1, 0x83}, RADIO_DROP_IP_HEADER, false}, /* no room for a length */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = frame_ipv4(buf, 106, mac_router, mac_work, IP_WORK, IP_NET_SVC, 1);
        buf[14] = 0x47; /* IHL 7: 8 bytes of options */
        memcpy(buf + 34, cases[i].opt, 8);
        ck_assert_int_eq(radio_frame_parse(buf, n, &f), cases[i].want);
        if (cases[i].want == RADIO_PASS) {
            ck_assert_uint_eq(f.ip_header_len, 28);
            ck_assert_int_eq(f.ip_source_route, cases[i].source_route);
        }
    }
}
END_TEST

START_TEST(mac_kinds)
{
    ck_assert(radio_mac_is_broadcast(mac_broadcast));
    ck_assert(radio_mac_is_multicast(mac_broadcast));
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0, 0, 1};
    ck_assert(radio_mac_is_multicast(mcast));
    ck_assert(!radio_mac_is_broadcast(mcast));
    ck_assert(!radio_mac_is_multicast(mac_personal));
    ck_assert_str_eq(radio_drop_name(RADIO_DROP_SPOOF_IP), "spoof-ip");
    ck_assert_str_eq(radio_drop_name(RADIO_DROP_COUNT), "?");
    ck_assert_str_eq(radio_drop_name((enum radio_drop) - 1), "?");
    for (int r = 0; r < RADIO_DROP_COUNT; r++)
        ck_assert_str_ne(radio_drop_name((enum radio_drop)r), "?");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("radio_frame");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, arp_fields);
    tcase_add_test(tc, ipv4_fields);
    tcase_add_test(tc, fragments);
    tcase_add_test(tc, runts_and_oversize);
    tcase_add_test(tc, ethertypes);
    tcase_add_test(tc, arp_format);
    tcase_add_test(tc, ip_header);
    tcase_add_test(tc, ip_options);
    tcase_add_test(tc, mac_kinds);
    suite_add_tcase(s, tc);
    return check_run(s);
}
