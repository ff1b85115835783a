/* Scancode set 1 to evdev key codes: two tables (plain and 0xE0-prefixed make codes) and a
 * small state machine for the prefixes; docs/trusted-path.md says where the bytes come from. */
#include "ps2_set1.h"
#include "evdev_codes.h"

#define PS2_PREFIX_E0 0xe0
#define PS2_PREFIX_E1 0xe1
#define PS2_BREAK 0x80   /* a break code is its make code with bit 7 set */
#define PS2_OVERRUN 0x00 /* the keyboard's buffer overran */
#define PS2_ERROR 0xff   /* key detection error */

/* Make codes without a prefix. 0x01..0x53 equal their evdev codes by Linux's design, but the
 * table spells every key out so that a reader can check it against a keyboard's chart. */
static const uint16_t set1_plain[128] = {
    [0x01] = KEY_ESC,
    [0x02] = KEY_1,
    [0x03] = KEY_2,
    [0x04] = KEY_3,
    [0x05] = KEY_4,
    [0x06] = KEY_5,
    [0x07] = KEY_6,
    [0x08] = KEY_7,
    [0x09] = KEY_8,
    [0x0a] = KEY_9,
    [0x0b] = KEY_0,
    [0x0c] = KEY_MINUS,
    [0x0d] = KEY_EQUAL,
    [0x0e] = KEY_BACKSPACE,
    [0x0f] = KEY_TAB,
    [0x10] = KEY_Q,
    [0x11] = KEY_W,
    [0x12] = KEY_E,
    [0x13] = KEY_R,
    [0x14] = KEY_T,
    [0x15] = KEY_Y,
    [0x16] = KEY_U,
    [0x17] = KEY_I,
    [0x18] = KEY_O,
    [0x19] = KEY_P,
    [0x1a] = KEY_LEFTBRACE,
    [0x1b] = KEY_RIGHTBRACE,
    [0x1c] = KEY_ENTER,
    [0x1d] = KEY_LEFTCTRL,
    [0x1e] = KEY_A,
    [0x1f] = KEY_S,
    [0x20] = KEY_D,
    [0x21] = KEY_F,
    [0x22] = KEY_G,
    [0x23] = KEY_H,
    [0x24] = KEY_J,
    [0x25] = KEY_K,
    [0x26] = KEY_L,
    [0x27] = KEY_SEMICOLON,
    [0x28] = KEY_APOSTROPHE,
    [0x29] = KEY_GRAVE,
    [0x2a] = KEY_LEFTSHIFT,
    [0x2b] = KEY_BACKSLASH,
    [0x2c] = KEY_Z,
    [0x2d] = KEY_X,
    [0x2e] = KEY_C,
    [0x2f] = KEY_V,
    [0x30] = KEY_B,
    [0x31] = KEY_N,
    [0x32] = KEY_M,
    [0x33] = KEY_COMMA,
    [0x34] = KEY_DOT,
    [0x35] = KEY_SLASH,
    [0x36] = KEY_RIGHTSHIFT,
    [0x37] = KEY_KPASTERISK,
    [0x38] = KEY_LEFTALT,
    [0x39] = KEY_SPACE,
    [0x3a] = KEY_CAPSLOCK,
    [0x3b] = KEY_F1,
    [0x3c] = KEY_F2,
    [0x3d] = KEY_F3,
    [0x3e] = KEY_F4,
    [0x3f] = KEY_F5,
    [0x40] = KEY_F6,
    [0x41] = KEY_F7,
    [0x42] = KEY_F8,
    [0x43] = KEY_F9,
    [0x44] = KEY_F10,
    [0x45] = KEY_NUMLOCK,
    [0x46] = KEY_SCROLLLOCK,
    [0x47] = KEY_KP7,
    [0x48] = KEY_KP8,
    [0x49] = KEY_KP9,
    [0x4a] = KEY_KPMINUS,
    [0x4b] = KEY_KP4,
    [0x4c] = KEY_KP5,
    [0x4d] = KEY_KP6,
    [0x4e] = KEY_KPPLUS,
    [0x4f] = KEY_KP1,
    [0x50] = KEY_KP2,
    [0x51] = KEY_KP3,
    [0x52] = KEY_KP0,
    [0x53] = KEY_KPDOT,
    [0x54] = KEY_SYSRQ, /* PrintScreen while Alt is held: SysRq has a code of its own */
    [0x56] = KEY_102ND,
    [0x57] = KEY_F11,
    [0x58] = KEY_F12,
};

/* Make codes after 0xE0: the keys a 105-key keyboard added to the XT's, and a few media keys
 * QEMU's keyboard can send. */
