/* Check tests of the keyboard server's physical virtio keyboard driver
 * (servers/keyboard/vinput_kbd.c) against a virtio-input device played by the driver tests'
 * virtio-mmio model, legacy and modern: key events in order through many more events than
 * buffers, malformed and short events dropped and counted, and a device that lies about its
 * used ring stopped. */
#include "check_run.h"
#include "dev_model.h"
#include "evdev_codes.h"
#include "vinput_kbd.h"

#include <hv/bytes.h>
#include <hv/virtio/virtio_spec.h>
#include <hv/virtio/vmmio_driver.h>
#include <stdlib.h>
#include <string.h>

#define PHYS_PA 0x90000000ull

static struct mmio_model m;
static struct virtio_dma pdma;
static struct virtio_mem_region pregion;
static struct virtio_mem pmem;
static struct virtq evq; /* the device's side of the event queue */
static struct virtio_faults dev_faults;
static bool live;
static struct vmmio_drv drv;
static struct vinput_kbd kbd;

static struct key_event got[512];
static unsigned ngot;

static void key(struct key_event ev)
{
    ck_assert_uint_lt(ngot, 512);
    got[ngot++] = ev;
}

/* The device writes one event (bytes given, wrote of them claimed) into the next buffer. */
static void device_event(const uint8_t bytes[8], uint32_t wrote)
{
    if (!live) {
        ck_assert(mmio_model_queue(&m, 0, &pmem, &dev_faults, &evq));
        live = true;
    }
    struct virtq_seg segs[2];
    struct virtq_req req = {.segs = segs, .capacity = 2};
    ck_assert_int_eq(virtq_pop(&evq, &req), VIRTQ_POP_REQUEST);
    ck_assert_uint_eq(req.readable_bytes, 0);
    ck_assert_uint_eq(req.writable_bytes, 8);
    virtq_req_write(&req, 0, bytes, 8);
    ck_assert_int_eq(virtq_push(&evq, &req, wrote), VIRTQ_PUSH_OK);
}

static void device_key(uint16_t type, uint16_t code, uint32_t value)
{
    uint8_t b[8];
    hv_put_le16(b, type);
    hv_put_le16(b + 2, code);
    hv_put_le32(b + 4, value);
    device_event(b, 8);
}

static void setup_version(uint32_t version)
{
    mmio_model_init(&m, version, VIRTIO_ID_INPUT);
    m.features = VIRTIO_BIT(VIRTIO_F_VERSION_1);
    m.queue_max[0] = m.queue_max[1] = 64;
    pdma = (struct virtio_dma){aligned_alloc(4096, 0x10000), PHYS_PA, 0x10000};
    pregion = (struct virtio_mem_region){PHYS_PA, 0x10000, pdma.va};
    pmem = (struct virtio_mem){&pregion, 1};
    memset(&dev_faults, 0, sizeof(dev_faults));
    live = false;
    ngot = 0;
    struct virtio_regs r = mmio_model_regs(&m);
    ck_assert_int_eq(vmmio_drv_probe(&drv, &r, 0x200, VIRTIO_ID_INPUT), VIRTIO_DRV_OK);
    ck_assert_int_eq(vinput_kbd_init(&kbd, &drv.t, &pdma), VIRTIO_DRV_OK);
}

static void setup_legacy(void)
{
    setup_version(1);
}

static void setup_modern(void)
{
    setup_version(2);
}

static void teardown(void)
{
    free(pdma.va);
}

START_TEST(brought_up_with_buffers)
{
    ck_assert(m.status & VIRTIO_STATUS_DRIVER_OK);
    ck_assert_uint_eq(kbd.eventq.size, 64);
    ck_assert_uint_eq(kbd.eventq.inflight, 64);
    ck_assert_uint_ge(m.notifies[0], 1);
}
END_TEST

/* Five times the queue's size, in batches of 40: every buffer comes back and is reused, and
 * the keys arrive in order; SYN and MSC are well-formed but no key. */
