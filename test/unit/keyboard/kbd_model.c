/* The keyboard core's promises as checks on its output (kbd_model.h). Written from the
 * promises, not from the core's code: it tracks what each partition has seen and what the
 * hand on the keyboard did, and compares. */
#include "kbd_model.h"
#include <stdio.h>
#include <string.h>

static bool bit(const uint64_t *map, uint16_t c)
{
    return map[c / 64] >> (c % 64) & 1;
}

static void put(uint64_t *map, uint16_t c, bool on)
{
    if (on)
        map[c / 64] |= 1ull << (c % 64);
    else
        map[c / 64] &= ~(1ull << (c % 64));
}

static bool is_mod(uint16_t c)
{
    return c == KEY_LEFTCTRL || c == KEY_RIGHTCTRL || c == KEY_LEFTALT || c == KEY_RIGHTALT;
}

static const uint16_t mods[] = {KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTALT, KEY_RIGHTALT};

static void fail(struct kbd_model *m, const char *what, unsigned p, unsigned code)
{
    if (m->violation)
        return;
    snprintf(m->text, sizeof(m->text), "%s (partition %u, key %u)", what, p, code);
    m->violation = m->text;
}

void kbd_model_init(struct kbd_model *m, uint32_t focus)
{
    memset(m, 0, sizeof(*m));
    m->focus = focus;
    m->releasing = HV_FOCUS_NONE;
    m->letting_go = -1;
}

bool kbd_model_seen(const struct kbd_model *m, unsigned p, uint16_t code)
{
    return p < MODEL_PARTITIONS && bit(m->seen[p], code);
}

void kbd_model_deliver(void *ctx, unsigned p, const struct virtio_input_event *ev)
{
    struct kbd_model *m = ctx;
    if (p >= MODEL_PARTITIONS) {
        fail(m, "event for a partition that does not exist", p, ev->code);
        return;
    }
    m->delivered[p]++;
    if (ev->type == EV_SYN) {
        if (ev->code != SYN_REPORT || ev->value != 0)
            fail(m, "an EV_SYN that is not SYN_REPORT", p, ev->code);
        m->report_open[p] = false;
        return;
    }
    if (ev->type != EV_KEY || ev->code >= KEY_CNT) {
        fail(m, "an event that is not a key", p, ev->code);
        return;
    }
    m->report_open[p] = true;
    uint16_t c = ev->code;
    if (p == m->releasing) {
        /* A focus change: the old partition gets releases of keys it has down, nothing else. */
        if (ev->value != KEY_VALUE_RELEASE || !bit(m->seen[p], c))
            fail(m, "the partition losing focus got more than its releases", p, c);
        put(m->seen[p], c, false);
        return;
    }
    if (p != m->focus) {
        fail(m, "a key for a partition without focus", p, c);
        return;
    }
    if (bit(m->stale, c))
        fail(m, "a key held across a switch reached a partition", p, c);
    switch (ev->value) {
    case KEY_VALUE_PRESS:
        if (bit(m->seen[p], c))
            fail(m, "a press of a key the partition has down", p, c);
        /* A Ctrl/Alt held back and let go alone is sent, press and release, as it goes up. */
        if (is_mod(c) && (int)c == m->letting_go)
            m->let_go_pressed = true;
        else if (!bit(m->phys, c))
            fail(m, "a press of a key not down on the keyboard", p, c);
        if (c == KBD_SWITCH_KEY && (bit(m->phys, KEY_LEFTCTRL) || bit(m->phys, KEY_RIGHTCTRL)) &&
            (bit(m->phys, KEY_LEFTALT) || bit(m->phys, KEY_RIGHTALT)))
            fail(m, "the switch key reached a partition with Ctrl and Alt down", p, c);
        put(m->seen[p], c, true);
        break;
    case KEY_VALUE_REPEAT:
        if (!bit(m->seen[p], c))
            fail(m, "a repeat of a key the partition does not have down", p, c);
        break;
    case KEY_VALUE_RELEASE:
        if (!bit(m->seen[p], c))
            fail(m, "a release of a key the partition does not have down", p, c);
        put(m->seen[p], c, false);
        break;
    default:
        fail(m, "a key value other than 0, 1, 2", p, c);
    }
}

static bool combination_down(const struct kbd_model *m)
{
    return (bit(m->phys, KEY_LEFTCTRL) || bit(m->phys, KEY_RIGHTCTRL)) &&
           (bit(m->phys, KEY_LEFTALT) || bit(m->phys, KEY_RIGHTALT));
}

static void check_after_press(struct kbd_model *m, uint16_t c)
{
    if (m->focus == HV_FOCUS_NONE || is_mod(c))
        return;
    /* A key that is not the combination's reaches the focus at once, after every Ctrl/Alt
     * that is down and not left over from a switch. */
    if (!bit(m->seen[m->focus], c))
        fail(m, "a key press was lost", m->focus, c);
    for (unsigned i = 0; i < 4; i++)
        if (bit(m->phys, mods[i]) && !bit(m->stale, mods[i]) && !bit(m->seen[m->focus], mods[i]))
            fail(m, "a Ctrl/Alt held with a key did not reach the partition", m->focus, mods[i]);
}

