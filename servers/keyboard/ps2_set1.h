/* The decoder of the PC keyboard's byte stream in scancode set 1 (what the i8042 gives with
 * translation on, as SeaBIOS leaves it): prefixes 0xE0 and 0xE1, Pause, PrintScreen and the
 * fake shifts around extended keys, turned into evdev key codes. */
#pragma once

#include "key_event.h"
#include <stdbool.h>
#include <stdint.h>

/* The most events one byte can complete: Pause's press and its release (the key sends no
 * break code of its own). */
#define PS2_EVENTS_MAX 2

enum ps2_state {
    PS2_IDLE,
    PS2_E0, /* after 0xE0: an extended key comes */
    PS2_E1, /* inside Pause's E1 1D 45 E1 9D C5; e1_pos says how far */
};

struct ps2_set1 {
    enum ps2_state state;
    uint8_t e1_pos; /* bytes of Pause's sequence matched so far (1..5) */
    /* What the decoder dropped, for the server's statistics (and the tests). */
    uint32_t unknown;   /* a make or break code that names no key */
    uint32_t malformed; /* a prefix followed by what can't follow it */
    uint32_t errors;    /* 0x00 / 0xFF: the keyboard's overrun and error codes */
};

void ps2_set1_init(struct ps2_set1 *d);

/* Feeds one byte from the keyboard's data port; writes the key events it completes to out
 * (value KEY_VALUE_PRESS for a make code, KEY_VALUE_RELEASE for a break code: telling a press
 * from a typematic repeat is the core's job) and returns how many (0..PS2_EVENTS_MAX). Any
 * byte sequence at all is accepted: what is not a key is dropped and counted, and a prefix
 * followed by another prefix, or Pause's sequence broken by a stray byte, never swallows the
 * key that byte starts. */
unsigned ps2_set1_feed(struct ps2_set1 *d, uint8_t byte, struct key_event out[PS2_EVENTS_MAX]);
