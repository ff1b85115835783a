/* struct virtio_input_event (virtio 1.2 §5.8.6.2: le16 type, le16 code, le32 value), read from
 * the physical virtio keyboard (AArch64) and written for a partition's virtio-input device. */
#pragma once

#include "key_event.h"
#include <stdint.h>

#define VIRTIO_INPUT_EVENT_SIZE 8

/* The event in host order. */
struct virtio_input_event {
    uint16_t type;
    uint16_t code;
    uint32_t value;
};

enum vinput_kind {
    VINPUT_KEY,     /* a key event: *key holds it */
    VINPUT_SYNC,    /* EV_SYN SYN_REPORT: the end of one report */
    VINPUT_IGNORED, /* a well-formed event a keyboard need not act on (EV_MSC, EV_LED, EV_REP) */
    VINPUT_BAD,     /* an unknown type, a key code past KEY_MAX, a value other than 0/1/2 */
};

/* Reads the 8 bytes the device wrote into one of its event buffers and says what they are. */
enum vinput_kind virtio_input_event_decode(const uint8_t bytes[VIRTIO_INPUT_EVENT_SIZE],
                                           struct key_event *key);

/* Writes an event in the little-endian layout a guest's driver reads. */
void virtio_input_event_encode(const struct virtio_input_event *ev,
                               uint8_t bytes[VIRTIO_INPUT_EVENT_SIZE]);
