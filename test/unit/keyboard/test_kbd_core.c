/* Unit tests for the keyboard core (servers/keyboard/kbd_core.c) with the focus owner: keys
 * reach the focused partition only, the switch combination reaches no partition in any order
 * or interleaving, and a partition losing focus keeps no key down. kbd_model.c checks every
 * delivered event against the promises; the cases below also look at the streams themselves. */
#include "check_run.h"
#include "focus.h"
#include "kbd_model.h"
#include "ps2_set1.h"
#include <stdio.h>
#include <string.h>

#define PARTS 3

static struct kbd_core k;
static struct kbd_model m;
static struct focus f;

/* Every event delivered, in order. */
static struct {
    unsigned p;
    struct virtio_input_event ev;
} log_[4096];
static unsigned nlog;

static void record(void *ctx, unsigned p, const struct virtio_input_event *ev)
{
    if (nlog < sizeof(log_) / sizeof(log_[0]))
        log_[nlog++] = (typeof(log_[0])){p, *ev};
    kbd_model_deliver(ctx, p, ev);
}

static void setup_parts(unsigned parts, uint32_t focusable)
{
    if (!focus_init(&f, parts, focusable, 0))
        ck_abort_msg("focus_init refused %u partitions", parts);
    struct kbd_core_io io = {record, &m};
    kbd_model_init(&m, f.current);
    kbd_core_init(&k, &io, f.current);
    nlog = 0;
}

static void setup(void)
{
    setup_parts(PARTS, 0x7);
}

/* One physical event through the core; a completed combination asks the focus owner. */
static void key(uint16_t code, uint8_t value)
{
    /* Plain ifs, not ck_assert: Check records every passed assertion (a write each), which
     * the exhaustive cases below would spend most of their time on. */
    if (kbd_model_key(&m, &k, (struct key_event){code, value})) {
        bool moved;
        if (focus_request(&f, HV_FOCUS_BADGE_KEYBOARD, HV_FOCUS_NEXT, 0, &moved) != 0)
            ck_abort_msg("the focus owner refused the keyboard");
        if (moved)
            kbd_model_focus(&m, &k, f.current);
    }
    if (m.violation)
        ck_abort_msg("%s", m.violation);
}

static void press(uint16_t c)
{
    key(c, KEY_VALUE_PRESS);
}
static void release(uint16_t c)
{
    key(c, KEY_VALUE_RELEASE);
}

/* The console's Ctrl-T moved the focus. */
static void console_focus(unsigned p)
{
    bool moved;
    if (focus_request(&f, HV_FOCUS_BADGE_CONSOLE, HV_FOCUS_SET, p, &moved) != 0)
        ck_abort_msg("the focus owner refused the console");
    if (moved)
        kbd_model_focus(&m, &k, f.current);
    if (m.violation)
        ck_abort_msg("%s", m.violation);
}

/* Checks that the log from index `from` holds exactly these key events for partition p, each
 * followed by a SYN_REPORT when syn is set. */
static void expect_keys(unsigned from, unsigned p, const uint16_t *codes, const uint8_t *values,
                        unsigned n, bool syn)
{
    unsigned at = from;
    for (unsigned i = 0; i < n; i++) {
        ck_assert_msg(at < nlog, "event %u of %u missing", i, n);
        ck_assert_uint_eq(log_[at].p, p);
        ck_assert_uint_eq(log_[at].ev.type, EV_KEY);
        ck_assert_msg(log_[at].ev.code == codes[i] && log_[at].ev.value == values[i],
                      "event %u: key %u value %u, wanted %u %u", i, log_[at].ev.code,
                      log_[at].ev.value, codes[i], values[i]);
        at++;
        if (syn) {
            ck_assert_uint_lt(at, nlog);
            ck_assert_uint_eq(log_[at].ev.type, EV_SYN);
            at++;
        }
    }
    if (!syn) {
        ck_assert_uint_lt(at, nlog);
        ck_assert_uint_eq(log_[at].ev.type, EV_SYN);
        at++;
    }
    ck_assert_uint_eq(at, nlog);
}

START_TEST(keys_reach_the_focused_partition_only)
{
    press(KEY_A);
    press(KEY_A);                 /* PS/2 typematic: a second make code */
    key(KEY_A, KEY_VALUE_REPEAT); /* virtio: an explicit repeat */
    release(KEY_A);
    const uint16_t c[] = {KEY_A, KEY_A, KEY_A, KEY_A};
    const uint8_t v[] = {1, 2, 2, 0};
    expect_keys(0, 0, c, v, 4, true);
    ck_assert_uint_eq(m.delivered[1] + m.delivered[2], 0);
}
END_TEST

