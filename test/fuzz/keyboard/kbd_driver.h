/* What both keyboard fuzzers drive: the core, the focus owner and the model that checks every
 * event the core delivers (test/unit/keyboard/kbd_model.h). */
#pragma once

#include "focus.h"
#include "kbd_model.h"
#include <stdint.h>

struct kbd_driver {
    struct kbd_core core;
    struct focus focus;
    struct kbd_model model;
};

/* Sets up 1..MODEL_PARTITIONS partitions, some of which may take focus, from two input bytes. */
void kbd_driver_init(struct kbd_driver *d, uint8_t parts, uint8_t focusable);

/* One key event from the physical keyboard; a completed combination moves the focus. */
void kbd_driver_key(struct kbd_driver *d, struct key_event ev);

/* The console's Ctrl-T asking for partition p (any number: a bad one is refused). */
void kbd_driver_console(struct kbd_driver *d, uint8_t p);

/* Partition p's virtio-input device resets (any number: one past the partitions is ignored). */
void kbd_driver_device_reset(struct kbd_driver *d, uint8_t p);

/* When the input ends: every key let go; no partition may be left with a key down. */
void kbd_driver_finish(struct kbd_driver *d);
