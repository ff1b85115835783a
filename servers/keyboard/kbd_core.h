/* The keyboard server's core, shared by both physical keyboards (PS/2 on x86_64, virtio on
 * AArch64): key events in, virtio-input events out to the partition with focus only, with the
 * focus switch combination taken out of the stream (docs/trusted-path.md). */
#pragma once

#include "evdev_codes.h"
#include "key_event.h"
#include "virtio_input_event.h"
#include <hv/proto/focus.h>
#include <stdbool.h>
#include <stdint.h>

/* The switch combination: Ctrl (either) + Alt (either) + F12. */
#define KBD_SWITCH_KEY KEY_F12
/* Ctrl and Alt presses are held back until the next key shows they are not the combination's:
 * at most the four of them. */
#define KBD_HELD_MAX 4

struct kbd_core_io {
    /* Hands one event to partition p's virtio-input device (the server puts it in that
     * guest's event queue). Each key event is followed by an EV_SYN SYN_REPORT. */
    void (*deliver)(void *ctx, unsigned partition, const struct virtio_input_event *ev);
    void *ctx;
};

#define KBD_WORDS (KEY_CNT / 64)

struct kbd_core {
    struct kbd_core_io io;
    uint32_t focus;              /* the partition keys go to, or HV_FOCUS_NONE */
    uint64_t down[KBD_WORDS];    /* physically down */
    uint64_t sent[KBD_WORDS];    /* down in the focused partition's eyes (it got the press):
                                  * only these keys' repeats and releases are delivered */
    uint16_t held[KBD_HELD_MAX]; /* Ctrl/Alt presses held back, in the order pressed */
    unsigned nheld;
    /* Counters for the server's statistics (and the tests). */
    uint32_t switches; /* combinations completed */
    uint32_t stray;    /* dropped: a release or repeat of a key not down, a code past KEY_MAX */
};

void kbd_core_init(struct kbd_core *k, const struct kbd_core_io *io, uint32_t focus);

/* One key event from a physical keyboard (the decoders give codes below KEY_CNT; another is
 * dropped and counted as stray). A press of a key already down counts as a repeat. Returns true
 * when the event completed the switch combination: nothing of it reached any partition, and the
 * caller now asks the focus owner for the next partition and calls kbd_core_focus_changed() before
 * the next event. */
bool kbd_core_key(struct kbd_core *k, struct key_event ev);

/* Partition p's virtio-input device was reset (its driver started over): it has no key down
 * any more. Keys still held reach it only when pressed anew, as after a focus change. */
void kbd_core_device_reset(struct kbd_core *k, uint32_t partition);

/* The focus owner moved the focus (the combination, the console's Ctrl-T). The partition that
 * loses it gets a release for every key it has seen pressed (no stuck keys); keys still down
 * then reach the new focus only when pressed anew (it never got their press). */
void kbd_core_focus_changed(struct kbd_core *k, uint32_t focus);
