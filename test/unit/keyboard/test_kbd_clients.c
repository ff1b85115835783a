/* Unit tests for the keyboard server's client partitions (servers/keyboard/kbd_clients.c): events
 * written into a fake guest's event queue in order, the backlog while the guest has no buffer,
 * a reset that empties it and tells the core, the status queue drained, the VMMs' calls by badge,
 * and hostile rings (loops, tiny buffers, rings outside RAM) refused without a stray access. */
#include "check_run.h"
#include "evdev_codes.h"
#include "kbd_clients.h"
#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>
#include <stdlib.h>
#include <string.h>

#define RAM_GPA 0x80000000u
#define RAM_SIZE 0x10000u
#define QSIZE 8u
/* Per queue q: descriptors, available ring, used ring, then buffers. */
#define DESC(q) (RAM_GPA + 0x1000u * (4 * (q)))
#define AVAIL(q) (DESC(q) + 0x1000u)
#define USED(q) (DESC(q) + 0x2000u)
#define BUF(q, i) (DESC(q) + 0x3000u + 16u * (i))
#define VQ_DESC_F_NEXT 1u
#define VQ_DESC_F_WRITE 2u

static uint8_t *ram;
static struct kbd_clients k;
static struct hv_input_shared shared[2];
static uint16_t avail_idx[2];
static unsigned resets[8], notified[KBD_CLIENTS_MAX];

static void on_reset(void *ctx, unsigned partition)
{
    (void)ctx;
    resets[partition]++;
}
static void on_notify(void *ctx, unsigned client)
{
    (void)ctx;
    notified[client]++;
}

static uint8_t *at(uint64_t gpa)
{
    ck_assert(gpa >= RAM_GPA && gpa < RAM_GPA + RAM_SIZE);
    return ram + (gpa - RAM_GPA);
}
static void put16(uint64_t gpa, uint16_t v) { memcpy(at(gpa), &v, 2); }
static void put32(uint64_t gpa, uint32_t v) { memcpy(at(gpa), &v, 4); }
static void put64(uint64_t gpa, uint64_t v) { memcpy(at(gpa), &v, 8); }
static uint16_t get16(uint64_t gpa) { uint16_t v; memcpy(&v, at(gpa), 2); return v; }
static uint32_t get32(uint64_t gpa) { uint32_t v; memcpy(&v, at(gpa), 4); return v; }

static void desc(unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                 uint16_t next)
{
    uint64_t d = DESC(q) + 16u * i;
    put64(d, addr);
    put32(d + 8, len);
    put16(d + 12, flags);
    put16(d + 14, next);
}

static void avail(unsigned q, uint16_t head)
{
    put16(AVAIL(q) + 4 + 2u * (avail_idx[q] % QSIZE), head);
    avail_idx[q]++;
    put16(AVAIL(q) + 2, avail_idx[q]);
}

/* Buffer i of the event queue: len writable bytes. */
static void post_event_buf(unsigned i, uint32_t len)
{
    desc(HV_INPUT_EVENTQ, i, BUF(HV_INPUT_EVENTQ, i), len, VQ_DESC_F_WRITE, 0);
    avail(HV_INPUT_EVENTQ, (uint16_t)i);
}

static uint16_t used_idx(unsigned q) { return get16(USED(q) + 2); }
static uint32_t used_id(unsigned q, unsigned n) { return get32(USED(q) + 4 + 8u * (n % QSIZE)); }
static uint32_t used_len(unsigned q, unsigned n)
{
    return get32(USED(q) + 8 + 8u * (n % QSIZE));
}

static void call(uint64_t badge, uint64_t label, uint64_t *w, unsigned len, uint64_t *rl,
                 unsigned *rw)
{
    kbd_clients_call(&k, badge, label, w, len, rl, rw);
}