START_TEST(stray_releases_and_repeats_are_dropped)
{
    release(KEY_B);
    key(KEY_B, KEY_VALUE_REPEAT);
    ck_assert_uint_eq(nlog, 0);
    ck_assert_uint_eq(k.stray, 2);
}
END_TEST

START_TEST(ctrl_waits_for_the_next_key)
{
    press(KEY_LEFTCTRL);
    press(KEY_LEFTCTRL); /* its typematic repeat goes nowhere while it waits */
    ck_assert_uint_eq(nlog, 0);
    press(KEY_C);
    release(KEY_C);
    release(KEY_LEFTCTRL);
    const uint16_t c[] = {KEY_LEFTCTRL, KEY_C, KEY_C, KEY_LEFTCTRL};
    const uint8_t v[] = {1, 1, 0, 0};
    expect_keys(0, 0, c, v, 4, true);
}
END_TEST

START_TEST(alt_alone_arrives_when_let_go)
{
    press(KEY_LEFTALT);
    ck_assert_uint_eq(nlog, 0);
    release(KEY_LEFTALT);
    const uint16_t c[] = {KEY_LEFTALT, KEY_LEFTALT};
    const uint8_t v[] = {1, 0};
    expect_keys(0, 0, c, v, 2, true);
}
END_TEST

START_TEST(ctrl_alt_delete_is_the_guests)
{
    press(KEY_RIGHTCTRL);
    press(KEY_LEFTALT);
    press(KEY_DELETE);
    release(KEY_DELETE);
    release(KEY_LEFTALT);
    release(KEY_RIGHTCTRL);
    const uint16_t c[] = {KEY_RIGHTCTRL, KEY_LEFTALT, KEY_DELETE,
                          KEY_DELETE,    KEY_LEFTALT, KEY_RIGHTCTRL};
    const uint8_t v[] = {1, 1, 1, 0, 0, 0};
    expect_keys(0, 0, c, v, 6, true);
    ck_assert_uint_eq(f.current, 0);
}
END_TEST

START_TEST(f12_without_both_modifiers_is_the_guests)
{
    press(KEY_F12);
    release(KEY_F12);
    press(KEY_LEFTCTRL);
    press(KEY_F12); /* Ctrl+F12: Alt is missing */
    release(KEY_F12);
    release(KEY_LEFTCTRL);
    const uint16_t c[] = {KEY_F12, KEY_F12, KEY_LEFTCTRL, KEY_F12, KEY_F12, KEY_LEFTCTRL};
    const uint8_t v[] = {1, 0, 1, 1, 0, 0};
    expect_keys(0, 0, c, v, 6, true);
    ck_assert_uint_eq(k.switches, 0);
}
END_TEST

/* The combination with each modifier pair, in each press order of the two modifiers, each of
 * the six release orders, and F12 and the modifiers repeating: nothing reaches anyone. */
