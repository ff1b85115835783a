/* Unit tests for the PS/2 scancode set 1 decoder (servers/keyboard/ps2_set1.c): every key of a
 * 105-key ISO keyboard, the prefixes, Pause and PrintScreen, and malformed streams. The
 * expected codes come from the host's linux/input-event-codes.h, not from the server's table. */
#include "check_run.h"
#include "ps2_set1.h"
#include <linux/input-event-codes.h>
#include <stdio.h>
#include <string.h>

static struct ps2_set1 d;
static struct key_event ev[64];
static unsigned nev;

static void setup(void)
{
    ps2_set1_init(&d);
    nev = 0;
}

static void feed(const uint8_t *bytes, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct key_event out[PS2_EVENTS_MAX];
        unsigned got = ps2_set1_feed(&d, bytes[i], out);
        ck_assert_uint_le(got, PS2_EVENTS_MAX);
        for (unsigned j = 0; j < got; j++) {
            ck_assert_uint_lt(nev, sizeof(ev) / sizeof(ev[0]));
            ev[nev++] = out[j];
        }
    }
}

#define FEED(...)                                                                                  \
    do {                                                                                           \
        const uint8_t b_[] = {__VA_ARGS__};                                                        \
        feed(b_, sizeof(b_));                                                                      \
    } while (0)

static void expect(unsigned i, uint16_t code, uint8_t value)
{
    ck_assert_uint_gt(nev, i);
    ck_assert_msg(ev[i].code == code && ev[i].value == value, "event %u: %u/%u, wanted %u/%u", i,
                  ev[i].code, ev[i].value, code, value);
}

/* A key of the layout: its make code (0xE0-prefixed when e0) and its evdev code. */
struct layout_key {
    const char *label;
    uint8_t e0, make;
    uint16_t code;
};

/* The 105 keys of an ISO PC keyboard, row by row, less PrintScreen and Pause (their own tests
 * below, and counted there). */
