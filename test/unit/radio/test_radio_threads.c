/* The radio switch's queues between real threads, as the radio server uses them (docs/network.md,
 * "Threads and whose CPU time"): two port threads sending while a link thread drains the
 * uplink, and a link thread filling two ingress queues while each port thread drains its own;
 * every frame must come out whole, once, in its port's order, and the counters must add up. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "check_run.h"
#include "radio_fixture.h"

#define FRAMES_PER_PORT 20000u
#define PAYLOAD_AT 42u /* past the Ethernet, IPv4 and UDP headers frame_ipv4 writes */

static struct radio_switch sw;

/* A frame's payload from its port and sequence number: any torn or stale copy shows. */
static void stamp(uint8_t *buf, size_t len, unsigned port, uint32_t seq)
{
    for (size_t i = PAYLOAD_AT; i < len; i++)
        buf[i] = (uint8_t)(seq * 7u + port * 13u + i);
    memcpy(buf + PAYLOAD_AT, &seq, sizeof(seq));
}

static uint32_t check_stamp(const uint8_t *buf, size_t len, unsigned port)
{
    uint32_t seq;
    uint8_t want[RADIO_FRAME_MAX];
    memcpy(&seq, buf + PAYLOAD_AT, sizeof(seq));
    ck_assert_uint_le(len, sizeof(want));
    memcpy(want, buf, PAYLOAD_AT);
    stamp(want, len, port, seq);
    ck_assert(!memcmp(want, buf, len));
    return seq;
}

/* Frame lengths vary with the sequence, so the round robin's deficits move. */
static size_t length_of(uint32_t seq)
{
    return 64 + (seq * 37u) % (RADIO_FRAME_MAX - 64 + 1);
}

static void *port_sends(void *arg)
{
    unsigned port = (unsigned)(uintptr_t)arg;
    uint8_t buf[RADIO_FRAME_MAX];
    for (uint32_t seq = 0; seq < FRAMES_PER_PORT; seq++) {
        size_t len = length_of(seq);
        frame_ipv4(buf, len, mac_router, port == PORT_WORK ? mac_work : mac_personal,
                   port == PORT_WORK ? IP_WORK : IP_PERSONAL, IP_NET_SVC, 17);
        stamp(buf, len, port, seq);
        while (!radio_switch_egress_room(&sw, port))
            sched_yield(); /* as the server's port thread waits for the link thread */
        ck_assert_int_eq(radio_switch_from_partition(&sw, port, buf, len), RADIO_PASS);
    }
    return NULL;
}

START_TEST(ports_send_while_the_link_drains)
{
    pthread_t t[2];
    for (unsigned p = 0; p < 2; p++)
        ck_assert_int_eq(pthread_create(&t[p], NULL, port_sends, (void *)(uintptr_t)p), 0);
    uint32_t next[2] = {0, 0};
    uint8_t out[RADIO_FRAME_MAX];
    while (next[0] < FRAMES_PER_PORT || next[1] < FRAMES_PER_PORT) {
        size_t n = radio_switch_next_for(&sw, RADIO_UPLINK, out, sizeof(out));
        if (!n) {
            sched_yield();
            continue;
        }
        unsigned from = !memcmp(out + 6, mac_work, 6) ? PORT_WORK : PORT_PERSONAL;
        uint32_t seq = check_stamp(out, n, from);
        ck_assert_uint_eq(seq, next[from]);
        ck_assert_uint_eq(n, length_of(seq));
        next[from]++;
    }
    for (unsigned p = 0; p < 2; p++)
        ck_assert_int_eq(pthread_join(t[p], NULL), 0);
    ck_assert_uint_eq(radio_switch_queued(&sw, RADIO_UPLINK), 0);
    for (unsigned p = 0; p < 2; p++) {
        ck_assert_uint_eq(radio_switch_counters(&sw, p)->in_frames, FRAMES_PER_PORT);
        ck_assert_uint_eq(radio_switch_counters(&sw, p)->in_drops[RADIO_DROP_QUEUE_FULL], 0);
    }
    ck_assert_uint_eq(radio_switch_counters(&sw, RADIO_UPLINK)->out_frames, 2 * FRAMES_PER_PORT);
}
END_TEST

static void *port_receives(void *arg)
{
    unsigned port = (unsigned)(uintptr_t)arg;
    uint8_t out[RADIO_FRAME_MAX];
    uint32_t next = 0;
    while (next < FRAMES_PER_PORT) {
        size_t n = radio_switch_next_for(&sw, port, out, sizeof(out));
        if (!n) {
            sched_yield();
            continue;
        }
        ck_assert(!memcmp(out, port == PORT_WORK ? mac_work : mac_personal, 6));
        uint32_t seq = check_stamp(out, n, port);
        ck_assert_uint_eq(seq, next);
        ck_assert_uint_eq(n, length_of(seq));
        next++;
    }
    return NULL;
}

START_TEST(the_link_fills_while_ports_drain)
{
    pthread_t t[2];
    for (unsigned p = 0; p < 2; p++)
        ck_assert_int_eq(pthread_create(&t[p], NULL, port_receives, (void *)(uintptr_t)p), 0);
    uint8_t buf[RADIO_FRAME_MAX];
    uint32_t seq[2] = {0, 0};
    for (unsigned k = 0; seq[0] < FRAMES_PER_PORT || seq[1] < FRAMES_PER_PORT; k++) {
        unsigned p = k % 2;
        if (seq[p] == FRAMES_PER_PORT)
            continue;
        if (radio_switch_queued(&sw, p) == RADIO_QUEUE_SLOTS) {
            sched_yield(); /* the server would drop it (queue-full); here it waits */
            continue;
        }
        size_t len = length_of(seq[p]);
        frame_ipv4(buf, len, p == PORT_WORK ? mac_work : mac_personal, mac_router, IP_NET_SVC,
                   p == PORT_WORK ? IP_WORK : IP_PERSONAL, 17);
        stamp(buf, len, p, seq[p]);
        unsigned to;
        ck_assert_int_eq(radio_switch_from_uplink(&sw, buf, len, &to), RADIO_PASS);
        ck_assert_uint_eq(to, p);
        seq[p]++;
    }
    for (unsigned p = 0; p < 2; p++)
        ck_assert_int_eq(pthread_join(t[p], NULL), 0);
    for (unsigned p = 0; p < 2; p++) {
        ck_assert_uint_eq(radio_switch_queued(&sw, p), 0);
        ck_assert_uint_eq(radio_switch_counters(&sw, p)->out_frames, FRAMES_PER_PORT);
        ck_assert_uint_eq(radio_switch_counters(&sw, p)->out_drops[RADIO_DROP_QUEUE_FULL], 0);
    }
    ck_assert_uint_eq(radio_switch_counters(&sw, RADIO_UPLINK)->in_frames, 2 * FRAMES_PER_PORT);
}
END_TEST

static void setup(void)
{
    fixture_switch(&sw);
}

int main(void)
{
    Suite *s = suite_create("radio_threads");
    TCase *tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, ports_send_while_the_link_drains);
    tcase_add_test(tc, the_link_fills_while_ports_drain);
    suite_add_tcase(s, tc);
    return check_run(s);
}
