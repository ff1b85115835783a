/* The radio switch's queues: bounded whatever a port sends, deficit round robin gives each
 * partition its share of the uplink under a flood, delivery order, peek/pop, small receive
 * buffers, and the copy-then-check of a partition's frame. */
#include <check.h>
#include <string.h>

#include "check_run.h"
#include "radio_fixture.h"

static struct radio_switch sw;
static uint8_t out[RADIO_FRAME_MAX];

static void setup(void)
{
    fixture_switch(&sw);
}

/* A frame port may send (to the internet service), len bytes, its last byte a sequence mark. */
static size_t good_frame(uint8_t *buf, unsigned port, size_t len, uint8_t mark)
{
    frame_ipv4(buf, len, mac_router, port == PORT_WORK ? mac_work : mac_personal,
               port == PORT_WORK ? IP_WORK : IP_PERSONAL, IP_NET_SVC, 17);
    buf[len - 1] = mark;
    return len;
}

static unsigned sender_of(const uint8_t *frame)
{
    return !memcmp(frame + 6, mac_work, 6) ? PORT_WORK : PORT_PERSONAL;
}

START_TEST(egress_queue_is_bounded)
{
    uint8_t buf[RADIO_FRAME_MAX];
    unsigned passed = 0, full = 0;
    for (unsigned i = 0; i < 1000; i++) {
        enum radio_drop r = radio_switch_from_partition(
            &sw, PORT_PERSONAL, buf, good_frame(buf, PORT_PERSONAL, RADIO_FRAME_MAX, (uint8_t)i));
        passed += r == RADIO_PASS;
        full += r == RADIO_DROP_QUEUE_FULL;
    }
    ck_assert_uint_eq(passed, RADIO_QUEUE_SLOTS);
    ck_assert_uint_eq(full, 1000 - RADIO_QUEUE_SLOTS);
    ck_assert_uint_eq(radio_switch_counters(&sw, PORT_PERSONAL)->in_drops[RADIO_DROP_QUEUE_FULL],
                      1000 - RADIO_QUEUE_SLOTS);
    ck_assert(!radio_switch_egress_room(&sw, PORT_PERSONAL));
    ck_assert_uint_eq(radio_switch_egress_free(&sw, PORT_PERSONAL), 0);
    ck_assert_uint_eq(radio_switch_egress_free(&sw, PORT_WORK), RADIO_QUEUE_SLOTS);
    ck_assert_uint_eq(radio_switch_egress_free(&sw, 2), 0);
    /* Work's queue is its own. */
    ck_assert(radio_switch_egress_room(&sw, PORT_WORK));
    ck_assert_int_eq(
        radio_switch_from_partition(&sw, PORT_WORK, buf, good_frame(buf, PORT_WORK, 100, 1)),
        RADIO_PASS);
    ck_assert_uint_eq(radio_switch_queued(&sw, RADIO_UPLINK), RADIO_QUEUE_SLOTS + 1);
    /* In order, the first 32 of personal's. */
    unsigned seen_personal = 0;
    size_t n;
    while ((n = radio_switch_next_for(&sw, RADIO_UPLINK, out, sizeof(out)))) {
        if (sender_of(out) == PORT_PERSONAL)
            ck_assert_uint_eq(out[n - 1], seen_personal++);
    }
    ck_assert_uint_eq(seen_personal, RADIO_QUEUE_SLOTS);
    ck_assert(radio_switch_egress_room(&sw, PORT_PERSONAL));
}
END_TEST

START_TEST(ingress_queue_is_bounded)
{
    uint8_t buf[RADIO_FRAME_MAX];
    unsigned port, passed = 0;
    for (unsigned i = 0; i < 500; i++) {
        size_t n = frame_ipv4(buf, 1000, mac_personal, mac_router, IP_NET_SVC, IP_PERSONAL, 17);
        passed += radio_switch_from_uplink(&sw, buf, n, &port) == RADIO_PASS;
    }
    ck_assert_uint_eq(passed, RADIO_QUEUE_SLOTS);
    ck_assert_uint_eq(radio_switch_counters(&sw, PORT_PERSONAL)->out_drops[RADIO_DROP_QUEUE_FULL],
                      500 - RADIO_QUEUE_SLOTS);
    /* Personal not reading does not stop work's frames. */
    size_t n = frame_ipv4(buf, 1000, mac_work, mac_router, IP_CORP_SVC, IP_WORK, 17);
    ck_assert_int_eq(radio_switch_from_uplink(&sw, buf, n, &port), RADIO_PASS);
    ck_assert_uint_eq(radio_switch_next_for(&sw, PORT_WORK, out, sizeof(out)), 1000);
    ck_assert_uint_eq(radio_switch_queued(&sw, PORT_PERSONAL), RADIO_QUEUE_SLOTS);
}
END_TEST