bool kbd_model_key(struct kbd_model *m, struct kbd_core *k, struct key_event ev)
{
    uint16_t c = ev.code;
    if (c >= KEY_CNT) {
        /* no key: the core must drop it, and deliver nothing */
        unsigned before[MODEL_PARTITIONS];
        memcpy(before, m->delivered, sizeof(before));
        if (kbd_core_key(k, ev) || memcmp(before, m->delivered, sizeof(before)) != 0)
            fail(m, "a code past KEY_MAX did something", m->focus, c);
        return false;
    }
    bool was_down = bit(m->phys, c);
    bool new_press = ev.value != KEY_VALUE_RELEASE && !was_down;
    if (ev.value == KEY_VALUE_REPEAT && !was_down)
        new_press = false; /* a stray repeat: the core drops it, and so does the hand */
    bool expect_switch =
        new_press && c == KBD_SWITCH_KEY && ev.value == KEY_VALUE_PRESS && combination_down(m);
    if (new_press && ev.value == KEY_VALUE_PRESS)
        put(m->phys, c, true);
    if (ev.value == KEY_VALUE_RELEASE)
        put(m->phys, c, false);
    m->letting_go = ev.value == KEY_VALUE_RELEASE ? c : -1;
    m->let_go_pressed = false;
    bool switched = kbd_core_key(k, ev);
    m->letting_go = -1;
    if (switched != expect_switch)
        fail(m, switched ? "a switch without the combination" : "the combination did not switch",
             m->focus, c);
    if (switched) {
        m->switches++;
        /* Ctrl/Alt pressed for the combination reached no one; all its keys are stale now. */
        for (unsigned i = 0; i < 4; i++) {
            uint16_t mod = mods[i];
            if (bit(m->fresh, mod))
                for (unsigned p = 0; p < MODEL_PARTITIONS; p++)
                    if (bit(m->seen[p], mod))
                        fail(m, "a Ctrl/Alt pressed for the combination reached a partition", p,
                             mod);
            if (bit(m->phys, mod) && !kbd_model_seen(m, m->focus, mod))
                put(m->stale, mod, true);
        }
        put(m->stale, c, true);
        memset(m->fresh, 0, sizeof(m->fresh));
        return true;
    }
    if (ev.value == KEY_VALUE_RELEASE) {
        /* A Ctrl/Alt pressed and let go with no key between is the partition's, whole. */
        if (was_down && bit(m->fresh, c) && m->focus != HV_FOCUS_NONE && !m->let_go_pressed)
            fail(m, "a Ctrl/Alt pressed and let go alone was lost", m->focus, c);
        put(m->stale, c, false);
        put(m->fresh, c, false);
        for (unsigned p = 0; p < MODEL_PARTITIONS; p++)
            if (bit(m->seen[p], c))
                fail(m, "a key let go stays down in a partition", p, c);
        return false;
    }
    if (new_press) {
        if (is_mod(c)) {
            put(m->fresh, c, true);
        } else {
            memset(m->fresh, 0, sizeof(m->fresh));
            check_after_press(m, c);
        }
    }
    return false;
}

void kbd_model_focus(struct kbd_model *m, struct kbd_core *k, uint32_t focus)
{
    uint32_t old = m->focus;
    if (focus == old) {
        kbd_core_focus_changed(k, focus);
        return;
    }
    m->releasing = old;
    m->focus = HV_FOCUS_NONE; /* nothing but the old focus's releases may come now */
    kbd_core_focus_changed(k, focus);
    m->releasing = HV_FOCUS_NONE;
    m->focus = focus;
    if (old != HV_FOCUS_NONE && old < MODEL_PARTITIONS) {
        for (unsigned w = 0; w < KBD_WORDS; w++)
            if (m->seen[old][w])
                fail(m, "a stuck key in the partition that lost focus", old,
                     w * 64 + (unsigned)__builtin_ctzll(m->seen[old][w]));
        if (m->report_open[old])
            fail(m, "the releases to the old focus end without EV_SYN", old, 0);
    }
    /* Everything down now was pressed before the new focus had it: stale, except the held
     * Ctrl/Alt presses no one has seen, which go with the next key to the new focus. */
    for (unsigned w = 0; w < KBD_WORDS; w++)
        m->stale[w] |= m->phys[w] & ~m->fresh[w];
}

void kbd_model_device_reset(struct kbd_model *m, struct kbd_core *k, unsigned p)
{
    unsigned before = p < MODEL_PARTITIONS ? m->delivered[p] : 0;
    kbd_core_device_reset(k, p);
    if (p >= MODEL_PARTITIONS)
        return;
    if (m->delivered[p] != before)
        fail(m, "a device reset delivered events", p, 0);
    memset(m->seen[p], 0, sizeof(m->seen[p]));
    m->report_open[p] = false;
    if (p == m->focus)
        for (unsigned w = 0; w < KBD_WORDS; w++)
            m->stale[w] |= m->phys[w] & ~m->fresh[w];
}
