/* Keys to the focused partition, the switch combination out of every partition's stream, and
 * releases for the partition that loses focus. */
#include "kbd_core.h"

static bool test_bit(const uint64_t *map, uint16_t code)
{
    return map[code / 64] >> (code % 64) & 1;
}

static void set_bit(uint64_t *map, uint16_t code, bool on)
{
    uint64_t bit = 1ull << (code % 64);
    map[code / 64] = on ? map[code / 64] | bit : map[code / 64] & ~bit;
}

static bool is_ctrl(uint16_t code)
{
    return code == KEY_LEFTCTRL || code == KEY_RIGHTCTRL;
}

static bool is_alt(uint16_t code)
{
    return code == KEY_LEFTALT || code == KEY_RIGHTALT;
}

/* Ctrl and Alt are the combination's modifiers: their presses wait (kbd_core.held). */
static bool is_switch_modifier(uint16_t code)
{
    return is_ctrl(code) || is_alt(code);
}

static bool switch_modifiers_down(const struct kbd_core *k)
{
    return (test_bit(k->down, KEY_LEFTCTRL) || test_bit(k->down, KEY_RIGHTCTRL)) &&
           (test_bit(k->down, KEY_LEFTALT) || test_bit(k->down, KEY_RIGHTALT));
}

static void emit(struct kbd_core *k, uint16_t type, uint16_t code, uint32_t value)
{
    if (k->focus == HV_FOCUS_NONE)
        return;
    struct virtio_input_event ev = {type, code, value};
    k->io.deliver(k->io.ctx, k->focus, &ev);
}

/* One key event to the focused partition, as its own report. */
static void send_key(struct kbd_core *k, uint16_t code, uint8_t value)
{
    if (k->focus == HV_FOCUS_NONE)
        return;
    emit(k, EV_KEY, code, value);
    emit(k, EV_SYN, SYN_REPORT, 0);
    if (value != KEY_VALUE_REPEAT)
        set_bit(k->sent, code, value == KEY_VALUE_PRESS);
}

static int held_index(const struct kbd_core *k, uint16_t code)
{
    for (unsigned i = 0; i < k->nheld; i++)
        if (k->held[i] == code)
            return (int)i;
    return -1;
}

static void unhold(struct kbd_core *k, unsigned i)
{
    for (; i + 1 < k->nheld; i++)
        k->held[i] = k->held[i + 1];
    k->nheld--;
}

/* Another key came: the held Ctrl/Alt presses were not the combination's after all. */
static void flush_held(struct kbd_core *k)
{
    for (unsigned i = 0; i < k->nheld; i++)
        send_key(k, k->held[i], KEY_VALUE_PRESS);
    k->nheld = 0;
}

void kbd_core_init(struct kbd_core *k, const struct kbd_core_io *io, uint32_t focus)
{
    *k = (struct kbd_core){.io = *io, .focus = focus};
}

/* The one rule that keeps half sequences out of every partition: a key's repeats and release
 * go to the focused partition only if it got the key's press (kbd_core.sent). So the
 * combination's keys, and keys held across a focus change, reach no one until pressed anew. */
static void key_release(struct kbd_core *k, uint16_t code)
{
    set_bit(k->down, code, false);
    int h = held_index(k, code);
    if (h >= 0) {
        /* A Ctrl or Alt pressed and let go alone: the partition gets both now. */
        unhold(k, (unsigned)h);
        send_key(k, code, KEY_VALUE_PRESS);
    }
    if (test_bit(k->sent, code))
        send_key(k, code, KEY_VALUE_RELEASE);
}

static void key_repeat(struct kbd_core *k, uint16_t code)
{
    if (test_bit(k->sent, code))
        send_key(k, code, KEY_VALUE_REPEAT);
}

static bool key_press(struct kbd_core *k, uint16_t code)
{
    set_bit(k->down, code, true);
    if (is_switch_modifier(code)) {
        k->held[k->nheld++] = code; /* at most the four modifiers: each is held once */
        return false;
    }
    if (code == KBD_SWITCH_KEY && switch_modifiers_down(k)) {
        /* The combination: its held presses are dropped, so none of its keys' later events
         * reach anyone (no partition got their press). A Ctrl or Alt the partition had seen
         * pressed (it went with another key first) is released by the focus change like any
         * other key. */
        k->nheld = 0;
        k->switches++;
        return true;
    }
    flush_held(k);
    send_key(k, code, KEY_VALUE_PRESS);
    return false;
}

bool kbd_core_key(struct kbd_core *k, struct key_event ev)
{
    if (ev.code >= KEY_CNT) {
        k->stray++; /* the bitmaps have no bit for it */
        return false;
    }
    bool was_down = test_bit(k->down, ev.code);
    switch (ev.value) {
    case KEY_VALUE_PRESS:
        if (!was_down)
            return key_press(k, ev.code);
        /* A make code of a key already down is the keyboard's typematic repeat. */
        key_repeat(k, ev.code);
        return false;
    case KEY_VALUE_REPEAT:
        if (was_down)
            key_repeat(k, ev.code);
        else
            k->stray++;
        return false;
    case KEY_VALUE_RELEASE:
    default:
        if (was_down)
            key_release(k, ev.code);
        else
            k->stray++;
        return false;
    }
}

void kbd_core_device_reset(struct kbd_core *k, uint32_t partition)
{
    /* Only the focused partition has keys down (kbd_core.sent); the rest have none already. */
    if (partition == k->focus)
        for (uint16_t w = 0; w < KBD_WORDS; w++)
            k->sent[w] = 0;
}

void kbd_core_focus_changed(struct kbd_core *k, uint32_t focus)
{
    if (focus == k->focus)
        return;
    bool released = false;
    for (uint16_t w = 0; w < KBD_WORDS; w++) {
        for (uint64_t bits = k->sent[w]; bits != 0; bits &= bits - 1) {
            uint16_t code = (uint16_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
            emit(k, EV_KEY, code, KEY_VALUE_RELEASE);
            released = true;
        }
        k->sent[w] = 0;
    }
    if (released)
        emit(k, EV_SYN, SYN_REPORT, 0);
    /* Keys still down stay out of the new partition until pressed anew (it got no press of
     * them); held Ctrl/Alt presses reached no one yet and go with the next key, to it. */
    k->focus = focus;
}
