/* The VMM's virtio-input keyboard (servers/vmm/core/vinput.c on core/vdev.c) against a fake
 * keyboard server: the identity and the configuration space a guest driver reads through
 * select/subsel (name, ids, the key and LED bitmaps, nothing for EV_REP), read-only bytes,
 * replies that break the protocol, the two queues, and every key the PS/2 decoder can make
 * named in the bitmap. */
#include "check_run.h"
#include "core/vinput.h"
#include "keyboard/evdev_codes.h"
#include "keyboard/ps2_set1.h"
#include "vblk_fake.h"
#include "vmm_fixture.h"

#include <hv/abi/error.h>
#include <hv/virtio/virtio_spec.h>
#include <string.h>

#define BASE 0x0a000400ull
#define RING(q) (VBLK_FAKE_RAM_GPA + 0x4000 * (q))
#define CFG(off) (BASE + VIRTIO_MMIO_CONFIG + (off))

static struct vblk_fake srv;
static struct vmm_vdev vi;

static void setup(void)
{
    fixture_setup();
    vblk_fake_init(&srv);
    srv.open_len = HV_INPUT_OPEN_REPLY_WORDS;
    srv.open_reply[0] = HV_INPUT_VERSION;
    srv.open_reply[1] = 0;
    srv.open_reply[2] = 256;
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
    return vmm_vinput_open(&vi, &a64.vmm, &s);
}

static void open_ok(void)
{
    ck_assert_int_eq(open_with(), HV_OK);
    ck_assert_int_eq(vmm_vdev_attach(&vi, BASE), HV_OK);
}

/* As Linux's virtinput_cfg_select: one byte each for select and subsel, then size. */
static unsigned select_cfg(uint8_t select, uint8_t subsel)
{
    bus_write(CFG(VINPUT_CFG_SELECT), 1, select);
    bus_write(CFG(VINPUT_CFG_SUBSEL), 1, subsel);
    return (unsigned)bus_read(CFG(VINPUT_CFG_SIZE), 1);
}

static uint8_t union_byte(unsigned i)
{
    return (uint8_t)bus_read(CFG(VINPUT_CFG_UNION + i), 1);
}

static bool bit(unsigned b)
{
    return union_byte(b / 8) & (1u << (b % 8));
}

START_TEST(identity)
{
    open_ok();
    ck_assert_uint_eq(srv.calls[0].label, HV_VDEV_OPEN);
    ck_assert_uint_eq(srv.calls[0].w[0], HV_INPUT_VERSION);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), 18);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION), 2);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES) & 0xffffffu, 0);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    ck_assert(rd(VIRTIO_MMIO_DEVICE_FEATURES) & 1); /* VERSION_1 */
    /* Before any select: UNSET, size 0. */
    ck_assert_uint_eq(bus_read(CFG(VINPUT_CFG_SIZE), 1), 0);
}
END_TEST

START_TEST(name_and_ids)
{
    open_ok();
    unsigned n = select_cfg(VINPUT_CFG_ID_NAME, 0);
    ck_assert_uint_eq(n, strlen("Duet keyboard"));
    char name[32] = {0};
    for (unsigned i = 0; i < n; i++)
        name[i] = (char)union_byte(i);
    ck_assert_str_eq(name, "Duet keyboard");
    ck_assert_uint_eq(select_cfg(VINPUT_CFG_ID_DEVIDS, 0), 8);
    ck_assert_uint_eq(bus_read(CFG(VINPUT_CFG_UNION), 2), VINPUT_BUS_VIRTUAL);
    ck_assert_uint_eq(bus_read(CFG(VINPUT_CFG_UNION + 2), 2), VINPUT_VENDOR);
    ck_assert_uint_eq(bus_read(CFG(VINPUT_CFG_UNION + 4), 2), VINPUT_PRODUCT);
    ck_assert_uint_eq(bus_read(CFG(VINPUT_CFG_UNION + 6), 2), VINPUT_VERSION);
    /* Nothing behind the selects a keyboard does not have; the union reads as zero. */
    static const uint8_t none[][2] = {{VINPUT_CFG_UNSET, 0}, {VINPUT_CFG_ID_SERIAL, 0},
                                      {VINPUT_CFG_PROP_BITS, 0}, {VINPUT_CFG_ABS_INFO, 0},
                                      {VINPUT_CFG_EV_BITS, EV_REP}, {VINPUT_CFG_EV_BITS, EV_SYN},
                                      {VINPUT_CFG_EV_BITS, 0x03}, {0x55, 0}, {0xff, 0xff}};
    for (unsigned i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        ck_assert_uint_eq(select_cfg(none[i][0], none[i][1]), 0);
        for (unsigned j = 0; j < VINPUT_CFG_UNION_SIZE; j++)
            ck_assert_uint_eq(union_byte(j), 0);
    }
}
END_TEST

