/* The simulator's TCP: handshake, echo, FIN from either side, RST for closed ports and
 * strangers, the bounded table, windows, retransmission and expiry. */
#include "frames.h"
#include "plan.h"
#include "suites.h"

#include <string.h>

static struct netsim sim;
static struct sent sent;
static struct netsim_event ev;
static uint8_t f[NETSIM_FRAME_MAX];
static uint64_t now;

static const uint32_t inet = NETSIM_INTERNET_SERVICE_IP;

struct seg {
    uint16_t sport, dport, window;
    uint32_t seq, ack;
    uint8_t flags;
    const uint8_t *data;
    size_t len;
};

static void setup(void)
{
    memset(&sent, 0, sizeof(sent));
    netsim_init(&sim, sent_record, &sent);
    now = 1000;
}

static struct seg sent_seg(unsigned i)
{
    ck_assert_uint_lt(i, sent.n);
    size_t len;
    const uint8_t *t = sent_l4(&sent, i, &len);
    ck_assert_uint_eq(wire_be16(sent.frame[i] + 12), ETH_TYPE_IPV4);
    ck_assert_uint_eq(sent.frame[i][ETH_HLEN + 9], IPV4_PROTO_TCP);
    uint32_t src = wire_be32(sent.frame[i] + ETH_HLEN + 12);
    ck_assert_uint_eq(wire_l4_checksum(src, GUEST_IP, IPV4_PROTO_TCP, t, len), 0);
    size_t hlen = (size_t)(t[12] >> 4) * 4;
    struct seg s = {wire_be16(t),     wire_be16(t + 2), wire_be16(t + 14),
                    wire_be32(t + 4), wire_be32(t + 8), t[13],
                    t + hlen,         len - hlen};
    return s;
}

static void send_tcp(uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                     uint8_t flags, const void *data, size_t len)
{
    netsim_rx(&sim, f, frame_tcp(f, dst, sport, dport, seq, ack, flags, 65535, data, len), now,
              &ev);
}

/* Opens a connection from guest port sport to dst:dport (guest ISN 1000); returns our ISN.
 * The sent frames are cleared afterwards. */
static uint32_t open_conn(uint32_t dst, uint16_t sport, uint16_t dport)
{
    send_tcp(dst, sport, dport, 1000, 0, TCP_SYN, NULL, 0);
    ck_assert_int_eq(ev.verdict, NETSIM_ANSWERED);
    ck_assert_uint_eq(sent.n, 1);
    struct seg s = sent_seg(0);
    ck_assert_uint_eq(s.flags, TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(s.ack, 1001);
    ck_assert_uint_eq(s.sport, dport);
    ck_assert_uint_eq(s.dport, sport);
    uint32_t iss = s.seq;
    sent.n = 0;
    send_tcp(dst, sport, dport, 1001, iss + 1, TCP_ACK, NULL, 0);
    return iss;
}

START_TEST(syn_ack_carries_an_mss_option)
{
    send_tcp(inet, 5000, 7, 77, 0, TCP_SYN, NULL, 0);
    size_t len;
    const uint8_t *t = sent_l4(&sent, 0, &len);
    ck_assert_uint_eq(t[12] >> 4, 6);
    ck_assert_uint_eq(t[20], 2);
    ck_assert_uint_eq(t[21], 4);
    ck_assert_uint_eq(wire_be16(t + 22), TCP_MSS);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 1);
}
END_TEST

