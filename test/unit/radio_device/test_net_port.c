/* Check tests of a partition's virtio-net queues in the radio server: a guest driver (libhv's
 * driver-side queue over a RAM block standing for the partition) sends and receives frames;
 * runts, giants, offload headers, a full or absent receive ring, small buffers and a reset
 * are each refused and counted, and the server never writes outside what the guest offered. */
#include "check_run.h"
#include "net_port.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vq_driver.h>
#include <stdlib.h>
#include <string.h>

#define GPA 0x40000000ull
#define RAM 0x40000u
#define QSIZE 16u
/* Guest layout: rx rings at 0, tx rings at 0x2000, headers at 0x4000, buffers from 0x8000. */
#define RX_BUF(i) (0x8000u + 0x800u * (i))
#define TX_BUF(i) (0x10000u + 0x800u * (i))

static uint8_t *ram;
static struct virtio_mem_region region;
static struct virtio_mem mem;
static struct net_port port;
static struct vqd grx, gtx;
static struct vqd_slot rx_slots[QSIZE], tx_slots[QSIZE];
static uint8_t sent[4][2048];
static uint32_t sent_len[4];
static unsigned nsent;

static void out(void *ctx, const uint8_t *f, uint32_t len)
{
    (void)ctx;
    if (nsent < 4) {
        memcpy(sent[nsent], f, len);
        sent_len[nsent] = len;
    }
    nsent++;
}

static void guest_queue(struct vqd *vq, struct vqd_slot *slots, unsigned q, uint64_t off)
{
    struct virtio_dma d = {ram + off, GPA + off, 0x2000};
    struct vqd_layout l;
    ck_assert(vqd_layout(QSIZE, 4, &l));
    ck_assert_int_eq(vqd_init(vq, QSIZE, &d, &l, slots, false), VQD_OK);
    struct virtq_config c = {QSIZE, vq->desc_pa, vq->avail_pa, vq->used_pa,
                             VIRTIO_BIT(VIRTIO_F_VERSION_1)};
    ck_assert_int_eq(net_port_queue_setup(&port, q, &c), NET_PORT_SETUP_OK);
}

static void setup(void)
{
    ram = aligned_alloc(4096, RAM);
    memset(ram, 0, RAM);
    region = (struct virtio_mem_region){GPA, RAM, ram};
    mem = (struct virtio_mem){&region, 1};
    net_port_init(&port, &mem);
    guest_queue(&grx, rx_slots, NET_PORT_RX, 0);
    guest_queue(&gtx, tx_slots, NET_PORT_TX, 0x2000);
    nsent = 0;
}

static void teardown(void)
{
    free(ram);
}

/* The guest posts receive buffer i of size bytes (header included). */
static void post_rx(unsigned i, uint32_t size)
{
    memset(ram + RX_BUF(i), 0xee, 0x800);
    struct vqd_buf b = {GPA + RX_BUF(i), size};
    ck_assert_int_eq(vqd_add(&grx, &b, 0, 1, (void *)(uintptr_t)(i + 1)), VQD_OK);
}

/* The guest sends frame f (len bytes) behind a header with the given flags, in two parts. */
static void send(unsigned i, const uint8_t *f, uint32_t len, uint8_t flags)
{
    uint8_t *h = ram + 0x4000 + 16 * i;
    memset(h, 0, NET_PORT_HDR);
    h[0] = flags;
    memcpy(ram + TX_BUF(i), f, len);
    struct vqd_buf b[2] = {{GPA + 0x4000 + 16 * i, NET_PORT_HDR}, {GPA + TX_BUF(i), len}};
    ck_assert_int_eq(vqd_add(&gtx, b, 2, 0, (void *)(uintptr_t)(i + 1)), VQD_OK);
}

static void pattern(uint8_t *f, uint32_t len, uint8_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        f[i] = (uint8_t)(seed ^ (i * 7));
}

START_TEST(frames_out)
{
    uint8_t a[60], b[NET_PORT_FRAME_MAX];
    pattern(a, sizeof(a), 1);
    pattern(b, sizeof(b), 2);
    send(0, a, sizeof(a), 0);
    send(1, b, sizeof(b), 0);
    ck_assert(!net_port_tx(&port, out, NULL)); /* all taken: nothing left */
    ck_assert_uint_eq(nsent, 2);
    ck_assert_uint_eq(sent_len[0], sizeof(a));
    ck_assert_mem_eq(sent[0], a, sizeof(a));
    ck_assert_uint_eq(sent_len[1], sizeof(b));
    ck_assert_mem_eq(sent[1], b, sizeof(b));
    ck_assert(net_port_irq_wanted(&port));
    void *token;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&gtx, &token, &len), VQD_OK);
    ck_assert_int_eq(vqd_get_used(&gtx, &token, &len), VQD_OK);
    ck_assert_uint_eq(port.stats.tx_frames, 2);
}
END_TEST

START_TEST(bad_frames_out_are_dropped_and_counted)
{
    uint8_t a[NET_PORT_FRAME_MAX + 1];
    pattern(a, sizeof(a), 3);
    send(0, a, 13, 0);                     /* runt */
    send(1, a, sizeof(a), 0);              /* giant */
    send(2, a, 60, 1 /* NEEDS_CSUM */);    /* offload never offered */
    send(3, a, 60, 0);                     /* good */
    net_port_tx(&port, out, NULL);
    ck_assert_uint_eq(nsent, 1);
    ck_assert_uint_eq(port.stats.drops[NET_PORT_DROP_RUNT], 1);
    ck_assert_uint_eq(port.stats.drops[NET_PORT_DROP_GIANT], 1);
    ck_assert_uint_eq(port.stats.drops[NET_PORT_DROP_OFFLOAD], 1);
    for (unsigned i = 0; i < 4; i++) { /* every chain is given back */
        void *token;
        uint32_t len;
        ck_assert_int_eq(vqd_get_used(&gtx, &token, &len), VQD_OK);
    }
}
END_TEST

