/* One key event as the keyboard core takes it from either physical keyboard's decoder: an
 * evdev key code (evdev_codes.h) and what happened to the key. */
#pragma once

#include <stdint.h>

struct key_event {
    uint16_t code; /* KEY_*, below KEY_CNT */
    uint8_t value; /* KEY_VALUE_RELEASE, _PRESS or _REPEAT */
};
