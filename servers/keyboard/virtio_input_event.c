/* Reading and writing virtio-input's 8-byte events; a physical device's event is checked
 * before the core sees it, since the core indexes bitmaps with its code. */
#include "virtio_input_event.h"
#include "evdev_codes.h"

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

enum vinput_kind virtio_input_event_decode(const uint8_t bytes[VIRTIO_INPUT_EVENT_SIZE],
                                           struct key_event *key)
{
    uint16_t type = le16(bytes), code = le16(bytes + 2);
    uint32_t value = le32(bytes + 4);
    switch (type) {
    case EV_SYN:
        /* Other EV_SYN codes (SYN_DROPPED, SYN_CONFIG) carry nothing a keyboard acts on. */
        return code == SYN_REPORT ? VINPUT_SYNC : VINPUT_IGNORED;
    case EV_KEY:
        if (code == KEY_RESERVED || code > KEY_MAX || value > KEY_VALUE_REPEAT)
            return VINPUT_BAD;
        key->code = code;
        key->value = (uint8_t)value;
        return VINPUT_KEY;
    case EV_MSC: /* MSC_SCAN: the raw scancode beside the key event */
    case EV_LED:
    case EV_REP:
        return VINPUT_IGNORED;
    default:
        return VINPUT_BAD;
    }
}

void virtio_input_event_encode(const struct virtio_input_event *ev,
                               uint8_t bytes[VIRTIO_INPUT_EVENT_SIZE])
{
    bytes[0] = (uint8_t)ev->type;
    bytes[1] = (uint8_t)(ev->type >> 8);
    bytes[2] = (uint8_t)ev->code;
    bytes[3] = (uint8_t)(ev->code >> 8);
    for (unsigned i = 0; i < 4; i++)
        bytes[4 + i] = (uint8_t)(ev->value >> (8 * i));
}
