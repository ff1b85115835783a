/* Unit tests for reading and writing virtio-input events (servers/keyboard/virtio_input_event.c):
 * the little-endian layout, and every malformed event a physical device could send refused. */
#include "check_run.h"
#include "virtio_input_event.h"
#include <linux/input-event-codes.h>

static enum vinput_kind decode(uint16_t type, uint16_t code, uint32_t value, struct key_event *k)
{
    const uint8_t b[8] = {(uint8_t)type,          (uint8_t)(type >> 8),  (uint8_t)code,
                          (uint8_t)(code >> 8),   (uint8_t)value,        (uint8_t)(value >> 8),
                          (uint8_t)(value >> 16), (uint8_t)(value >> 24)};
    return virtio_input_event_decode(b, k);
}

START_TEST(key_events_in_little_endian)
{
    struct key_event k = {0, 0};
    const uint8_t press_a[8] = {0x01, 0x00, 0x1e, 0x00, 0x01, 0x00, 0x00, 0x00};
    ck_assert_int_eq(virtio_input_event_decode(press_a, &k), VINPUT_KEY);
    ck_assert_uint_eq(k.code, KEY_A);
    ck_assert_uint_eq(k.value, 1);
    const uint8_t repeat_f12[8] = {0x01, 0x00, 0x58, 0x00, 0x02, 0x00, 0x00, 0x00};
    ck_assert_int_eq(virtio_input_event_decode(repeat_f12, &k), VINPUT_KEY);
    ck_assert_uint_eq(k.code, KEY_F12);
    ck_assert_uint_eq(k.value, 2);
    const uint8_t release_kpenter[8] = {0x01, 0x00, 0x60, 0x00, 0, 0, 0, 0};
    ck_assert_int_eq(virtio_input_event_decode(release_kpenter, &k), VINPUT_KEY);
    ck_assert_uint_eq(k.code, KEY_KPENTER);
    ck_assert_uint_eq(k.value, 0);
    ck_assert_int_eq(decode(EV_KEY, KEY_MAX, 1, &k), VINPUT_KEY); /* the last code there is */
    ck_assert_uint_eq(k.code, KEY_MAX);
}
END_TEST

START_TEST(sync_and_events_a_keyboard_ignores)
{
    struct key_event k;
    ck_assert_int_eq(decode(EV_SYN, SYN_REPORT, 0, &k), VINPUT_SYNC);
    ck_assert_int_eq(decode(EV_SYN, SYN_DROPPED, 0, &k), VINPUT_IGNORED);
    ck_assert_int_eq(decode(EV_MSC, MSC_SCAN, 0x7001e, &k), VINPUT_IGNORED);
    ck_assert_int_eq(decode(EV_LED, LED_CAPSL, 1, &k), VINPUT_IGNORED);
    ck_assert_int_eq(decode(EV_REP, REP_DELAY, 250, &k), VINPUT_IGNORED);
}
END_TEST

START_TEST(malformed_events_are_refused)
{
    struct key_event k = {0x1234, 0x56};
    ck_assert_int_eq(decode(EV_KEY, KEY_MAX + 1, 1, &k), VINPUT_BAD);
    ck_assert_int_eq(decode(EV_KEY, 0xffff, 0, &k), VINPUT_BAD);
    ck_assert_int_eq(decode(EV_KEY, KEY_RESERVED, 1, &k), VINPUT_BAD);
    ck_assert_int_eq(decode(EV_KEY, KEY_A, 3, &k), VINPUT_BAD);
    ck_assert_int_eq(decode(EV_KEY, KEY_A, 0xffffffffu, &k), VINPUT_BAD);
    ck_assert_int_eq(decode(EV_KEY, KEY_A, 0x100, &k), VINPUT_BAD); /* value's high bytes count */
    ck_assert_int_eq(decode(EV_REL, REL_X, 1, &k), VINPUT_BAD);
    ck_assert_int_eq(decode(EV_ABS, ABS_X, 1, &k), VINPUT_BAD);
    ck_assert_int_eq(decode(0xffff, 0, 0, &k), VINPUT_BAD);
    ck_assert_int_eq(decode(0x0100 | EV_KEY, KEY_A, 1, &k), VINPUT_BAD); /* type's high byte */
    /* A refused event leaves the key alone. */
    ck_assert_uint_eq(k.code, 0x1234);
    ck_assert_uint_eq(k.value, 0x56);
}
END_TEST

START_TEST(every_type_and_value_decided)
{
    /* No input is left undecided, and only EV_KEY with a code 1..KEY_MAX and a value 0..2 is
     * ever a key. */
    for (uint32_t type = 0; type < 0x40; type++)
        for (uint32_t value = 0; value < 4; value++) {
            struct key_event k;
            enum vinput_kind r = decode((uint16_t)type, KEY_B, value, &k);
            ck_assert(r == VINPUT_KEY || r == VINPUT_SYNC || r == VINPUT_IGNORED ||
                      r == VINPUT_BAD);
            ck_assert_int_eq(r == VINPUT_KEY, type == EV_KEY && value <= 2);
        }
}
END_TEST

START_TEST(encode_writes_little_endian)
{
    uint8_t b[8];
    struct virtio_input_event ev = {EV_KEY, KEY_RIGHTALT, 0x01020304};
    virtio_input_event_encode(&ev, b);
    const uint8_t want[8] = {0x01, 0x00, 0x64, 0x00, 0x04, 0x03, 0x02, 0x01};
    ck_assert_mem_eq(b, want, 8);
    struct virtio_input_event big = {0xabcd, 0x1234, 0};
    virtio_input_event_encode(&big, b);
    const uint8_t want_big[8] = {0xcd, 0xab, 0x34, 0x12, 0, 0, 0, 0};
    ck_assert_mem_eq(b, want_big, 8);
    /* and what is encoded decodes to the same key */
    struct virtio_input_event press = {EV_KEY, KEY_Z, 1};
    struct key_event k;
    virtio_input_event_encode(&press, b);
    ck_assert_int_eq(virtio_input_event_decode(b, &k), VINPUT_KEY);
    ck_assert_uint_eq(k.code, KEY_Z);
    ck_assert_uint_eq(k.value, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("virtio_input_event");
    TCase *tc = tcase_create("events");
    tcase_add_test(tc, key_events_in_little_endian);
    tcase_add_test(tc, sync_and_events_a_keyboard_ignores);
    tcase_add_test(tc, malformed_events_are_refused);
    tcase_add_test(tc, every_type_and_value_decided);
    tcase_add_test(tc, encode_writes_little_endian);
    suite_add_tcase(s, tc);
    return check_run(s);
}