static uint64_t setup_queue(uint64_t badge, unsigned q, unsigned size, uint64_t desc_gpa,
                            uint64_t features)
{
    uint64_t w[HV_VDEV_QUEUE_SETUP_WORDS] = {q | (uint64_t)size << 16, desc_gpa, AVAIL(q),
                                             USED(q), features};
    uint64_t rl;
    unsigned rw;
    call(badge, HV_VDEV_QUEUE_SETUP, w, HV_VDEV_QUEUE_SETUP_WORDS, &rl, &rw);
    ck_assert_uint_eq(rw, 0);
    return rl;
}

#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

static void setup(void)
{
    ram = calloc(1, RAM_SIZE);
    memset(shared, 0, sizeof(shared));
    memset(resets, 0, sizeof(resets));
    memset(notified, 0, sizeof(notified));
    avail_idx[0] = avail_idx[1] = 0;
    const struct kbd_clients_ops ops = {on_reset, on_notify, NULL};
    kbd_clients_init(&k, &ops);
    const struct virtio_mem_region r = {RAM_GPA, RAM_SIZE, ram};
    ck_assert_int_eq(kbd_clients_add(&k, 3, &r, &shared[0]), 0); /* partition 3, badge 1 */
}

static void teardown(void)
{
    free(ram);
}

/* The guest's driver brought the device up: both queues live. */
static void bring_up(void)
{
    uint64_t w[HV_INPUT_OPEN_REPLY_WORDS] = {HV_INPUT_VERSION}, rl;
    unsigned rw;
    call(1, HV_VDEV_OPEN, w, 1, &rl, &rw);
    ck_assert_uint_eq(rl, HV_OK);
    ck_assert_uint_eq(setup_queue(1, HV_INPUT_EVENTQ, QSIZE, DESC(0), V1), HV_OK);
    ck_assert_uint_eq(setup_queue(1, HV_INPUT_STATUSQ, QSIZE, DESC(1), V1), HV_OK);
}

static void key(unsigned code, unsigned value)
{
    const struct virtio_input_event ev = {EV_KEY, (uint16_t)code, value};
    const struct virtio_input_event syn = {EV_SYN, SYN_REPORT, 0};
    kbd_clients_deliver(&k, 3, &ev);
    kbd_clients_deliver(&k, 3, &syn);
}