START_TEST(key_and_led_bitmaps)
{
    open_ok();
    unsigned n = select_cfg(VINPUT_CFG_EV_BITS, EV_KEY);
    ck_assert_uint_eq(n, KEY_STOPCD / 8 + 1);
    unsigned set = 0;
    for (unsigned code = 0; code < 8 * VINPUT_CFG_UNION_SIZE; code++) {
        ck_assert_int_eq(bit(code), vinput_key_offered(code));
        set += bit(code);
    }
    ck_assert(bit(KEY_A) && bit(KEY_F12) && bit(KEY_LEFTCTRL) && bit(KEY_RIGHTALT));
    ck_assert(!bit(KEY_RESERVED));
    ck_assert_uint_ge(set, 105);
    ck_assert_uint_eq(select_cfg(VINPUT_CFG_EV_BITS, EV_LED), 1);
    ck_assert_uint_eq(union_byte(0), 0x7); /* NUML, CAPSL, SCROLLL */
    /* A 16-bit write of select and subsel together selects as well. */
    bus_write(CFG(VINPUT_CFG_SELECT), 2, VINPUT_CFG_EV_BITS | EV_KEY << 8);
    ck_assert_uint_eq(bus_read(CFG(VINPUT_CFG_SIZE), 1), n);
}
END_TEST

START_TEST(read_only_bytes)
{
    open_ok();
    select_cfg(VINPUT_CFG_ID_NAME, 0);
    /* size, reserved and the union are the device's: a guest's writes there change nothing. */
    bus_write(CFG(VINPUT_CFG_SIZE), 1, 0x7f);
    for (unsigned i = 3; i < VINPUT_CFG_BYTES; i++)
        bus_write(CFG(i), 1, 0xaa);
    ck_assert_uint_eq(bus_read(CFG(VINPUT_CFG_SIZE), 1), strlen("Duet keyboard"));
    ck_assert_uint_eq(union_byte(0), 'D');
    ck_assert_uint_eq(union_byte(20), 0);
    /* Past the end and misaligned: refused by the transport, nothing read or written. */
    ck_assert_uint_eq(bus_read(CFG(VINPUT_CFG_BYTES), 1), 0);
    ck_assert_uint_eq(bus_read(CFG(1), 2), 0);
    bus_write(CFG(VINPUT_CFG_BYTES - 4), 8, ~0ull);
    ck_assert_uint_eq(union_byte(VINPUT_CFG_UNION_SIZE - 1), 0);
}
END_TEST