START_TEST(echo_then_close_from_the_guest)
{
    uint32_t iss = open_conn(inet, 5001, 7);
    ck_assert_int_eq(ev.verdict, NETSIM_ACCEPTED); /* the handshake's ACK needs no answer */
    ck_assert_uint_eq(sent.n, 0);
    send_tcp(inet, 5001, 7, 1001, iss + 1, TCP_ACK | TCP_PSH, "hello\n", 6);
    ck_assert_int_eq(ev.verdict, NETSIM_ANSWERED);
    ck_assert_uint_eq(sent.n, 1);
    struct seg s = sent_seg(0);
    ck_assert_uint_eq(s.seq, iss + 1);
    ck_assert_uint_eq(s.ack, 1007);
    ck_assert_uint_eq(s.len, 6);
    ck_assert_mem_eq(s.data, "hello\n", 6);
    ck_assert_uint_eq(s.window, TCP_BUF_SIZE - 6); /* the echo holds it until it is acked */
    /* The guest acks the echo and closes: we ack its FIN and send ours. */
    sent.n = 0;
    send_tcp(inet, 5001, 7, 1007, iss + 7, TCP_ACK | TCP_FIN, NULL, 0);
    ck_assert_uint_eq(sent.n, 1);
    s = sent_seg(0);
    ck_assert_uint_eq(s.flags, TCP_FIN | TCP_ACK);
    ck_assert_uint_eq(s.seq, iss + 7);
    ck_assert_uint_eq(s.ack, 1008);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 1);
    send_tcp(inet, 5001, 7, 1008, iss + 8, TCP_ACK, NULL, 0);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 0); /* both closed: the slot is free */
}
END_TEST

START_TEST(banner_service_closes_first)
{
    uint32_t iss = open_conn(NETSIM_CORPORATE_SERVICE_IP, 5002, NETSIM_PORT_BANNER);
    ck_assert_uint_eq(sent.n, 2); /* the banner, then our FIN */
    struct seg s = sent_seg(0);
    const char *text = "DUET-NETSIM hello from the corporate service\r\n";
    ck_assert_uint_eq(s.len, strlen(text));
    ck_assert_mem_eq(s.data, text, s.len);
    struct seg fin = sent_seg(1);
    ck_assert_uint_eq(fin.flags, TCP_FIN | TCP_ACK);
    ck_assert_uint_eq(fin.seq, iss + 1 + (uint32_t)s.len);
    /* The guest acks everything and closes too. */
    send_tcp(NETSIM_CORPORATE_SERVICE_IP, 5002, 17, 1001, fin.seq + 1, TCP_ACK | TCP_FIN, NULL, 0);
    ck_assert_uint_eq(sent_seg(sent.n - 1).ack, 1002);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 0);
}
END_TEST

START_TEST(closed_ports_and_strangers_get_rst)
{
    send_tcp(inet, 5003, 23, 500, 0, TCP_SYN, NULL, 0);
    ck_assert_int_eq(ev.verdict, NETSIM_UNREACHABLE);
    struct seg s = sent_seg(0);
    ck_assert_uint_eq(s.flags, TCP_RST | TCP_ACK);
    ck_assert_uint_eq(s.ack, 501);
    /* The router and the corporate gateway have no TCP services. */
    send_tcp(NETSIM_ROUTER_IP, 5003, 7, 500, 0, TCP_SYN, NULL, 0);
    ck_assert_int_eq(ev.verdict, NETSIM_UNREACHABLE);
    send_tcp(NETSIM_CORPORATE_GATEWAY_IP, 5003, 7, 500, 0, TCP_SYN, NULL, 0);
    ck_assert_int_eq(ev.verdict, NETSIM_UNREACHABLE);
    /* A segment of no connection: RST from its ACK number. */
    sent.n = 0;
    send_tcp(inet, 5003, 7, 900, 4242, TCP_ACK, "x", 1);
    ck_assert_int_eq(ev.verdict, NETSIM_UNREACHABLE);
    s = sent_seg(0);
    ck_assert_uint_eq(s.flags, TCP_RST);
    ck_assert_uint_eq(s.seq, 4242);
    /* A RST is never answered. */
    sent.n = 0;
    send_tcp(inet, 5003, 7, 900, 0, TCP_RST, NULL, 0);
    ck_assert_int_eq(ev.verdict, NETSIM_IGNORED);
    ck_assert_uint_eq(sent.n, 0);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 0);
}
END_TEST

