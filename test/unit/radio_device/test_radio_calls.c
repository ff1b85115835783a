/* Check tests of the VMMs' calls on the radio server: a VMM's badge reaches its own port only
 * (its MAC, its queues, its shared page), a badge of no port or of none at all is refused, and
 * malformed calls change nothing. */
#include "check_run.h"
#include "radio_calls.h"

#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>
#include <stdlib.h>
#include <string.h>

#define GPA 0x40000000ull
#define RAM 0x10000u

static uint8_t *ram[2];
static struct virtio_mem_region regions[2];
static struct net_port ports[2];
static struct hv_net_shared pages[2];
static struct hv_net_shared *shared[2] = {&pages[0], &pages[1]};
static struct hv_radio_port specs[2];
static struct radio_clients rc;

static void setup(void)
{
    memset(specs, 0, sizeof(specs));
    memset(pages, 0, sizeof(pages));
    for (unsigned p = 0; p < 2; p++) {
        ram[p] = calloc(1, RAM);
        regions[p] = (struct virtio_mem_region){GPA, RAM, ram[p]};
        net_port_init(&ports[p], &(struct virtio_mem){&regions[p], 1});
        const uint8_t mac[6] = {0x52, 0x54, 0, 0, 2, (uint8_t)(0x0a + 10 * p)};
        memcpy(specs[p].net.mac, mac, 6);
    }
    rc = (struct radio_clients){2, 2, specs, ports, shared};
}

static void teardown(void)
{
    free(ram[0]);
    free(ram[1]);
}

static uint64_t call(uint64_t badge, uint64_t label, uint64_t *w, unsigned len, unsigned *words)
{
    uint64_t reply;
    radio_call(&rc, badge, label, w, len, &reply, words);
    return reply;
}

static uint64_t setup_queue(uint64_t badge, unsigned q)
{
    uint64_t w[HV_VDEV_QUEUE_SETUP_WORDS] = {q | (uint64_t)16 << 16, GPA, GPA + 0x1000,
                                             GPA + 0x2000, VIRTIO_BIT(VIRTIO_F_VERSION_1)};
    unsigned words;
    return call(badge, HV_VDEV_QUEUE_SETUP, w, HV_VDEV_QUEUE_SETUP_WORDS, &words);
}

START_TEST(open_answers_the_badges_own_mac)
{
    for (unsigned p = 0; p < 2; p++) {
        uint64_t w[8] = {HV_NET_VERSION};
        unsigned words;
        ck_assert_uint_eq(call(p + 1, HV_VDEV_OPEN, w, HV_NET_OPEN_WORDS, &words), HV_OK);
        ck_assert_uint_eq(words, HV_NET_OPEN_REPLY_WORDS);
        ck_assert_uint_eq(w[1] >> 40, 0x0a + 10 * p); /* byte 5 of its own MAC */
        ck_assert_uint_eq(pages[p].version, HV_NET_VERSION);
    }
}
END_TEST

START_TEST(a_badge_reaches_only_its_port)
{
    ck_assert_uint_eq(setup_queue(2, NET_PORT_RX), HV_OK);
    ck_assert(ports[1].q[NET_PORT_RX].ready);
    ck_assert(!ports[0].q[NET_PORT_RX].ready); /* the other partition's queue is untouched */
    pages[0].irq = HV_VDEV_IRQ_USED;
    unsigned words;
    ck_assert_uint_eq(call(2, HV_VDEV_RESET, NULL, 0, &words), HV_OK);
    ck_assert(!ports[1].q[NET_PORT_RX].ready);
    ck_assert_uint_eq(pages[0].irq, HV_VDEV_IRQ_USED); /* only its own page is cleared */
}
END_TEST

START_TEST(strangers_are_refused)
{
    unsigned words;
    uint64_t w[8] = {HV_NET_VERSION};
    ck_assert_uint_eq(call(0, HV_VDEV_OPEN, w, 1, &words), HV_EPERM);
    ck_assert_uint_eq(call(3, HV_VDEV_OPEN, w, 1, &words), HV_EPERM);
    ck_assert_uint_eq(call(~0ull, HV_VDEV_OPEN, w, 1, &words), HV_EPERM);
    ck_assert_uint_eq(setup_queue(3, NET_PORT_RX), HV_EPERM);
    /* A configured port the server does not serve (its policy was refused). */
    rc.nports = 0;
    ck_assert_uint_eq(call(1, HV_VDEV_OPEN, w, 1, &words), HV_ENOENT);
    ck_assert(!ports[0].q[NET_PORT_RX].ready && !ports[1].q[NET_PORT_RX].ready);
}
END_TEST

START_TEST(malformed_calls_change_nothing)
{
    unsigned words;
    uint64_t w[8] = {HV_NET_VERSION + 1};
    ck_assert_uint_eq(call(1, HV_VDEV_OPEN, w, 1, &words), HV_EINVAL); /* another version */
    ck_assert_uint_eq(pages[0].version, 0);
    w[0] = HV_NET_VERSION;
    ck_assert_uint_eq(call(1, HV_VDEV_OPEN, w, 2, &words), HV_EINVAL); /* wrong length */
    ck_assert_uint_eq(call(1, HV_VDEV_QUEUE_SETUP, w, 4, &words), HV_EINVAL);
    ck_assert_uint_eq(setup_queue(1, 2), HV_EINVAL); /* no queue 2 */
    ck_assert_uint_eq(call(1, 99, w, 0, &words), HV_EINVAL);
    ck_assert(!ports[0].q[NET_PORT_RX].ready && !ports[0].q[NET_PORT_TX].ready);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("radio_calls");
    TCase *t = tcase_create("calls");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, open_answers_the_badges_own_mac);
    tcase_add_test(t, a_badge_reaches_only_its_port);
    tcase_add_test(t, strangers_are_refused);
    tcase_add_test(t, malformed_calls_change_nothing);
    suite_add_tcase(s, t);
    return check_run(s);
}