/* Personal floods (it offers 8 full-size frames per tick, more than the uplink's 2 per tick);
 * work offers 1 per tick, within its half. Work's every frame goes out, in order, and never
 * waits behind more than one round; personal gets the rest; nothing grows past the bounds. */
static void flood(size_t work_len, unsigned ticks, unsigned drain, unsigned *sent)
{
    uint8_t buf[RADIO_FRAME_MAX];
    uint8_t work_next = 0, work_seen = 0;
    for (unsigned t = 0; t < ticks; t++) {
        for (unsigned i = 0; i < 8; i++)
            if (radio_switch_egress_room(&sw, PORT_PERSONAL))
                ck_assert_int_eq(
                    radio_switch_from_partition(&sw, PORT_PERSONAL, buf,
                                                good_frame(buf, PORT_PERSONAL, RADIO_FRAME_MAX, 0)),
                    RADIO_PASS);
        ck_assert(radio_switch_egress_room(&sw, PORT_WORK));
        ck_assert_int_eq(
            radio_switch_from_partition(&sw, PORT_WORK, buf,
                                        good_frame(buf, PORT_WORK, work_len, work_next++)),
            RADIO_PASS);
        for (unsigned d = 0; d < drain; d++) {
            size_t n = radio_switch_next_for(&sw, RADIO_UPLINK, out, sizeof(out));
            ck_assert_uint_gt(n, 0);
            unsigned from = sender_of(out);
            sent[from]++;
            if (from == PORT_WORK)
                ck_assert_uint_eq(out[n - 1], work_seen++);
        }
        ck_assert_uint_le(radio_switch_queued(&sw, RADIO_UPLINK), 2 * RADIO_QUEUE_SLOTS);
        /* Work's queue never holds more than the one frame of this tick and one before. */
        ck_assert_uint_le(radio_queue_count(&sw.egress[PORT_WORK]), 2);
    }
}

START_TEST(flood_does_not_starve_equal_frames)
{
    unsigned sent[2] = {0, 0};
    flood(RADIO_FRAME_MAX, 1000, 2, sent);
    ck_assert_uint_ge(sent[PORT_WORK], 999);
    ck_assert_uint_ge(sent[PORT_PERSONAL], 1000);
    ck_assert_uint_eq(sent[PORT_WORK] + sent[PORT_PERSONAL], 2000);
    ck_assert_uint_eq(radio_switch_counters(&sw, PORT_WORK)->in_drops[RADIO_DROP_QUEUE_FULL], 0);
}
END_TEST

/* Small frames (100 bytes) against full-size ones: the round robin counts bytes, so work's
 * small frames are not held to one per round. */
START_TEST(flood_does_not_starve_small_frames)
{
    unsigned sent[2] = {0, 0};
    flood(100, 1000, 2, sent);
    ck_assert_uint_ge(sent[PORT_WORK], 999);
}
END_TEST

/* Both flood: each gets half the uplink's frames (full-size frames: half its bytes too). */
START_TEST(two_floods_share_evenly)
{
    uint8_t buf[RADIO_FRAME_MAX];
    unsigned sent[2] = {0, 0};
    for (unsigned t = 0; t < 1000; t++) {
        for (unsigned p = 0; p < 2; p++)
            while (radio_switch_egress_room(&sw, p))
                radio_switch_from_partition(&sw, p, buf, good_frame(buf, p, RADIO_FRAME_MAX, 0));
        for (unsigned d = 0; d < 3; d++) {
            ck_assert_uint_gt(radio_switch_next_for(&sw, RADIO_UPLINK, out, sizeof(out)), 0);
            sent[sender_of(out)]++;
        }
    }
    ck_assert_uint_eq(sent[0] + sent[1], 3000);
    ck_assert_uint_le((sent[0] > sent[1] ? sent[0] - sent[1] : sent[1] - sent[0]), 1);
}
END_TEST

/* Unequal sizes under a double flood: bytes, not frames, are shared. Work sends 500-byte
 * frames, personal 1514: over many rounds each moves about the same number of bytes. */