START_TEST(replies_that_break_the_protocol)
{
    const struct {
        unsigned word;
        uint64_t value;
    } bad[] = {
        {0, HV_INPUT_VERSION + 1},           /* another version */
        {1, 1},                              /* a device feature virtio-input does not have */
        {1, VIRTIO_BIT(VIRTIO_F_VERSION_1)}, /* a transport bit */
        {2, 0},                              /* no queue */
        {2, 100},                            /* not a power of two */
        {2, 0x10000},                        /* too large */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        teardown();
        setup();
        srv.open_reply[bad[i].word] = bad[i].value;
        ck_assert_int_eq(open_with(), HV_EFORMAT);
    }
    teardown();
    setup();
    srv.open_len = HV_INPUT_OPEN_REPLY_WORDS + 1;
    ck_assert_int_eq(open_with(), HV_EFORMAT);
    teardown();
    setup();
    srv.open_result = HV_EPERM; /* the server refuses this VMM */
    ck_assert_int_eq(open_with(), HV_EPERM);
}
END_TEST

static void bring_up_queue(unsigned q)
{
    wr(VIRTIO_MMIO_QUEUE_SEL, q);
    wr(VIRTIO_MMIO_QUEUE_NUM, 64);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)RING(q));
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(RING(q) + 0x1000));
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(RING(q) + 0x2000));
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

START_TEST(two_queues_and_a_reset)
{
    open_ok();
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(VIRTIO_MMIO_STATUS,
       VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    wr(VIRTIO_MMIO_QUEUE_SEL, 1);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
    wr(VIRTIO_MMIO_QUEUE_SEL, 2);
    ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0); /* a third queue does not exist */
    bring_up_queue(0);
    bring_up_queue(1);
    ck_assert_uint_eq(srv.setups, 2);
    ck_assert_uint_eq(srv.calls[2].w[0] & 0xffff, 1);
    ck_assert_uint_eq(srv.calls[2].w[0] >> 16, 64);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                               VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(srv.doorbells, 1);
    srv.shared.irq = HV_VDEV_IRQ_USED;
    vmm_vdev_complete(&vi);
    ck_assert(srv.level);
    wr(VIRTIO_MMIO_STATUS, 0); /* the guest's reset: the server is told */
    ck_assert_uint_eq(srv.resets, 1);
    ck_assert(!srv.level);
    /* After the reset the selection is what the driver writes next: the config still works. */
    ck_assert_uint_eq(select_cfg(VINPUT_CFG_ID_NAME, 0), strlen("Duet keyboard"));
}
END_TEST

static void check_offered(const struct key_event *ev, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        ck_assert_msg(vinput_key_offered(ev[i].code), "PS/2 makes code %u, not in the bitmap",
                      (unsigned)ev[i].code);
}

/* Every key the x86 keyboard's decoder can produce is one the guest's device says it has: a key
 * missing from the bitmap would be dropped by the guest's input core. */
START_TEST(every_ps2_key_is_offered)
{
    struct ps2_set1 d;
    struct key_event ev[PS2_EVENTS_MAX];
    unsigned total = 0;
    for (unsigned prefix = 0; prefix < 2; prefix++) {
        for (unsigned b = 0; b < 0x100; b++) {
            ps2_set1_init(&d);
            if (prefix)
                check_offered(ev, ps2_set1_feed(&d, 0xe0, ev));
            unsigned n = ps2_set1_feed(&d, (uint8_t)b, ev);
            check_offered(ev, n);
            total += n;
        }
    }
    static const uint8_t pause[] = {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5};
    ps2_set1_init(&d);
    for (unsigned i = 0; i < sizeof(pause); i++) {
        unsigned n = ps2_set1_feed(&d, pause[i], ev);
        check_offered(ev, n);
        total += n;
    }
    ck_assert_uint_ge(total, 2 * 105); /* the decoder did make keys: makes and breaks */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vinput");
    TCase *t = tcase_create("vinput");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, identity);
    tcase_add_test(t, name_and_ids);
    tcase_add_test(t, key_and_led_bitmaps);
    tcase_add_test(t, read_only_bytes);
    tcase_add_test(t, replies_that_break_the_protocol);
    tcase_add_test(t, two_queues_and_a_reset);
    tcase_add_test(t, every_ps2_key_is_offered);
    suite_add_tcase(s, t);
    return check_run(s);
}