START_TEST(guest_rst_frees_the_connection)
{
    open_conn(inet, 5004, 7);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 1);
    send_tcp(inet, 5004, 7, 1001, 0, TCP_RST, NULL, 0);
    ck_assert_int_eq(ev.verdict, NETSIM_ACCEPTED);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 0);
}
END_TEST

START_TEST(another_mac_is_a_stranger_to_the_connection)
{
    uint32_t iss = open_conn(inet, 5010, 7);
    size_t len = frame_tcp(f, inet, 5010, 7, 1001, iss + 1, TCP_ACK, 65535, "hi", 2);
    f[ETH_ALEN + 5] ^= 0x40; /* same addresses and ports, another sender */
    netsim_rx(&sim, f, len, now, &ev);
    ck_assert_int_eq(ev.verdict, NETSIM_UNREACHABLE);
    ck_assert_uint_eq(sent.n, 1);
    ck_assert_mem_eq(sent.frame[0], f + ETH_ALEN, ETH_ALEN); /* the RST goes to that sender */
    ck_assert_uint_eq(sent_seg(0).flags, TCP_RST);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 1); /* the guest's connection stands */
}
END_TEST

/* personal (192.0.2.10) and work share the uplink: the same ports to the same service are two
 * connections, and each one's answers go to its own MAC. */
START_TEST(two_guests_on_one_uplink)
{
    static const uint8_t personal_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x00, 0x02, 0x0a};
    uint32_t work_iss = open_conn(inet, 5012, 7);
    size_t len = frame_tcp_options(f, NETSIM_IP(192, 0, 2, 10), inet, 5012, 7, 1000, 0, TCP_SYN,
                                   65535, NULL, 0, NULL, 0);
    memcpy(f + ETH_ALEN, personal_mac, ETH_ALEN);
    netsim_rx(&sim, f, len, now, &ev);
    ck_assert_int_eq(ev.verdict, NETSIM_ANSWERED);
    ck_assert_mem_eq(sent.frame[0], personal_mac, ETH_ALEN);
    ck_assert_uint_eq(wire_be32(sent.frame[0] + ETH_HLEN + 16), NETSIM_IP(192, 0, 2, 10));
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 2);
    sent.n = 0;
    send_tcp(inet, 5012, 7, 1001, work_iss + 1, TCP_ACK, "work", 4);
    ck_assert_mem_eq(sent.frame[0], guest_mac, ETH_ALEN);
    ck_assert_mem_eq(sent_seg(0).data, "work", 4);
}
END_TEST

START_TEST(the_table_is_bounded)
{
    for (unsigned i = 0; i < TCP_CONN_MAX; i++) {
        send_tcp(inet, (uint16_t)(6000 + i), 7, 1, 0, TCP_SYN, NULL, 0);
        ck_assert_int_eq(ev.verdict, NETSIM_ANSWERED);
    }
    sent.n = 0;
    send_tcp(inet, 7000, 7, 1, 0, TCP_SYN, NULL, 0);
    ck_assert_int_eq(ev.verdict, NETSIM_TABLE_FULL);
    ck_assert_uint_eq(sent_seg(0).flags, TCP_RST | TCP_ACK);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), TCP_CONN_MAX);
    /* Half-open connections whose SYN-ACKs go unanswered are reset, and the table empties. */
    for (unsigned t = 0; t < 200 && tcp_conns_in_use(&sim.tcp); t++) {
        now += NETSIM_TICK_MS * 4;
        netsim_tick(&sim, now);
    }
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 0);
}
END_TEST