START_TEST(keys_in_order_through_reused_buffers)
{
    unsigned sent = 0;
    for (unsigned batch = 0; batch < 8; batch++) {
        for (unsigned i = 0; i < 40; i++, sent++) {
            if (i % 4 == 3)
                device_key(EV_SYN, SYN_REPORT, 0);
            else if (i % 4 == 2)
                device_key(4 /* EV_MSC */, 4 /* MSC_SCAN */, 0x1e);
            else
                device_key(EV_KEY, (uint16_t)(KEY_A + sent % 10), sent % 3);
        }
        vinput_kbd_poll(&kbd, key);
        ck_assert(!kbd.broken);
        ck_assert_uint_eq(kbd.eventq.inflight, 64);
    }
    ck_assert_uint_eq(ngot, 160);
    ck_assert_uint_eq(kbd.events, 160);
    for (unsigned n = 0, s = 0; s < sent; s++) {
        if (s % 40 % 4 >= 2)
            continue;
        ck_assert_uint_eq(got[n].code, KEY_A + s % 10);
        ck_assert_uint_eq(got[n].value, s % 3);
        n++;
    }
}
END_TEST

START_TEST(malformed_and_short_events_dropped)
{
    device_key(EV_KEY, KEY_CNT, 1);   /* past KEY_MAX */
    device_key(EV_KEY, KEY_A, 3);     /* no such value */
    device_key(0x1234, KEY_A, 1);     /* no such type */
    uint8_t b[8];
    hv_put_le16(b, EV_KEY);
    hv_put_le16(b + 2, KEY_B);
    hv_put_le32(b + 4, 1);
    device_event(b, 4); /* a well-formed key the device says it wrote half of */
    device_key(EV_KEY, KEY_C, 1);
    vinput_kbd_poll(&kbd, key);
    ck_assert(!kbd.broken);
    ck_assert_uint_eq(kbd.bad, 3);
    ck_assert_uint_eq(kbd.short_events, 1);
    ck_assert_uint_eq(ngot, 1);
    ck_assert_uint_eq(got[0].code, KEY_C);
    ck_assert_uint_eq(kbd.eventq.inflight, 64);
}
END_TEST

START_TEST(lying_device_is_stopped)
{
    /* A used entry for a descriptor that is no buffer's head, then one past the queue. */
    hv_put_le32(kbd.eventq.used + 4, 64);
    hv_put_le32(kbd.eventq.used + 8, 8);
    hv_put_le16(kbd.eventq.used + 2, 1);
    vinput_kbd_poll(&kbd, key);
    ck_assert(kbd.broken);
    ck_assert(m.status & VIRTIO_STATUS_FAILED);
    ck_assert_uint_eq(ngot, 0);
    vinput_kbd_poll(&kbd, key); /* stopped: nothing more is read */
    ck_assert_uint_eq(ngot, 0);
}
END_TEST

START_TEST(refuses_unfit_devices)
{
    struct vinput_kbd k2;
    struct mmio_model net;
    struct vmmio_drv d2;
    mmio_model_init(&net, 2, VIRTIO_ID_NET);
    struct virtio_regs r = mmio_model_regs(&net);
    ck_assert_int_eq(vmmio_drv_probe(&d2, &r, 0x200, VIRTIO_ID_NET), VIRTIO_DRV_OK);
    ck_assert_int_eq(vinput_kbd_init(&k2, &d2.t, &pdma), VIRTIO_DRV_WRONG_DEVICE);
    struct virtio_dma small = {pdma.va, PHYS_PA, VKBD_DMA_BYTES - 1};
    ck_assert_int_eq(vinput_kbd_init(&k2, &drv.t, &small), VIRTIO_DRV_QUEUE_MEMORY);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vinput_kbd_phys");
    static const char *const names[2] = {"legacy", "modern"};
    void (*setups[2])(void) = {setup_legacy, setup_modern};
    for (unsigned i = 0; i < 2; i++) {
        TCase *t = tcase_create(names[i]);
        tcase_add_checked_fixture(t, setups[i], teardown);
        tcase_add_test(t, brought_up_with_buffers);
        tcase_add_test(t, keys_in_order_through_reused_buffers);
        tcase_add_test(t, malformed_and_short_events_dropped);
        tcase_add_test(t, lying_device_is_stopped);
        tcase_add_test(t, refuses_unfit_devices);
        suite_add_tcase(s, t);
    }
    return check_run(s);
}