START_TEST(the_combination_reaches_no_one)
{
    static const uint16_t ctrls[] = {KEY_LEFTCTRL, KEY_RIGHTCTRL};
    static const uint16_t alts[] = {KEY_LEFTALT, KEY_RIGHTALT};
    static const unsigned orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                          {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    unsigned runs = 0;
    for (unsigned ci = 0; ci < 2; ci++)
        for (unsigned ai = 0; ai < 2; ai++)
            for (unsigned alt_first = 0; alt_first < 2; alt_first++)
                for (unsigned o = 0; o < 6; o++) {
                    setup();
                    uint16_t keys3[3] = {ctrls[ci], alts[ai], KEY_F12};
                    press(keys3[alt_first]);
                    press(keys3[!alt_first]);
                    press(keys3[alt_first]); /* a modifier's typematic repeat */
                    press(KEY_F12);
                    ck_assert_uint_eq(f.current, 1);
                    press(KEY_F12); /* F12's repeat */
                    key(KEY_F12, KEY_VALUE_REPEAT);
                    for (unsigned r = 0; r < 3; r++)
                        release(keys3[orders[o][r]]);
                    ck_assert_msg(nlog == 0, "%u events leaked", nlog);
                    ck_assert_uint_eq(k.switches, 1);
                    /* and the next key goes to the new focus */
                    press(KEY_X);
                    ck_assert_uint_eq(log_[0].p, 1);
                    ck_assert_uint_eq(log_[0].ev.code, KEY_X);
                    runs++;
                }
    ck_assert_uint_eq(runs, 48);
}
END_TEST

START_TEST(holding_ctrl_alt_and_tapping_f12_cycles)
{
    press(KEY_LEFTCTRL);
    press(KEY_LEFTALT);
    for (unsigned i = 1; i <= 4; i++) {
        press(KEY_F12);
        release(KEY_F12);
        ck_assert_uint_eq(f.current, i % PARTS);
    }
    release(KEY_LEFTALT);
    release(KEY_LEFTCTRL);
    ck_assert_uint_eq(nlog, 0);
    ck_assert_uint_eq(f.generation, 4);
}
END_TEST

START_TEST(the_combination_releases_what_the_old_focus_saw)
{
    /* Shift+a held in partition 0, then Ctrl+Alt+F12: partition 0 gets the two releases and
     * nothing of the combination; a and Shift, still held, reach partition 1 only when pressed
     * again. */
    press(KEY_LEFTSHIFT);
    press(KEY_A);
    unsigned before = nlog;
    press(KEY_LEFTCTRL);
    press(KEY_LEFTALT);
    press(KEY_F12);
    ck_assert_uint_eq(f.current, 1);
    /* partition 0: release a and Shift (in code order), one SYN */
    ck_assert_uint_eq(nlog, before + 3);
    ck_assert_uint_eq(log_[before].ev.code, KEY_A);
    ck_assert_uint_eq(log_[before].ev.value, 0);
    ck_assert_uint_eq(log_[before + 1].ev.code, KEY_LEFTSHIFT);
    ck_assert_uint_eq(log_[before + 1].ev.value, 0);
    ck_assert_uint_eq(log_[before + 2].ev.type, EV_SYN);
    press(KEY_A); /* typematic of the held a */
    release(KEY_A);
    release(KEY_F12);
    release(KEY_LEFTALT);
    release(KEY_LEFTCTRL);
    release(KEY_LEFTSHIFT);
    ck_assert_uint_eq(nlog, before + 3);
    ck_assert_uint_eq(m.delivered[1], 0);
    press(KEY_A);
    ck_assert_uint_eq(log_[nlog - 2].p, 1);
    ck_assert_uint_eq(log_[nlog - 2].ev.code, KEY_A);
}
END_TEST

START_TEST(ctrl_seen_with_another_key_is_released_by_the_switch)
{
    press(KEY_LEFTCTRL);
    press(KEY_C); /* Ctrl+C: partition 0 sees Ctrl down */
    release(KEY_C);
    press(KEY_LEFTALT);
    press(KEY_F12);
    ck_assert_uint_eq(f.current, 1);
    ck_assert(!kbd_model_seen(&m, 0, KEY_LEFTCTRL));
    ck_assert(!kbd_model_seen(&m, 0, KEY_LEFTALT)); /* Alt was held back: never sent */
    release(KEY_LEFTCTRL);
    release(KEY_LEFTALT);
    release(KEY_F12);
    ck_assert_uint_eq(m.delivered[1], 0);
    ck_assert_uint_eq(k.stray, 0);
}
END_TEST

START_TEST(console_focus_change_releases_held_keys)
{
    press(KEY_W);
    press(KEY_RIGHTSHIFT);
    console_focus(2);
    ck_assert(!kbd_model_seen(&m, 0, KEY_W));
    ck_assert(!kbd_model_seen(&m, 0, KEY_RIGHTSHIFT));
    press(KEY_W);
    release(KEY_W);
    release(KEY_RIGHTSHIFT);
    ck_assert_uint_eq(m.delivered[2], 0);
    press(KEY_Q);
    ck_assert(kbd_model_seen(&m, 2, KEY_Q));
    /* A focus "change" to where it is changes nothing. */
    unsigned n = nlog;
    console_focus(2);
    ck_assert_uint_eq(nlog, n);
    ck_assert(kbd_model_seen(&m, 2, KEY_Q));
}
END_TEST

START_TEST(a_held_ctrl_goes_with_the_focus)
{
    /* Ctrl pressed (held back, seen by no one), then Ctrl-T on the console moves the focus:
     * Ctrl+C typed next is partition 1's, whole. */
    press(KEY_LEFTCTRL);
    console_focus(1);
    press(KEY_C);
    ck_assert(kbd_model_seen(&m, 1, KEY_LEFTCTRL));
    ck_assert(kbd_model_seen(&m, 1, KEY_C));
    ck_assert_uint_eq(m.delivered[0], 0);
}
END_TEST

START_TEST(one_partition_switch_consumes_all_the_same)
{
    setup_parts(1, 0x1);
    press(KEY_A);
    press(KEY_LEFTCTRL);
    press(KEY_RIGHTALT);
    press(KEY_F12);
    ck_assert_uint_eq(f.current, 0);
    release(KEY_F12);
    release(KEY_RIGHTALT);
    release(KEY_LEFTCTRL);
    release(KEY_A);
    /* partition 0 saw a pressed and released; nothing of the combination */
    const uint16_t c[] = {KEY_A, KEY_A};
    const uint8_t v[] = {1, 0};
    expect_keys(0, 0, c, v, 2, true);
}
END_TEST

START_TEST(a_device_reset_forgets_the_keys_down)
{
    press(KEY_LEFTSHIFT);
    press(KEY_A);
    unsigned n = nlog;
    kbd_model_device_reset(&m, &k, 1); /* not the focus: nothing changes */
    kbd_model_device_reset(&m, &k, 0);
    ck_assert_msg(m.violation == NULL, "%s", m.violation ? m.violation : "");
    ck_assert_uint_eq(nlog, n);
    press(KEY_A); /* the typematic repeat of a key the fresh device never saw */
    release(KEY_A);
    ck_assert_uint_eq(nlog, n);
    press(KEY_B);
    release(KEY_B);
    release(KEY_LEFTSHIFT);
    const uint16_t c[] = {KEY_B, KEY_B};
    const uint8_t v[] = {1, 0};
    ck_assert_uint_eq(nlog, n + 4);
    for (unsigned i = 0; i < 2; i++) {
        ck_assert_uint_eq(log_[n + 2 * i].ev.code, c[i]);
        ck_assert_uint_eq(log_[n + 2 * i].ev.value, v[i]);
    }
}
END_TEST

START_TEST(codes_past_the_bitmaps_are_dropped)
{
    key(KEY_CNT, KEY_VALUE_PRESS);
    key(0xffff, KEY_VALUE_RELEASE);
    ck_assert_uint_eq(nlog, 0);
    ck_assert_uint_eq(k.stray, 2);
}
END_TEST

START_TEST(no_focusable_partition_gets_nothing)
{
    setup_parts(2, 0x0);
    ck_assert_uint_eq(f.current, HV_FOCUS_NONE);
    press(KEY_A);
    press(KEY_LEFTCTRL);
    press(KEY_B);
    release(KEY_B);
    release(KEY_A);
    release(KEY_LEFTCTRL);
    ck_assert_uint_eq(nlog, 0);
}
END_TEST

START_TEST(ps2_bytes_through_the_core)
{
    /* The keyboard's own bytes for: a, Ctrl (left) + AltGr + F12 (switch), released, b. */
    static const uint8_t bytes[] = {0x1e, 0x9e, 0x1d, 0xe0, 0x38, 0x58, 0x58,
                                    0xd8, 0xe0, 0xb8, 0x9d, 0x30, 0xb0};
    struct ps2_set1 d;
    ps2_set1_init(&d);
    for (unsigned i = 0; i < sizeof(bytes); i++) {
        struct key_event out[PS2_EVENTS_MAX];
        unsigned n = ps2_set1_feed(&d, bytes[i], out);
        for (unsigned j = 0; j < n; j++)
            key(out[j].code, out[j].value);
    }
    ck_assert_uint_eq(k.switches, 1);
    ck_assert_uint_eq(nlog, 8);
    const uint16_t c0[] = {KEY_A, KEY_A};
    const uint8_t v0[] = {1, 0};
    for (unsigned i = 0; i < 2; i++) {
        ck_assert_uint_eq(log_[2 * i].p, 0);
        ck_assert_uint_eq(log_[2 * i].ev.code, c0[i]);
        ck_assert_uint_eq(log_[2 * i].ev.value, v0[i]);
    }
    for (unsigned i = 4; i < 8; i++)
        ck_assert_uint_eq(log_[i].p, 1);
    ck_assert_uint_eq(log_[4].ev.code, KEY_B);
}
END_TEST

/* Every sequence of SEQ_LEN physical events over a small alphabet (press, release and repeat of
 * Ctrl, Alt, F12 and A, those that a keyboard can send), with the model checking each. */
#define SEQ_LEN 7
static const uint16_t alphabet_keys[] = {KEY_LEFTCTRL, KEY_RIGHTALT, KEY_F12, KEY_A};

START_TEST(every_short_sequence_keeps_the_promises)
{
    unsigned symbols = 4 * 3, total = 1, sequences = 0, switches = 0;
    for (unsigned i = 0; i < SEQ_LEN; i++)
        total *= symbols;
    for (unsigned n = 0; n < total; n++) {
        setup();
        unsigned x = n;
        bool down[4] = {false};
        bool valid = true;
        for (unsigned i = 0; i < SEQ_LEN && valid; i++, x /= symbols) {
            unsigned kk = x % symbols / 3, what = x % symbols % 3;
            /* a keyboard repeats and releases only keys that are down */
            if (what != 0 && !down[kk])
                valid = false;
            else if (what == 0)
                down[kk] = true;
            else if (what == 2)
                down[kk] = false;
        }
        if (!valid)
            continue;
        x = n;
        for (unsigned i = 0; i < SEQ_LEN; i++, x /= symbols) {
            unsigned kk = x % symbols / 3, what = x % symbols % 3;
            static const uint8_t values[] = {KEY_VALUE_PRESS, KEY_VALUE_REPEAT, KEY_VALUE_RELEASE};
            key(alphabet_keys[kk], values[what]);
            if (what == 0 && i % 3 == 1)
                console_focus((f.current + 2) % PARTS); /* and Ctrl-T now and then */
        }
        switches += k.switches;
        sequences++;
    }
    ck_assert_uint_gt(sequences, 10000);
    ck_assert_uint_gt(switches, 100); /* the combination really happened in many of them */
}
END_TEST

/* Long random sessions over a bigger key set, both modifier sides, Ctrl-T in between. */
START_TEST(random_sessions_keep_the_promises)
{
    static const uint16_t keys[] = {KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTALT, KEY_RIGHTALT, KEY_F12,
                                    KEY_A,        KEY_LEFTSHIFT, KEY_DELETE,  KEY_F11};
    const unsigned nkeys = sizeof(keys) / sizeof(keys[0]);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    unsigned switches = 0;
    for (unsigned session = 0; session < 100; session++) {
        setup();
        bool down[16] = {false};
        for (unsigned step = 0; step < 2000; step++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            unsigned r = (unsigned)(seed >> 20), i = r % nkeys;
            if (r % 97 == 0) {
                console_focus((r >> 8) % PARTS);
                continue;
            }
            if (r % 89 == 0) {
                kbd_model_device_reset(&m, &k, (r >> 8) % PARTS);
                continue;
            }
            if (!down[i]) {
                key(keys[i], KEY_VALUE_PRESS);
                down[i] = true;
            } else if ((r >> 4) % 3 == 0) {
                key(keys[i], (r >> 6) % 2 ? KEY_VALUE_REPEAT : KEY_VALUE_PRESS);
            } else {
                key(keys[i], KEY_VALUE_RELEASE);
                down[i] = false;
            }
        }
        switches += k.switches;
    }
    ck_assert_uint_gt(switches, 500);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kbd_core");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, keys_reach_the_focused_partition_only);
    tcase_add_test(tc, stray_releases_and_repeats_are_dropped);
    tcase_add_test(tc, ctrl_waits_for_the_next_key);
    tcase_add_test(tc, alt_alone_arrives_when_let_go);
    tcase_add_test(tc, ctrl_alt_delete_is_the_guests);
    tcase_add_test(tc, f12_without_both_modifiers_is_the_guests);
    tcase_add_test(tc, the_combination_reaches_no_one);
    tcase_add_test(tc, holding_ctrl_alt_and_tapping_f12_cycles);
    tcase_add_test(tc, the_combination_releases_what_the_old_focus_saw);
    tcase_add_test(tc, ctrl_seen_with_another_key_is_released_by_the_switch);
    tcase_add_test(tc, console_focus_change_releases_held_keys);
    tcase_add_test(tc, a_held_ctrl_goes_with_the_focus);
    tcase_add_test(tc, one_partition_switch_consumes_all_the_same);
    tcase_add_test(tc, a_device_reset_forgets_the_keys_down);
    tcase_add_test(tc, codes_past_the_bitmaps_are_dropped);
    tcase_add_test(tc, no_focusable_partition_gets_nothing);
    tcase_add_test(tc, ps2_bytes_through_the_core);
    tcase_add_test(tc, every_short_sequence_keeps_the_promises);
    tcase_add_test(tc, random_sessions_keep_the_promises);
    suite_add_tcase(s, tc);
    return check_run(s);
}