START_TEST(a_batch_at_a_time)
{
    uint8_t a[60];
    pattern(a, sizeof(a), 4);
    for (unsigned i = 0; i < QSIZE / 2; i++)
        send(i, a, sizeof(a), 0);
    /* Within the batch: all go, and nothing is said to be left. */
    ck_assert_uint_le(QSIZE / 2, NET_PORT_TX_BATCH);
    ck_assert(!net_port_tx(&port, out, NULL));
    ck_assert_uint_eq(nsent, QSIZE / 2);
}
END_TEST

START_TEST(frames_in)
{
    uint8_t a[100];
    pattern(a, sizeof(a), 5);
    post_rx(0, NET_PORT_HDR + NET_PORT_FRAME_MAX);
    ck_assert(net_port_rx(&port, a, sizeof(a)));
    void *token;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&grx, &token, &len), VQD_OK);
    ck_assert_uint_eq(len, NET_PORT_HDR + sizeof(a));
    ck_assert_uint_eq(hv_le16(ram + RX_BUF(0) + 10), 1); /* num_buffers */
    ck_assert_uint_eq(ram[RX_BUF(0)], 0);                /* no flags: checksum is the guest's */
    ck_assert_mem_eq(ram + RX_BUF(0) + NET_PORT_HDR, a, sizeof(a));
    ck_assert_uint_eq(ram[RX_BUF(0) + NET_PORT_HDR + sizeof(a)], 0xee); /* nothing beyond */
    ck_assert(net_port_irq_wanted(&port));
    ck_assert(!net_port_irq_wanted(&port)); /* decided once */
}
END_TEST

START_TEST(no_buffer_or_a_small_one)
{
    uint8_t a[200];
    pattern(a, sizeof(a), 6);
    ck_assert(!net_port_rx(&port, a, sizeof(a)));
    ck_assert_uint_eq(port.stats.drops[NET_PORT_DROP_NO_BUFFER], 1);
    post_rx(1, NET_PORT_HDR + 100);
    ck_assert(!net_port_rx(&port, a, sizeof(a)));
    ck_assert_uint_eq(port.stats.drops[NET_PORT_DROP_SMALL_BUFFER], 1);
    ck_assert_uint_eq(ram[RX_BUF(1)], 0xee); /* not written */
    void *token;
    uint32_t len;
    ck_assert_int_eq(vqd_get_used(&grx, &token, &len), VQD_OK); /* given back, empty */
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(port.stats.rx_frames, 0);
}
END_TEST

START_TEST(reset_stops_both_queues)
{
    uint8_t a[60];
    pattern(a, sizeof(a), 7);
    post_rx(0, 0x800);
    send(0, a, sizeof(a), 0);
    net_port_reset(&port);
    ck_assert(!net_port_tx(&port, out, NULL));
    ck_assert(!net_port_rx(&port, a, sizeof(a)));
    ck_assert_uint_eq(nsent, 0);
    ck_assert_uint_eq(ram[RX_BUF(0)], 0xee);
    /* And the queues can be set up again, not twice. */
    struct virtq_config c = {QSIZE, grx.desc_pa, grx.avail_pa, grx.used_pa,
                             VIRTIO_BIT(VIRTIO_F_VERSION_1)};
    ck_assert_int_eq(net_port_queue_setup(&port, NET_PORT_RX, &c), NET_PORT_SETUP_OK);
    ck_assert_int_eq(net_port_queue_setup(&port, NET_PORT_RX, &c), NET_PORT_SETUP_LIVE);
}
END_TEST

START_TEST(bad_setups_are_refused)
{
    net_port_reset(&port);
    struct virtq_config c = {QSIZE, grx.desc_pa, grx.avail_pa, grx.used_pa,
                             VIRTIO_BIT(VIRTIO_F_VERSION_1)};
    ck_assert_int_eq(net_port_queue_setup(&port, 2, &c), NET_PORT_SETUP_BAD_QUEUE);
    c.features = 0;
    ck_assert_int_eq(net_port_queue_setup(&port, 0, &c), NET_PORT_SETUP_NO_VERSION_1);
    c.features = VIRTIO_BIT(VIRTIO_F_VERSION_1);
    c.desc = GPA + RAM - 8; /* the table runs off the partition's RAM */
    ck_assert_int_eq(net_port_queue_setup(&port, 0, &c), NET_PORT_SETUP_BAD_RING);
    c.desc = grx.desc_pa;
    c.size = NET_PORT_QUEUE_MAX * 2;
    ck_assert_int_eq(net_port_queue_setup(&port, 0, &c), NET_PORT_SETUP_BAD_QUEUE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net_port");
    TCase *t = tcase_create("port");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, frames_out);
    tcase_add_test(t, bad_frames_out_are_dropped_and_counted);
    tcase_add_test(t, a_batch_at_a_time);
    tcase_add_test(t, frames_in);
    tcase_add_test(t, no_buffer_or_a_small_one);
    tcase_add_test(t, reset_stops_both_queues);
    tcase_add_test(t, bad_setups_are_refused);
    suite_add_tcase(s, t);
    return check_run(s);
}