/* The n-th used event buffer holds this event, 8 bytes long. */
static void expect_event(unsigned n, uint16_t type, uint16_t code, uint32_t value)
{
    ck_assert_uint_eq(used_len(HV_INPUT_EVENTQ, n), 8);
    uint32_t id = used_id(HV_INPUT_EVENTQ, n);
    ck_assert_uint_lt(id, QSIZE);
    const uint8_t *b = at(BUF(HV_INPUT_EVENTQ, id));
    ck_assert_uint_eq(b[0] | b[1] << 8, type);
    ck_assert_uint_eq(b[2] | b[3] << 8, code);
    ck_assert_uint_eq((uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 |
                          (uint32_t)b[7] << 24,
                      value);
}

START_TEST(events_land_in_order)
{
    bring_up();
    for (unsigned i = 0; i < QSIZE; i++)
        post_event_buf(i, 8);
    key(KEY_A, 1);
    key(KEY_A, 0);
    ck_assert_uint_eq(used_idx(HV_INPUT_EVENTQ), 4);
    expect_event(0, EV_KEY, KEY_A, 1);
    expect_event(1, EV_SYN, SYN_REPORT, 0);
    expect_event(2, EV_KEY, KEY_A, 0);
    expect_event(3, EV_SYN, SYN_REPORT, 0);
    ck_assert_uint_eq(k.client[0].stats.events, 4);
    ck_assert_uint_eq(shared[0].events, 4);
    /* No EVENT_IDX, no NO_INTERRUPT flag: the guest wants an interrupt, through its VMM. */
    ck_assert(shared[0].irq & HV_VDEV_IRQ_USED);
    ck_assert_uint_gt(notified[0], 0);
    ck_assert_uint_eq(k.client[0].stats.backlogged, 0);
}
END_TEST

START_TEST(no_buffer_then_backlog_flushed_on_doorbell)
{
    bring_up();
    key(KEY_B, 1);
    key(KEY_B, 0);
    ck_assert_uint_eq(used_idx(HV_INPUT_EVENTQ), 0);
    ck_assert_uint_eq(k.client[0].backlog_len, 4);
    post_event_buf(0, 8);
    post_event_buf(1, 8);
    kbd_clients_doorbell(&k, HV_VDEV_DOORBELL(0));
    ck_assert_uint_eq(used_idx(HV_INPUT_EVENTQ), 2);
    expect_event(0, EV_KEY, KEY_B, 1);
    expect_event(1, EV_SYN, SYN_REPORT, 0);
    /* A new event waits behind the two still in the backlog: never ahead of them. */
    key(KEY_C, 1);
    ck_assert_uint_eq(k.client[0].backlog_len, 4);
    for (unsigned i = 2; i < 6; i++)
        post_event_buf(i, 8);
    kbd_clients_doorbell(&k, HV_VDEV_DOORBELL(0));
    ck_assert_uint_eq(used_idx(HV_INPUT_EVENTQ), 6);
    expect_event(2, EV_KEY, KEY_B, 0);
    expect_event(3, EV_SYN, SYN_REPORT, 0);
    expect_event(4, EV_KEY, KEY_C, 1);
    expect_event(5, EV_SYN, SYN_REPORT, 0);
    ck_assert_uint_eq(k.client[0].stats.dropped, 0);
    /* Another client's doorbell bit does nothing here. */
    key(KEY_D, 1);
    kbd_clients_doorbell(&k, HV_VDEV_DOORBELL(1) | HV_VDEV_DOORBELL(5));
    ck_assert_uint_eq(k.client[0].backlog_len, 2);
}
END_TEST

START_TEST(full_backlog_drops_oldest_whole_reports)
{
    bring_up();
    /* KBD_BACKLOG / 2 reports fit; each one more drops the oldest report (2 events). */
    unsigned reports = KBD_BACKLOG / 2 + 5;
    for (unsigned i = 0; i < reports; i++)
        key(KEY_1 + i % 10, 1 + (i & 1));
    ck_assert_uint_eq(k.client[0].backlog_len, KBD_BACKLOG);
    ck_assert_uint_eq(k.client[0].stats.dropped, 10);
    ck_assert_uint_eq(shared[0].dropped, 10);
    for (unsigned i = 0; i < QSIZE; i++)
        post_event_buf(i, 8);
    kbd_clients_doorbell(&k, HV_VDEV_DOORBELL(0));
    ck_assert_uint_eq(used_idx(HV_INPUT_EVENTQ), QSIZE);
    /* The first one the guest gets is report 5's key, then its SYN. */
    expect_event(0, EV_KEY, KEY_1 + 5, 2);
    expect_event(1, EV_SYN, SYN_REPORT, 0);
    expect_event(2, EV_KEY, KEY_1 + 6, 1);
}
END_TEST

START_TEST(reset_empties_backlog_and_tells_the_core)
{
    bring_up();
    key(KEY_E, 1);
    ck_assert_uint_eq(k.client[0].backlog_len, 2);
    uint64_t rl;
    unsigned rw;
    call(1, HV_VDEV_RESET, NULL, 0, &rl, &rw);
    ck_assert_uint_eq(rl, HV_OK);
    ck_assert_uint_eq(resets[3], 1);
    ck_assert_uint_eq(k.client[0].backlog_len, 0);
    ck_assert(!k.client[0].q[0].ready && !k.client[0].q[1].ready);
    /* Buffers posted to the old rings are not touched: the queue is not live. */
    post_event_buf(0, 8);
    kbd_clients_doorbell(&k, HV_VDEV_DOORBELL(0));
    ck_assert_uint_eq(used_idx(HV_INPUT_EVENTQ), 0);
    /* A reset with words is malformed: nothing is reset. */
    uint64_t w[1] = {0};
    call(1, HV_VDEV_RESET, w, 1, &rl, &rw);
    ck_assert_uint_eq(rl, HV_EINVAL);
    ck_assert_uint_eq(resets[3], 1);
    /* Up again (the rings start from zero), the device works. */
    memset(ram, 0, RAM_SIZE);
    avail_idx[0] = avail_idx[1] = 0;
    ck_assert_uint_eq(setup_queue(1, HV_INPUT_EVENTQ, QSIZE, DESC(0), V1), HV_OK);
    post_event_buf(0, 8);
    key(KEY_F, 1);
    ck_assert_uint_eq(used_idx(HV_INPUT_EVENTQ), 1);
    expect_event(0, EV_KEY, KEY_F, 1);
}
END_TEST

START_TEST(status_queue_drained_and_dropped)
{
    bring_up();
    for (unsigned i = 0; i < 3; i++) {
        uint8_t led[8] = {EV_LED, 0, (uint8_t)i, 0, 1, 0, 0, 0};
        memcpy(at(BUF(HV_INPUT_STATUSQ, i)), led, 8);
        desc(HV_INPUT_STATUSQ, i, BUF(HV_INPUT_STATUSQ, i), 8, 0, 0);
        avail(HV_INPUT_STATUSQ, (uint16_t)i);
    }
    kbd_clients_doorbell(&k, HV_VDEV_DOORBELL(0));
    ck_assert_uint_eq(used_idx(HV_INPUT_STATUSQ), 3);
    ck_assert_uint_eq(used_len(HV_INPUT_STATUSQ, 0), 0);
    ck_assert_uint_eq(k.client[0].stats.status, 3);
    ck_assert_uint_eq(shared[0].status, 3);
    ck_assert(shared[0].irq & HV_VDEV_IRQ_USED);
}
END_TEST

START_TEST(calls_by_badge)
{
    uint64_t w[HV_INPUT_OPEN_REPLY_WORDS] = {HV_INPUT_VERSION}, rl;
    unsigned rw;
    call(0, HV_VDEV_OPEN, w, 1, &rl, &rw);
    ck_assert_uint_eq(rl, HV_EPERM);
    call(2, HV_VDEV_OPEN, w, 1, &rl, &rw); /* only one client */
    ck_assert_uint_eq(rl, HV_EPERM);
    call(1, HV_VDEV_RESET, NULL, 0, &rl, &rw);
    ck_assert_uint_eq(rl, HV_OK);
    ck_assert_uint_eq(resets[3], 1);
    w[0] = HV_INPUT_VERSION + 1;
    call(1, HV_VDEV_OPEN, w, 1, &rl, &rw);
    ck_assert_uint_eq(rl, HV_EINVAL);
    ck_assert_uint_eq(rw, 0);
    w[0] = HV_INPUT_VERSION;
    call(1, HV_VDEV_OPEN, w, 1, &rl, &rw);
    ck_assert_uint_eq(rl, HV_OK);
    ck_assert_uint_eq(rw, HV_INPUT_OPEN_REPLY_WORDS);
    ck_assert_uint_eq(w[0], HV_INPUT_VERSION);
    ck_assert_uint_eq(w[1], 0);
    ck_assert_uint_eq(w[2], KBD_QUEUE_MAX);
    ck_assert_uint_eq(shared[0].version, HV_INPUT_VERSION);
    call(1, 99, w, 0, &rl, &rw);
    ck_assert_uint_eq(rl, HV_EINVAL);
    /* A second client; events for a partition that is none are counted, not written. */
    const struct virtio_mem_region r = {RAM_GPA, RAM_SIZE, ram};
    ck_assert_int_eq(kbd_clients_add(&k, 3, &r, &shared[1]), -1); /* partition 3 is taken */
    ck_assert_int_eq(kbd_clients_add(&k, 5, &r, &shared[1]), 1);
    const struct virtio_input_event ev = {EV_KEY, KEY_A, 1};
    kbd_clients_deliver(&k, 7, &ev);
    ck_assert_uint_eq(k.unknown_partition, 1);
    /* Client 2's reset resets partition 5 only. */
    call(2, HV_VDEV_RESET, NULL, 0, &rl, &rw);
    ck_assert_uint_eq(resets[5], 1);
    ck_assert_uint_eq(resets[3], 1);
}
END_TEST

START_TEST(bad_queue_setups_refused)
{
    ck_assert_uint_eq(setup_queue(1, 2, QSIZE, DESC(0), V1), HV_EINVAL);             /* no queue 2 */
    ck_assert_uint_eq(setup_queue(1, 0, KBD_QUEUE_MAX * 2, DESC(0), V1), HV_EINVAL); /* too big */
    ck_assert_uint_eq(setup_queue(1, 0, 3, DESC(0), V1), HV_EINVAL);  /* not a power of two */
    ck_assert_uint_eq(setup_queue(1, 0, QSIZE, DESC(0), 0), HV_EINVAL); /* no VERSION_1 */
    ck_assert_uint_eq(setup_queue(1, 0, QSIZE, RAM_GPA + RAM_SIZE - 16, V1), HV_EINVAL);
    ck_assert_uint_eq(setup_queue(1, 0, QSIZE, 0x1000, V1), HV_EINVAL); /* outside the RAM */
    ck_assert(!k.client[0].q[0].ready);
    uint64_t w[4] = {0}, rl;
    unsigned rw;
    call(1, HV_VDEV_QUEUE_SETUP, w, 4, &rl, &rw); /* too few words */
    ck_assert_uint_eq(rl, HV_EINVAL);
    ck_assert_uint_eq(setup_queue(1, 0, QSIZE, DESC(0), V1), HV_OK);
    ck_assert_uint_eq(setup_queue(1, 0, QSIZE, DESC(0), V1), HV_EINVAL); /* already live */
}
END_TEST

START_TEST(tiny_buffers_and_loops_are_returned_empty)
{
    bring_up();
    post_event_buf(0, 4); /* too small for an event */
    /* A chain that loops on itself. */
    desc(HV_INPUT_EVENTQ, 1, BUF(HV_INPUT_EVENTQ, 1), 4, VQ_DESC_F_WRITE | VQ_DESC_F_NEXT, 2);
    desc(HV_INPUT_EVENTQ, 2, BUF(HV_INPUT_EVENTQ, 2), 4, VQ_DESC_F_WRITE | VQ_DESC_F_NEXT, 1);
    avail(HV_INPUT_EVENTQ, 1);
    /* A buffer outside the guest's RAM. */
    desc(HV_INPUT_EVENTQ, 3, RAM_GPA + RAM_SIZE - 4, 8, VQ_DESC_F_WRITE, 0);
    avail(HV_INPUT_EVENTQ, 3);
    /* Two 4-byte parts make one good buffer: the event is split across them. */
    desc(HV_INPUT_EVENTQ, 4, BUF(HV_INPUT_EVENTQ, 4), 4, VQ_DESC_F_WRITE | VQ_DESC_F_NEXT, 5);
    desc(HV_INPUT_EVENTQ, 5, BUF(HV_INPUT_EVENTQ, 4) + 4, 4, VQ_DESC_F_WRITE, 0);
    avail(HV_INPUT_EVENTQ, 4);
    key(KEY_G, 1);
    ck_assert_uint_eq(used_idx(HV_INPUT_EVENTQ), 4);
    ck_assert_uint_eq(used_len(HV_INPUT_EVENTQ, 0), 0);
    ck_assert_uint_eq(used_len(HV_INPUT_EVENTQ, 1), 0);
    ck_assert_uint_eq(used_len(HV_INPUT_EVENTQ, 2), 0);
    expect_event(3, EV_KEY, KEY_G, 1);
    ck_assert_uint_eq(k.client[0].stats.small_buffers, 1);
    ck_assert_uint_eq(k.client[0].stats.bad_chains, 2);
    ck_assert_uint_eq(k.client[0].backlog_len, 1); /* the SYN waits for a buffer */
    ck_assert_uint_eq(shared[0].bad, 3);
}
END_TEST

START_TEST(broken_ring_asks_for_a_reset)
{
    bring_up();
    /* The available index jumps by more than the queue size: the ring itself is corrupt. */
    put16(AVAIL(HV_INPUT_EVENTQ) + 2, QSIZE + 3);
    key(KEY_H, 1);
    ck_assert_uint_ge(k.client[0].stats.broken, 1);
    ck_assert(shared[0].irq & HV_VDEV_IRQ_NEEDS_RESET);
    ck_assert_uint_eq(used_idx(HV_INPUT_EVENTQ), 0);
    /* The event that met the broken ring is not lost: it waits with its SYN (found by
     * fuzz_kbd_clients: every event is written, waiting, dropped or cleared by a reset). */
    ck_assert_uint_eq(k.client[0].backlog_len, 2);
    ck_assert_uint_eq(k.client[0].stats.broken, 1); /* asked once, not at every event */
    /* Further events go to the backlog (bounded). */
    for (unsigned i = 0; i < 100; i++)
        key(KEY_H, 2);
    ck_assert_uint_le(k.client[0].backlog_len, KBD_BACKLOG);
    ck_assert_uint_eq(k.client[0].stats.broken, 1);
    uint64_t rl;
    unsigned rw;
    call(1, HV_VDEV_RESET, NULL, 0, &rl, &rw);
    ck_assert_uint_eq(rl, HV_OK);
    ck_assert_uint_eq(shared[0].irq, 0);
}
END_TEST

/* Random rings: garbage descriptors and indices, whatever they say, never an access outside
 * the RAM (ASan watches the calloc'ed block) and never more used entries than posted. */
START_TEST(random_garbage_rings)
{
    srand(1234);
    teardown(); /* each round sets up its own */
    for (unsigned round = 0; round < 300; round++) {
        setup();
        bring_up();
        for (unsigned i = 0; i < 16; i++) {
            unsigned q = (unsigned)rand() % 2;
            unsigned d = (unsigned)rand() % QSIZE;
            uint64_t addr = rand() % 4 ? BUF(q, rand() % QSIZE) : (uint64_t)rand() << 20;
            desc(q, d, addr, (uint32_t)rand() % 24, (uint16_t)(rand() % 8),
                 (uint16_t)(rand() % (QSIZE + 2)));
            if (rand() % 2)
                avail(q, (uint16_t)(rand() % (QSIZE + 1)));
        }
        for (unsigned i = 0; i < 10; i++)
            key(KEY_Q + i, 1);
        kbd_clients_doorbell(&k, HV_VDEV_DOORBELL(0));
        ck_assert_uint_le(k.client[0].backlog_len, KBD_BACKLOG);
        ck_assert_uint_le(k.client[0].stats.events, 20);
        teardown();
    }
    setup(); /* for the fixture's teardown */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kbd_clients");
    TCase *tc = tcase_create("clients");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, events_land_in_order);
    tcase_add_test(tc, no_buffer_then_backlog_flushed_on_doorbell);
    tcase_add_test(tc, full_backlog_drops_oldest_whole_reports);
    tcase_add_test(tc, reset_empties_backlog_and_tells_the_core);
    tcase_add_test(tc, status_queue_drained_and_dropped);
    tcase_add_test(tc, calls_by_badge);
    tcase_add_test(tc, bad_queue_setups_refused);
    tcase_add_test(tc, tiny_buffers_and_loops_are_returned_empty);
    tcase_add_test(tc, broken_ring_asks_for_a_reset);
    tcase_add_test(tc, random_garbage_rings);
    suite_add_tcase(s, tc);
    return check_run(s);
}