START_TEST(two_floods_share_bytes)
{
    uint8_t buf[RADIO_FRAME_MAX];
    uint64_t bytes[2] = {0, 0};
    for (unsigned t = 0; t < 2000; t++) {
        while (radio_switch_egress_room(&sw, PORT_PERSONAL))
            radio_switch_from_partition(&sw, PORT_PERSONAL, buf,
                                        good_frame(buf, PORT_PERSONAL, RADIO_FRAME_MAX, 0));
        while (radio_switch_egress_room(&sw, PORT_WORK))
            radio_switch_from_partition(&sw, PORT_WORK, buf, good_frame(buf, PORT_WORK, 500, 0));
        size_t n = radio_switch_next_for(&sw, RADIO_UPLINK, out, sizeof(out));
        ck_assert_uint_gt(n, 0);
        bytes[sender_of(out)] += n;
    }
    uint64_t total = bytes[0] + bytes[1];
    /* Within one quantum per side of an even split. */
    ck_assert_uint_le((bytes[0] > total / 2 ? bytes[0] - total / 2 : total / 2 - bytes[0]),
                      2 * RADIO_QUANTUM);
}
END_TEST

/* The uplink as a link: it sends up to budget bytes per tick (whole frames), and says who
 * sent what. */
static void drain_bytes(size_t budget, uint64_t bytes[2])
{
    size_t len;
    const uint8_t *f;
    while ((f = radio_switch_peek(&sw, RADIO_UPLINK, &len)) && len <= budget) {
        bytes[sender_of(f)] += len;
        budget -= len;
        radio_switch_pop(&sw, RADIO_UPLINK);
    }
}

/* Personal floods broadcasts: IPv4 broadcasts are dropped outright (and counted as such even
 * while its queue is full); ARP broadcasts (the link's own protocol) go to the uplink only,
 * at personal's share, never into work's queue. Work, sending a third of the link's bytes,
 * gets every frame through meanwhile. */
START_TEST(broadcast_flood)
{
    uint8_t buf[RADIO_FRAME_MAX];
    static const uint8_t zero[6];
    uint64_t bytes[2] = {0, 0};
    for (unsigned t = 0; t < 500; t++) {
        for (unsigned i = 0; i < 40; i++) {
            size_t n = frame_ipv4(buf, 98, mac_broadcast, mac_personal, IP_PERSONAL,
                                  IP(255, 255, 255, 255), 17);
            ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_PERSONAL, buf, n),
                             RADIO_DROP_BROADCAST);
            n = frame_arp(buf, mac_broadcast, mac_personal, RADIO_ARP_REQUEST, mac_personal,
                          IP_PERSONAL, zero, IP_ROUTER);
            if (radio_switch_egress_room(&sw, PORT_PERSONAL))
                ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_PERSONAL, buf, n),
                                 RADIO_PASS);
        }
        ck_assert_int_eq(
            radio_switch_from_partition(&sw, PORT_WORK, buf, good_frame(buf, PORT_WORK, 1000, 0)),
            RADIO_PASS);
        drain_bytes(3000, bytes);
        ck_assert_uint_le(radio_queue_count(&sw.egress[PORT_WORK]), 1);
        ck_assert_uint_eq(radio_switch_queued(&sw, PORT_WORK), 0);
        ck_assert_uint_eq(radio_switch_queued(&sw, PORT_PERSONAL), 0);
    }
    ck_assert_uint_ge(bytes[PORT_WORK], 499 * 1000);
    ck_assert_uint_gt(bytes[PORT_PERSONAL], 400 * 1000); /* the rest of the link is its */
    ck_assert_uint_eq(radio_switch_counters(&sw, PORT_PERSONAL)->in_drops[RADIO_DROP_BROADCAST],
                      20000);
    ck_assert_uint_eq(radio_switch_counters(&sw, PORT_WORK)->in_drops[RADIO_DROP_QUEUE_FULL], 0);
}
END_TEST

START_TEST(peek_and_pop)
{
    uint8_t buf[RADIO_FRAME_MAX];
    size_t len;
    ck_assert_ptr_null(radio_switch_peek(&sw, RADIO_UPLINK, &len));
    ck_assert_ptr_null(radio_switch_peek(&sw, PORT_WORK, &len));
    radio_switch_pop(&sw, RADIO_UPLINK); /* nothing there: no effect */
    radio_switch_from_partition(&sw, PORT_WORK, buf, good_frame(buf, PORT_WORK, 200, 7));
    radio_switch_from_partition(&sw, PORT_PERSONAL, buf, good_frame(buf, PORT_PERSONAL, 300, 8));
    const uint8_t *a = radio_switch_peek(&sw, RADIO_UPLINK, &len);
    const uint8_t *b = radio_switch_peek(&sw, RADIO_UPLINK, &len);
    ck_assert_ptr_eq(a, b); /* peek does not move on */
    size_t first = len;
    radio_switch_pop(&sw, RADIO_UPLINK);
    const uint8_t *c = radio_switch_peek(&sw, RADIO_UPLINK, &len);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(first + len, 500); /* one of each */
    radio_switch_pop(&sw, RADIO_UPLINK);
    ck_assert_ptr_null(radio_switch_peek(&sw, RADIO_UPLINK, &len));
    ck_assert_uint_eq(radio_switch_counters(&sw, RADIO_UPLINK)->out_frames, 2);
    ck_assert_uint_eq(radio_switch_counters(&sw, RADIO_UPLINK)->out_bytes, 500);
    /* Ports the switch does not have give nothing. */
    ck_assert_ptr_null(radio_switch_peek(&sw, 5, &len));
    ck_assert_uint_eq(radio_switch_next_for(&sw, 5, out, sizeof(out)), 0);
    ck_assert_uint_eq(radio_switch_queued(&sw, 5), 0);
    ck_assert_ptr_null(radio_switch_counters(&sw, RADIO_UPLINK + 1));
}
END_TEST

