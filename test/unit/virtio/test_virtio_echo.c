/* Unit tests for the example echo device, driven end to end through virtio-mmio registers. */
#include "check_run.h"
#include "guest_sim.h"
#include "virtio_echo.h"

#include <hv/virtio/virtio_spec.h>
#include <string.h>

#define W VIRTQ_DESC_F_WRITE
#define N VIRTQ_DESC_F_NEXT
#define I VIRTQ_DESC_F_INDIRECT
#define TABLE (GUEST_DATA + 0x2000)
#define OUT (GUEST_DATA + 0x1000)

static struct guest g;
static struct virtio_echo echo;
static bool irq_level;

static void set_irq(void *ctx, bool level)
{
    irq_level = level;
}

static uint32_t rd(uint32_t offset)
{
    return (uint32_t)virtio_mmio_read(&echo.mmio, offset, 4);
}

static void wr(uint32_t offset, uint32_t value)
{
    virtio_mmio_write(&echo.mmio, offset, 4, value);
}

/* Everything a Linux driver does for a one-queue device, §3.1.1. */
static void driver_probe(uint64_t features)
{
    ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ECHO_DEVICE_ID);
    wr(VIRTIO_MMIO_STATUS, 0);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    uint32_t s = rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK;
    wr(VIRTIO_MMIO_STATUS, s);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), s);
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_ECHO_QUEUE_SIZE);
    wr(VIRTIO_MMIO_QUEUE_NUM, g.qsize);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, GUEST_DESC);
    wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, GUEST_AVAIL);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, GUEST_USED);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    wr(VIRTIO_MMIO_STATUS, s | VIRTIO_STATUS_DRIVER_OK);
}

static void setup(uint64_t features)
{
    guest_init(&g, 8);
    irq_level = false;
    ck_assert_int_eq(virtio_echo_init(&echo, &g.mem, set_irq, NULL, NULL, NULL),
                     VIRTIO_MMIO_INIT_OK);
    driver_probe(VIRTIO_BIT(VIRTIO_F_VERSION_1) | features);
    ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK);
}

static void assert_used(uint16_t i, uint32_t id, uint32_t len)
{
    uint32_t got_id, got_len;
    guest_used_elem(&g, i, &got_id, &got_len);
    ck_assert_uint_eq(got_id, id);
    ck_assert_uint_eq(got_len, len);
}

START_TEST(echo_round_trip)
{
    setup(0);
    virtio_mmio_write(&echo.mmio, VIRTIO_MMIO_CONFIG + VIRTIO_ECHO_CFG_KEY, 1, 0x20);
    memcpy(guest_ptr(&g, GUEST_DATA), "PING", 4);
    guest_desc(&g, GUEST_DESC, 4, GUEST_DATA, 4, N, 5);
    guest_desc(&g, GUEST_DESC, 5, OUT, 16, W, 0);
    guest_avail(&g, 4);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(guest_used_idx(&g), 1);
    assert_used(0, 4, 4);
    ck_assert_mem_eq(guest_ptr(&g, OUT), "ping", 4);
    ck_assert(irq_level);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    ck_assert(!irq_level);
    ck_assert_uint_eq(virtio_mmio_read(&echo.mmio, VIRTIO_MMIO_CONFIG, 4), 1);
    ck_assert_uint_eq(virtio_mmio_read(&echo.mmio, VIRTIO_MMIO_CONFIG + VIRTIO_ECHO_CFG_KEY, 1),
                      0x20);
    guest_free(&g);
}
END_TEST

START_TEST(echo_through_indirect_table_with_event_idx)
{
    setup(VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
    ck_assert(echo.queue.vq.event_idx && echo.queue.vq.indirect_desc);
    /* 100 bytes in two pieces, 60 + 60 bytes of room: the echo stops at 100. */
    for (int i = 0; i < 100; i++)
        *(uint8_t *)guest_ptr(&g, GUEST_DATA + i) = (uint8_t)i;
    guest_desc(&g, TABLE, 0, GUEST_DATA, 70, N, 1);
    guest_desc(&g, TABLE, 1, GUEST_DATA + 70, 30, N, 2);
    guest_desc(&g, TABLE, 2, OUT, 60, N | W, 3);
    guest_desc(&g, TABLE, 3, OUT + 0x100, 60, W, 0);
    guest_desc(&g, GUEST_DESC, 0, TABLE, 64, I, 0);
    guest_set_used_event(&g, 0);
    guest_avail(&g, 0);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_used(0, 0, 100);
    ck_assert_uint_eq(*(uint8_t *)guest_ptr(&g, OUT + 59), 59);
    ck_assert_uint_eq(*(uint8_t *)guest_ptr(&g, OUT + 0x100), 60);
    ck_assert_uint_eq(*(uint8_t *)guest_ptr(&g, OUT + 0x100 + 39), 99);
    ck_assert(irq_level);
    /* Ring now empty: the device asked to be kicked at the next entry. */
    ck_assert_uint_eq(guest_avail_event(&g), 1);
    /* used_event still 0: the second completion wants no interrupt. */
    wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    guest_avail(&g, 0);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(guest_used_idx(&g), 2);
    ck_assert(!irq_level);
    guest_free(&g);
}
END_TEST

START_TEST(echo_drops_a_hostile_chain_and_serves_the_next)
{
    setup(0);
    guest_desc(&g, GUEST_DESC, 0, GUEST_DATA, 4, N, 0); /* loop */
    guest_desc(&g, GUEST_DESC, 1, GUEST_DATA, 4, N, 2);
    guest_desc(&g, GUEST_DESC, 2, OUT, 4, W, 0);
    guest_avail(&g, 0);
    guest_avail(&g, 1);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_used(0, 0, 0);
    assert_used(1, 1, 4);
    ck_assert_uint_eq(echo.mmio.faults.count[VIRTIO_FAULT_CHAIN_LOOP], 1);
    ck_assert_uint_eq(echo.served, 1);
    ck_assert(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
    guest_free(&g);
}
END_TEST

START_TEST(echo_reset_forgets_key)
{
    setup(0);
    virtio_mmio_write(&echo.mmio, VIRTIO_MMIO_CONFIG + VIRTIO_ECHO_CFG_KEY, 1, 0x5a);
    ck_assert_uint_eq(echo.key, 0x5a);
    wr(VIRTIO_MMIO_STATUS, 0);
    ck_assert_uint_eq(echo.key, 0);
    ck_assert(!echo.queue.vq.ready);
    guest_free(&g);
}
END_TEST

static Suite *echo_suite(void)
{
    Suite *s = suite_create("virtio_echo");
    TCase *t = tcase_create("echo");
    tcase_add_test(t, echo_round_trip);
    tcase_add_test(t, echo_through_indirect_table_with_event_idx);
    tcase_add_test(t, echo_drops_a_hostile_chain_and_serves_the_next);
    tcase_add_test(t, echo_reset_forgets_key);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(echo_suite());
}