static const struct layout_key layout[] = {
    {"Esc", 0, 0x01, KEY_ESC},
    {"F1", 0, 0x3b, KEY_F1},
    {"F2", 0, 0x3c, KEY_F2},
    {"F3", 0, 0x3d, KEY_F3},
    {"F4", 0, 0x3e, KEY_F4},
    {"F5", 0, 0x3f, KEY_F5},
    {"F6", 0, 0x40, KEY_F6},
    {"F7", 0, 0x41, KEY_F7},
    {"F8", 0, 0x42, KEY_F8},
    {"F9", 0, 0x43, KEY_F9},
    {"F10", 0, 0x44, KEY_F10},
    {"F11", 0, 0x57, KEY_F11},
    {"F12", 0, 0x58, KEY_F12},
    {"ScrollLock", 0, 0x46, KEY_SCROLLLOCK},
    {"`", 0, 0x29, KEY_GRAVE},
    {"1", 0, 0x02, KEY_1},
    {"2", 0, 0x03, KEY_2},
    {"3", 0, 0x04, KEY_3},
    {"4", 0, 0x05, KEY_4},
    {"5", 0, 0x06, KEY_5},
    {"6", 0, 0x07, KEY_6},
    {"7", 0, 0x08, KEY_7},
    {"8", 0, 0x09, KEY_8},
    {"9", 0, 0x0a, KEY_9},
    {"0", 0, 0x0b, KEY_0},
    {"-", 0, 0x0c, KEY_MINUS},
    {"=", 0, 0x0d, KEY_EQUAL},
    {"Backspace", 0, 0x0e, KEY_BACKSPACE},
    {"Tab", 0, 0x0f, KEY_TAB},
    {"Q", 0, 0x10, KEY_Q},
    {"W", 0, 0x11, KEY_W},
    {"E", 0, 0x12, KEY_E},
    {"R", 0, 0x13, KEY_R},
    {"T", 0, 0x14, KEY_T},
    {"Y", 0, 0x15, KEY_Y},
    {"U", 0, 0x16, KEY_U},
    {"I", 0, 0x17, KEY_I},
    {"O", 0, 0x18, KEY_O},
    {"P", 0, 0x19, KEY_P},
    {"[", 0, 0x1a, KEY_LEFTBRACE},
    {"]", 0, 0x1b, KEY_RIGHTBRACE},
    {"Enter", 0, 0x1c, KEY_ENTER},
    {"CapsLock", 0, 0x3a, KEY_CAPSLOCK},
    {"A", 0, 0x1e, KEY_A},
    {"S", 0, 0x1f, KEY_S},
    {"D", 0, 0x20, KEY_D},
    {"F", 0, 0x21, KEY_F},
    {"G", 0, 0x22, KEY_G},
    {"H", 0, 0x23, KEY_H},
    {"J", 0, 0x24, KEY_J},
    {"K", 0, 0x25, KEY_K},
    {"L", 0, 0x26, KEY_L},
    {";", 0, 0x27, KEY_SEMICOLON},
    {"'", 0, 0x28, KEY_APOSTROPHE},
    {"# (ISO, where US has \\)", 0, 0x2b, KEY_BACKSLASH},
    {"LeftShift", 0, 0x2a, KEY_LEFTSHIFT},
    {"< > (ISO 102nd)", 0, 0x56, KEY_102ND},
    {"Z", 0, 0x2c, KEY_Z},
    {"X", 0, 0x2d, KEY_X},
    {"C", 0, 0x2e, KEY_C},
    {"V", 0, 0x2f, KEY_V},
    {"B", 0, 0x30, KEY_B},
    {"N", 0, 0x31, KEY_N},
    {"M", 0, 0x32, KEY_M},
    {",", 0, 0x33, KEY_COMMA},
    {".", 0, 0x34, KEY_DOT},
    {"/", 0, 0x35, KEY_SLASH},
    {"RightShift", 0, 0x36, KEY_RIGHTSHIFT},
    {"LeftCtrl", 0, 0x1d, KEY_LEFTCTRL},
    {"LeftMeta", 1, 0x5b, KEY_LEFTMETA},
    {"LeftAlt", 0, 0x38, KEY_LEFTALT},
    {"Space", 0, 0x39, KEY_SPACE},
    {"RightAlt (AltGr)", 1, 0x38, KEY_RIGHTALT},
    {"RightMeta", 1, 0x5c, KEY_RIGHTMETA},
    {"Menu", 1, 0x5d, KEY_COMPOSE},
    {"RightCtrl", 1, 0x1d, KEY_RIGHTCTRL},
    {"Insert", 1, 0x52, KEY_INSERT},
    {"Home", 1, 0x47, KEY_HOME},
    {"PageUp", 1, 0x49, KEY_PAGEUP},
    {"Delete", 1, 0x53, KEY_DELETE},
    {"End", 1, 0x4f, KEY_END},
    {"PageDown", 1, 0x51, KEY_PAGEDOWN},
    {"Up", 1, 0x48, KEY_UP},
    {"Left", 1, 0x4b, KEY_LEFT},
    {"Down", 1, 0x50, KEY_DOWN},
    {"Right", 1, 0x4d, KEY_RIGHT},
    {"NumLock", 0, 0x45, KEY_NUMLOCK},
    {"KP/", 1, 0x35, KEY_KPSLASH},
    {"KP*", 0, 0x37, KEY_KPASTERISK},
    {"KP-", 0, 0x4a, KEY_KPMINUS},
    {"KP7", 0, 0x47, KEY_KP7},
    {"KP8", 0, 0x48, KEY_KP8},
    {"KP9", 0, 0x49, KEY_KP9},
    {"KP+", 0, 0x4e, KEY_KPPLUS},
    {"KP4", 0, 0x4b, KEY_KP4},
    {"KP5", 0, 0x4c, KEY_KP5},
    {"KP6", 0, 0x4d, KEY_KP6},
    {"KP1", 0, 0x4f, KEY_KP1},
    {"KP2", 0, 0x50, KEY_KP2},
    {"KP3", 0, 0x51, KEY_KP3},
    {"KPEnter", 1, 0x1c, KEY_KPENTER},
    {"KP0", 0, 0x52, KEY_KP0},
    {"KP.", 0, 0x53, KEY_KPDOT},
};
#define LAYOUT_KEYS (sizeof(layout) / sizeof(layout[0]))