/* A receive buffer smaller than the frame: the frame is dropped and counted, the next one
 * still comes. */
START_TEST(small_receive_buffer)
{
    uint8_t buf[RADIO_FRAME_MAX];
    unsigned port;
    size_t n = frame_ipv4(buf, 600, mac_work, mac_router, IP_NET_SVC, IP_WORK, 17);
    radio_switch_from_uplink(&sw, buf, n, &port);
    n = frame_ipv4(buf, 60, mac_work, mac_router, IP_NET_SVC, IP_WORK, 17);
    radio_switch_from_uplink(&sw, buf, n, &port);
    ck_assert_uint_eq(radio_switch_next_for(&sw, PORT_WORK, out, 100), 0);
    ck_assert_uint_eq(radio_switch_counters(&sw, PORT_WORK)->out_drops[RADIO_DROP_RX_BUFFER], 1);
    ck_assert_uint_eq(radio_switch_next_for(&sw, PORT_WORK, out, 100), 60);
    ck_assert_uint_eq(radio_switch_counters(&sw, PORT_WORK)->out_frames, 1);
    /* The same towards the uplink. */
    radio_switch_from_partition(&sw, PORT_WORK, buf, good_frame(buf, PORT_WORK, 600, 0));
    radio_switch_from_partition(&sw, PORT_WORK, buf, good_frame(buf, PORT_WORK, 60, 0));
    ck_assert_uint_eq(radio_switch_next_for(&sw, RADIO_UPLINK, out, 100), 0);
    ck_assert_uint_eq(radio_switch_counters(&sw, RADIO_UPLINK)->out_drops[RADIO_DROP_RX_BUFFER], 1);
    ck_assert_uint_eq(radio_switch_next_for(&sw, RADIO_UPLINK, out, 100), 60);
}
END_TEST

/* What is checked is what is sent: the switch works on its copy, so the sender changing its
 * buffer afterwards (a guest writing its own RAM) changes nothing queued. */
START_TEST(copy_then_check)
{
    uint8_t buf[RADIO_FRAME_MAX];
    size_t n = good_frame(buf, PORT_PERSONAL, 98, 0);
    uint8_t sent[98];
    memcpy(sent, buf, n);
    ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_PERSONAL, buf, n), RADIO_PASS);
    memcpy(buf + 6, mac_work, 6); /* now it would be spoofed */
    buf[14 + 19] = 20;            /* and to work's address */
    ck_assert_uint_eq(radio_switch_next_for(&sw, RADIO_UPLINK, out, sizeof(out)), n);
    ck_assert_mem_eq(out, sent, n);
    /* A refused frame leaves no trace in the queue it was copied into. */
    ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_PERSONAL, buf, n), RADIO_DROP_SPOOF_MAC);
    ck_assert_uint_eq(radio_switch_queued(&sw, RADIO_UPLINK), 0);
    ck_assert_int_eq(radio_switch_from_partition(&sw, PORT_PERSONAL, sent, n), RADIO_PASS);
    ck_assert_uint_eq(radio_switch_next_for(&sw, RADIO_UPLINK, out, sizeof(out)), n);
    ck_assert_mem_eq(out, sent, n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("radio_switch");
    TCase *tc = tcase_create("queues");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, egress_queue_is_bounded);
    tcase_add_test(tc, ingress_queue_is_bounded);
    tcase_add_test(tc, flood_does_not_starve_equal_frames);
    tcase_add_test(tc, flood_does_not_starve_small_frames);
    tcase_add_test(tc, two_floods_share_evenly);
    tcase_add_test(tc, two_floods_share_bytes);
    tcase_add_test(tc, broadcast_flood);
    tcase_add_test(tc, peek_and_pop);
    tcase_add_test(tc, small_receive_buffer);
    tcase_add_test(tc, copy_then_check);
    suite_add_tcase(s, tc);
    return check_run(s);
}