START_TEST(out_of_order_data_gets_a_duplicate_ack)
{
    uint32_t iss = open_conn(inet, 5005, 7);
    send_tcp(inet, 5005, 7, 1011, iss + 1, TCP_ACK, "later", 5); /* 10 bytes missing before */
    ck_assert_uint_eq(sent.n, 1);
    struct seg s = sent_seg(0);
    ck_assert_uint_eq(s.len, 0);
    ck_assert_uint_eq(s.ack, 1001);
    /* A retransmission overlapping taken bytes: only the new part is echoed. */
    sent.n = 0;
    send_tcp(inet, 5005, 7, 1001, iss + 1, TCP_ACK, "abc", 3);
    send_tcp(inet, 5005, 7, 1001, iss + 1, TCP_ACK, "abcdef", 6);
    s = sent_seg(sent.n - 1);
    ck_assert_uint_eq(s.len, 3);
    ck_assert_mem_eq(s.data, "def", 3);
    ck_assert_uint_eq(s.ack, 1007);
}
END_TEST

START_TEST(unacked_echo_is_retransmitted_then_reset)
{
    uint32_t iss = open_conn(inet, 5006, 7);
    send_tcp(inet, 5006, 7, 1001, iss + 1, TCP_ACK, "lost", 4);
    ck_assert_uint_eq(sent.n, 1);
    now += TCP_RTO_MS - 1;
    netsim_tick(&sim, now);
    ck_assert_uint_eq(sent.n, 1); /* not yet */
    now += 2;
    netsim_tick(&sim, now);
    ck_assert_uint_eq(sent.n, 2);
    struct seg s = sent_seg(1);
    ck_assert_uint_eq(s.seq, iss + 1);
    ck_assert_mem_eq(s.data, "lost", 4);
    /* Nothing ever acks: after TCP_RETRIES_MAX tries, a RST and the slot is free. */
    for (unsigned t = 0; t < 1000 && tcp_conns_in_use(&sim.tcp); t++) {
        now += NETSIM_TICK_MS;
        netsim_tick(&sim, now);
    }
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 0);
    ck_assert_uint_eq(sent_seg(sent.n - 1).flags, TCP_RST | TCP_ACK);
    ck_assert_uint_eq(sent.n, 2 + TCP_RETRIES_MAX); /* the first send, 8 resends, the RST */
}
END_TEST

START_TEST(echo_window_closes_when_unacked)
{
    uint32_t iss = open_conn(inet, 5007, 7);
    static uint8_t chunk[1000];
    memset(chunk, 'z', sizeof(chunk));
    uint32_t seq = 1001;
    /* The guest keeps sending and never acks the echo: the window runs out at 16 KiB. */
    for (unsigned i = 0; i < 20; i++) {
        send_tcp(inet, 5007, 7, seq, iss + 1, TCP_ACK, chunk, sizeof(chunk));
        struct seg s = sent_seg(sent.n - 1);
        seq = s.ack;
    }
    ck_assert_uint_eq(seq - 1001, TCP_BUF_SIZE);
    ck_assert_uint_eq(sent_seg(sent.n - 1).window, 0);
    /* Acking the echo opens it again. */
    send_tcp(inet, 5007, 7, seq, iss + 1 + TCP_BUF_SIZE, TCP_ACK, NULL, 0);
    send_tcp(inet, 5007, 7, seq, iss + 1 + TCP_BUF_SIZE, TCP_ACK, chunk, 10);
    ck_assert_uint_eq(sent_seg(sent.n - 1).ack, seq + 10);
}
END_TEST

START_TEST(idle_connections_are_forgotten)
{
    open_conn(inet, 5008, 9); /* discard: nothing unacked, no timer of its own */
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 1);
    now += TCP_IDLE_MS + 1;
    netsim_tick(&sim, now);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 0);
}
END_TEST

START_TEST(chargen_fills_the_peer_window)
{
    uint32_t iss = open_conn(inet, 5009, NETSIM_PORT_CHARGEN);
    /* A 65535-byte window: the whole 16 KiB buffer goes out in MSS-sized segments (the SYN
     * carried no MSS option: RFC 1122's 536). */
    size_t total = 0;
    for (unsigned i = 0; i < sent.n; i++) {
        struct seg s = sent_seg(i);
        ck_assert_uint_le(s.len, 536);
        ck_assert_uint_eq(s.seq, iss + 1 + (uint32_t)total);
        total += s.len;
    }
    ck_assert_uint_eq(total, TCP_BUF_SIZE);
    ck_assert_mem_eq(sent_seg(0).data, " !\"#$%&", 7);
}
END_TEST