START_TEST(every_key_of_the_105_key_layout)
{
    ck_assert_uint_eq(LAYOUT_KEYS + 2, 105); /* + PrintScreen and Pause */
    for (unsigned i = 0; i < LAYOUT_KEYS; i++) {
        const struct layout_key *k = &layout[i];
        setup();
        if (k->e0)
            FEED(0xe0, k->make, 0xe0, (uint8_t)(k->make | 0x80));
        else
            FEED(k->make, (uint8_t)(k->make | 0x80));
        ck_assert_msg(nev == 2, "%s: %u events", k->label, nev);
        ck_assert_msg(ev[0].code == k->code && ev[0].value == 1, "%s: press gave %u/%u", k->label,
                      ev[0].code, ev[0].value);
        ck_assert_msg(ev[1].code == k->code && ev[1].value == 0, "%s: release gave %u/%u", k->label,
                      ev[1].code, ev[1].value);
        ck_assert_uint_eq(d.unknown + d.malformed + d.errors, 0);
    }
}
END_TEST

START_TEST(layout_codes_are_distinct)
{
    for (unsigned i = 0; i < LAYOUT_KEYS; i++)
        for (unsigned j = i + 1; j < LAYOUT_KEYS; j++)
            ck_assert_msg(layout[i].code != layout[j].code, "%s and %s", layout[i].label,
                          layout[j].label);
}
END_TEST

START_TEST(printscreen_with_its_fake_shifts)
{
    FEED(0xe0, 0x2a, 0xe0, 0x37); /* press: fake LeftShift, then the key */
    ck_assert_uint_eq(nev, 1);
    expect(0, KEY_SYSRQ, 1);
    FEED(0xe0, 0xb7, 0xe0, 0xaa); /* release: the key, then the fake shift's break */
    ck_assert_uint_eq(nev, 2);
    expect(1, KEY_SYSRQ, 0);
    /* With Shift held the keyboard sends no fake shift; with Alt held it sends SysRq's 54. */
    FEED(0xe0, 0x37, 0xe0, 0xb7, 0x54, 0xd4);
    ck_assert_uint_eq(nev, 6);
    expect(2, KEY_SYSRQ, 1);
    expect(3, KEY_SYSRQ, 0);
    expect(4, KEY_SYSRQ, 1);
    expect(5, KEY_SYSRQ, 0);
    ck_assert_uint_eq(d.unknown + d.malformed + d.errors, 0);
}
END_TEST

START_TEST(fake_shifts_around_extended_keys_are_no_key)
{
    /* Insert with NumLock on: E0 2A E0 52 ... E0 D2 E0 AA; and the right-shift variants. */
    FEED(0xe0, 0x2a, 0xe0, 0x52, 0xe0, 0xd2, 0xe0, 0xaa, 0xe0, 0x36, 0xe0, 0xb6);
    ck_assert_uint_eq(nev, 2);
    expect(0, KEY_INSERT, 1);
    expect(1, KEY_INSERT, 0);
    /* A real left shift (no prefix) still is one. */
    FEED(0x2a, 0xaa);
    expect(2, KEY_LEFTSHIFT, 1);
    expect(3, KEY_LEFTSHIFT, 0);
}
END_TEST

START_TEST(pause_is_a_press_and_a_release)
{
    FEED(0xe1, 0x1d, 0x45, 0xe1, 0x9d);
    ck_assert_uint_eq(nev, 0); /* nothing until the sequence is whole */
    FEED(0xc5);
    ck_assert_uint_eq(nev, 2);
    expect(0, KEY_PAUSE, 1);
    expect(1, KEY_PAUSE, 0);
    /* Ctrl+Pause is Break: E0 46 / E0 C6, the same key to Linux. */
    FEED(0xe0, 0x46, 0xe0, 0xc6);
    expect(2, KEY_PAUSE, 1);
    expect(3, KEY_PAUSE, 0);
    ck_assert_uint_eq(d.unknown + d.malformed + d.errors, 0);
}
END_TEST

