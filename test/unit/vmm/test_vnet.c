/* The VMM's virtio-net device (servers/vmm/core/vnet.c on core/vdev.c) against a fake radio
 * server: the identity and configuration space a guest driver sees (the manifest's MAC, link
 * up, no offloads), replies that break the protocol, two queues handed over one by one, one
 * queue turned off while the other runs, and completions for whichever queue is live. */
#include "check_run.h"
#include "core/vnet.h"
#include "vblk_fake.h"
#include "vmm_fixture.h"

#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>

#define BASE 0x0a000200ull
#define RING(q) (VBLK_FAKE_RAM_GPA + 0x4000 * (q))
#define MAC 0x140200005452ull /* 52:54:00:00:02:14, byte 0 lowest */

static struct vblk_fake srv;
static struct vmm_vdev vn;

static void setup(void)
{
    fixture_setup();
    vblk_fake_init(&srv);
    srv.open_len = HV_NET_OPEN_REPLY_WORDS;
    srv.open_reply[0] = HV_NET_VERSION;
    srv.open_reply[1] = MAC;
    /* CSUM (bit 0) and GUEST_CSUM (1) are not the VMM's to offer: dropped. */
    srv.open_reply[2] = VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS) | 3;
    srv.open_reply[3] = 256;
}

static void teardown(void)
{
    vblk_fake_free(&srv);
}

static uint32_t rd(uint32_t off)
{
    return (uint32_t)bus_read(BASE + off, 4);
}

static void wr(uint32_t off, uint32_t v)
{
    bus_write(BASE + off, 4, v);
}

static int open_with(void)
{
    const struct vdev_setup s = vblk_fake_setup(&srv);
    return vmm_vnet_open(&vn, &a64.vmm, &s);
}

static void open_ok(void)
{
    ck_assert_int_eq(open_with(), HV_OK);
    ck_assert_int_eq(vmm_vdev_attach(&vn, BASE), HV_OK);
}

static void bring_up_queue(unsigned q)
{
    wr(VIRTIO_MMIO_QUEUE_SEL, q);
    wr(VIRTIO_MMIO_QUEUE_NUM, 64);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)RING(q));
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(RING(q) + 0x1000));
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(RING(q) + 0x2000));
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void negotiate(void)
{
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, VIRTIO_BIT(VIRTIO_NET_F_MAC));
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wr(VIRTIO_MMIO_STATUS,
       VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
}

START_TEST(identity_and_config)
{
    open_ok();
    ck_assert_uint_eq(srv.calls[0].label, HV_VDEV_OPEN);
    ck_assert_uint_eq(srv.calls[0].w[0], HV_NET_VERSION);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
    ck_assert_uint_eq(f & 0xffffffu,
                      VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS));
    const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x00, 0x02, 0x14};
    for (unsigned i = 0; i < 6; i++)
        ck_assert_uint_eq(bus_read(BASE + VIRTIO_MMIO_CONFIG + i, 1), mac[i]);
    ck_assert_uint_eq(bus_read(BASE + VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_STATUS, 2),
                      VIRTIO_NET_S_LINK_UP);
    /* The configuration space is read-only: the guest can't pick another MAC. */
    bus_write(BASE + VIRTIO_MMIO_CONFIG, 1, 0x02);
    ck_assert_uint_eq(bus_read(BASE + VIRTIO_MMIO_CONFIG, 1), 0x52);
}
END_TEST

START_TEST(replies_that_break_the_protocol)
{
    const struct {
        unsigned word;
        uint64_t value;
    } bad[] = {
        {0, HV_NET_VERSION + 1},      /* another version */
        {1, 0},                       /* no MAC */
        {1, MAC | 1},                 /* a multicast MAC */
        {1, MAC | 1ull << 48},        /* more than six bytes */
        {2, VIRTIO_BIT(VIRTIO_F_VERSION_1)}, /* a transport bit */
        {3, 0},                       /* no queue */
        {3, 100},                     /* not a power of two */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        teardown(); /* a fresh fake for each */
        setup();
        srv.open_reply[bad[i].word] = bad[i].value;
        ck_assert_int_eq(open_with(), HV_EFORMAT);
    }
    teardown();
    setup();
    srv.open_len = HV_NET_OPEN_REPLY_WORDS - 1;
    ck_assert_int_eq(open_with(), HV_EFORMAT);
}
END_TEST

START_TEST(two_queues_and_one_turned_off)
{
    open_ok();
    negotiate();
    bring_up_queue(0);
    bring_up_queue(1);
    ck_assert_uint_eq(srv.setups, 2);
    ck_assert_uint_eq(srv.calls[2].label, HV_VDEV_QUEUE_SETUP);
    ck_assert_uint_eq(srv.calls[2].w[0] & 0xffff, 1); /* the transmit queue */
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                               VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    /* Queue 1 off while 0 runs: the server's reset takes both, so the guest is told to reset. */
    wr(VIRTIO_MMIO_QUEUE_SEL, 1);
    wr(VIRTIO_MMIO_QUEUE_READY, 0);
    ck_assert_uint_eq(srv.resets, 1);
    ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}
END_TEST

START_TEST(completion_for_the_live_queue)
{
    open_ok();
    negotiate();
    bring_up_queue(1); /* only the transmit queue */
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                               VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    srv.shared.irq = HV_VDEV_IRQ_USED;
    vmm_vdev_complete(&vn);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING,
                      VIRTIO_MMIO_INT_VRING);
    ck_assert(srv.level);
    ck_assert_uint_eq(vn.stats.used_irqs, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vnet");
    TCase *t = tcase_create("vnet");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, identity_and_config);
    tcase_add_test(t, replies_that_break_the_protocol);
    tcase_add_test(t, two_queues_and_one_turned_off);
    tcase_add_test(t, completion_for_the_live_queue);
    suite_add_tcase(s, t);
    return check_run(s);
}