START_TEST(a_closed_window_is_probed)
{
    send_tcp(inet, 5011, NETSIM_PORT_CHARGEN, 1000, 0, TCP_SYN, NULL, 0);
    uint32_t iss = sent_seg(0).seq;
    sent.n = 0;
    /* The handshake's ACK offers no window: chargen has data and may send none of it. */
    netsim_rx(&sim, f, frame_tcp(f, inet, 5011, 19, 1001, iss + 1, TCP_ACK, 0, NULL, 0), now, &ev);
    ck_assert_uint_eq(sent.n, 0);
    now += TCP_RTO_MS;
    netsim_tick(&sim, now);
    ck_assert_uint_eq(sent.n, 1);
    struct seg s = sent_seg(0);
    ck_assert_uint_eq(s.len, 1); /* one byte past the window: the probe */
    ck_assert_uint_eq(s.seq, iss + 1);
    /* The guest takes it and opens its window: the rest flows from the next byte. */
    netsim_rx(&sim, f, frame_tcp(f, inet, 5011, 19, 1001, iss + 2, TCP_ACK, 1000, NULL, 0), now,
              &ev);
    ck_assert_uint_gt(sent.n, 1);
    ck_assert_uint_eq(sent_seg(1).seq, iss + 2);
}
END_TEST

START_TEST(malformed_segments)
{
    size_t len = frame_tcp(f, inet, 1, 7, 1, 0, TCP_SYN, 100, NULL, 0);
    f[len - 1] ^= 0x40; /* checksum off */
    netsim_rx(&sim, f, len, now, &ev);
    ck_assert_int_eq(ev.verdict, NETSIM_BAD_CHECKSUM);
    len = frame_tcp(f, inet, 1, 7, 1, 0, TCP_SYN, 100, NULL, 0);
    f[ETH_HLEN + IPV4_HLEN + 12] = 0xf0; /* a 60-byte header in 20 bytes */
    netsim_rx(&sim, f, len, now, &ev);
    ck_assert_int_eq(ev.verdict, NETSIM_BAD_HEADER);
    netsim_rx(&sim, f, ETH_HLEN + IPV4_HLEN + 10, now, &ev); /* IP says longer: short */
    ck_assert_int_eq(ev.verdict, NETSIM_SHORT);
    ck_assert_uint_eq(sent.n, 0);
    ck_assert_uint_eq(tcp_conns_in_use(&sim.tcp), 0);
}
END_TEST

TCase *netsim_tcp_tcase(void)
{
    TCase *tc = tcase_create("tcp");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, syn_ack_carries_an_mss_option);
    tcase_add_test(tc, echo_then_close_from_the_guest);
    tcase_add_test(tc, banner_service_closes_first);
    tcase_add_test(tc, closed_ports_and_strangers_get_rst);
    tcase_add_test(tc, guest_rst_frees_the_connection);
    tcase_add_test(tc, another_mac_is_a_stranger_to_the_connection);
    tcase_add_test(tc, two_guests_on_one_uplink);
    tcase_add_test(tc, the_table_is_bounded);
    tcase_add_test(tc, out_of_order_data_gets_a_duplicate_ack);
    tcase_add_test(tc, unacked_echo_is_retransmitted_then_reset);
    tcase_add_test(tc, echo_window_closes_when_unacked);
    tcase_add_test(tc, idle_connections_are_forgotten);
    tcase_add_test(tc, chargen_fills_the_peer_window);
    tcase_add_test(tc, a_closed_window_is_probed);
    tcase_add_test(tc, malformed_segments);
    return tc;
}