static const uint16_t set1_e0[128] = {
    [0x10] = KEY_PREVIOUSSONG, [0x19] = KEY_NEXTSONG,   [0x1c] = KEY_KPENTER,
    [0x1d] = KEY_RIGHTCTRL,    [0x20] = KEY_MUTE,       [0x22] = KEY_PLAYPAUSE,
    [0x24] = KEY_STOPCD,       [0x2e] = KEY_VOLUMEDOWN, [0x30] = KEY_VOLUMEUP,
    [0x35] = KEY_KPSLASH,      [0x37] = KEY_SYSRQ,      [0x38] = KEY_RIGHTALT,
    [0x46] = KEY_PAUSE, /* Ctrl+Pause (Break) sends E0 46 / E0 C6 */
    [0x47] = KEY_HOME,         [0x48] = KEY_UP,         [0x49] = KEY_PAGEUP,
    [0x4b] = KEY_LEFT,         [0x4d] = KEY_RIGHT,      [0x4f] = KEY_END,
    [0x50] = KEY_DOWN,         [0x51] = KEY_PAGEDOWN,   [0x52] = KEY_INSERT,
    [0x53] = KEY_DELETE,       [0x5b] = KEY_LEFTMETA,   [0x5c] = KEY_RIGHTMETA,
    [0x5d] = KEY_COMPOSE,      [0x5e] = KEY_POWER,      [0x5f] = KEY_SLEEP,
    [0x63] = KEY_WAKEUP,
};

/* E0 2A / E0 36 (and their breaks) are "fake shifts" a keyboard wraps around an extended key
 * (PrintScreen: E0 2A E0 37) so that an XT-era driver ignores the shift state: no key. */
#define SET1_FAKE_LSHIFT 0x2a
#define SET1_FAKE_RSHIFT 0x36

/* Pause has no break code: it sends E1 1D 45 E1 9D C5 when pressed and nothing when let go. */
static const uint8_t pause_tail[] = {0x1d, 0x45, 0xe1, 0x9d, 0xc5};

void ps2_set1_init(struct ps2_set1 *d)
{
    *d = (struct ps2_set1){.state = PS2_IDLE};
}

static unsigned key(uint16_t code, uint8_t byte, struct key_event *out)
{
    out->code = code;
    out->value = (byte & PS2_BREAK) ? KEY_VALUE_RELEASE : KEY_VALUE_PRESS;
    return 1;
}

static unsigned feed_idle(struct ps2_set1 *d, uint8_t byte, struct key_event *out)
{
    if (byte == PS2_PREFIX_E0) {
        d->state = PS2_E0;
        return 0;
    }
    if (byte == PS2_PREFIX_E1) {
        d->state = PS2_E1;
        d->e1_pos = 0;
        return 0;
    }
    if (byte == PS2_OVERRUN || byte == PS2_ERROR) {
        d->errors++;
        return 0;
    }
    uint16_t code = set1_plain[byte & ~PS2_BREAK];
    if (code == KEY_RESERVED) {
        d->unknown++; /* also the keyboard's command replies (0xFA ACK, 0xFE resend, 0xEE) */
        return 0;
    }
    return key(code, byte, out);
}

static unsigned feed_e0(struct ps2_set1 *d, uint8_t byte, struct key_event *out)
{
    d->state = PS2_IDLE;
    if (byte == PS2_PREFIX_E0 || byte == PS2_PREFIX_E1 || byte == PS2_OVERRUN ||
        byte == PS2_ERROR) {
        /* A prefix can't follow 0xE0: this byte starts something new. */
        d->malformed++;
        return feed_idle(d, byte, out);
    }
    uint8_t make = byte & ~PS2_BREAK;
    if (make == SET1_FAKE_LSHIFT || make == SET1_FAKE_RSHIFT)
        return 0;
    uint16_t code = set1_e0[make];
    if (code == KEY_RESERVED) {
        d->unknown++;
        return 0;
    }
    return key(code, byte, out);
}

static unsigned feed_e1(struct ps2_set1 *d, uint8_t byte, struct key_event *out)
{
    if (byte != pause_tail[d->e1_pos]) {
        /* Not Pause after all (a lost byte, a confused keyboard): the byte is decoded afresh,
         * so a broken sequence never takes the next key with it. */
        d->state = PS2_IDLE;
        d->malformed++;
        return feed_idle(d, byte, out);
    }
    if (++d->e1_pos < sizeof(pause_tail))
        return 0;
    d->state = PS2_IDLE;
    out[0] = (struct key_event){KEY_PAUSE, KEY_VALUE_PRESS};
    out[1] = (struct key_event){KEY_PAUSE, KEY_VALUE_RELEASE};
    return 2;
}

unsigned ps2_set1_feed(struct ps2_set1 *d, uint8_t byte, struct key_event out[PS2_EVENTS_MAX])
{
    switch (d->state) {
    case PS2_E0:
        return feed_e0(d, byte, out);
    case PS2_E1:
        return feed_e1(d, byte, out);
    case PS2_IDLE:
    default:
        return feed_idle(d, byte, out);
    }
}