START_TEST(a_typematic_repeat_is_another_make_code)
{
    FEED(0x1e, 0x1e, 0x1e, 0x9e);
    ck_assert_uint_eq(nev, 4);
    expect(0, KEY_A, 1);
    expect(1, KEY_A, 1); /* the core, which knows A is down, calls it a repeat */
    expect(2, KEY_A, 1);
    expect(3, KEY_A, 0);
}
END_TEST

START_TEST(a_broken_pause_never_takes_the_next_key)
{
    /* At every point of Pause's sequence, a stray A instead of the next byte. */
    static const uint8_t pause_seq[] = {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5};
    for (unsigned cut = 1; cut < sizeof(pause_seq); cut++) {
        setup();
        feed(pause_seq, cut);
        FEED(0x1e);
        ck_assert_msg(nev == 1 && ev[0].code == KEY_A && ev[0].value == 1,
                      "cut after %u bytes: %u events", cut, nev);
        ck_assert_uint_eq(d.malformed, 1);
        /* and the decoder is back to normal */
        FEED(0x9e);
        expect(1, KEY_A, 0);
    }
}
END_TEST

START_TEST(a_prefix_after_a_prefix_starts_again)
{
    FEED(0xe0, 0xe0, 0x1c);
    ck_assert_uint_eq(nev, 1);
    expect(0, KEY_KPENTER, 1);
    ck_assert_uint_eq(d.malformed, 1);
    FEED(0xe0, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5); /* E0 then Pause: Pause */
    expect(1, KEY_PAUSE, 1);
    expect(2, KEY_PAUSE, 0);
    ck_assert_uint_eq(d.malformed, 2);
}
END_TEST

START_TEST(error_codes_and_command_replies_are_no_key)
{
    FEED(0x00, 0xff, 0xe0, 0x00, 0xe0, 0xff);
    ck_assert_uint_eq(nev, 0);
    ck_assert_uint_eq(d.errors, 4);
    ck_assert_uint_eq(d.malformed, 2);
    FEED(0xfa, 0xfe, 0xee); /* ACK, resend, echo */
    ck_assert_uint_eq(nev, 0);
    ck_assert_uint_eq(d.unknown, 3);
    FEED(0x1e);
    expect(0, KEY_A, 1);
}
END_TEST

START_TEST(every_byte_alone_and_after_each_prefix)
{
    /* 0..255 from idle: a known key or nothing, and the decoder is idle afterwards; the same
     * after 0xE0. Nothing decodes to a code outside the layout and the media keys. */
    unsigned keys = 0, e0_keys = 0;
    for (unsigned b = 0; b < 256; b++) {
        setup();
        FEED((uint8_t)b, 0x1e);
        if (b == 0xe0 || b == 0xe1)
            continue;
        ck_assert_uint_ge(nev, 1);
        keys += nev - 1;
        expect(nev - 1, KEY_A, 1); /* the A after it decodes as A */
        setup();
        FEED(0xe0, (uint8_t)b, 0x1e);
        ck_assert_uint_ge(nev, 1);
        e0_keys += nev - 1;
        expect(nev - 1, KEY_A, 1);
        for (unsigned i = 0; i + 1 < nev; i++)
            ck_assert_uint_lt(ev[i].code, KEY_CNT);
    }
    /* 87 plain make codes (0x01..0x54, 0x56..0x58), each as make and break; 29 after 0xE0. */
    ck_assert_uint_eq(keys, 2 * 87);
    ck_assert_uint_eq(e0_keys, 2 * 29);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ps2_set1");
    TCase *tc = tcase_create("decoder");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, every_key_of_the_105_key_layout);
    tcase_add_test(tc, layout_codes_are_distinct);
    tcase_add_test(tc, printscreen_with_its_fake_shifts);
    tcase_add_test(tc, fake_shifts_around_extended_keys_are_no_key);
    tcase_add_test(tc, pause_is_a_press_and_a_release);
    tcase_add_test(tc, a_typematic_repeat_is_another_make_code);
    tcase_add_test(tc, a_broken_pause_never_takes_the_next_key);
    tcase_add_test(tc, a_prefix_after_a_prefix_starts_again);
    tcase_add_test(tc, error_codes_and_command_replies_are_no_key);
    tcase_add_test(tc, every_byte_alone_and_after_each_prefix);
    suite_add_tcase(s, tc);
    return check_run(s);
}
