/* libFuzzer target: events from the physical virtio keyboard (8 bytes each, any values) through
 * the decoder and the keyboard core, with Ctrl-T focus requests from the console in between.
 * Only a key event a keyboard can send reaches the core, and the model checks what it
 * delivers. */
#include "fuzz_input.h"
#include "fuzz_invariant.h"
#include "kbd_driver.h"
#include "virtio_input_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size, 0};
    static struct kbd_driver d;
    uint8_t parts = in_u8(&in), focusable = in_u8(&in);
    kbd_driver_init(&d, parts, focusable);
    while (!in_done(&in)) {
        /* One control byte per event: its low bits now and then mean Ctrl-T or a reset of a
         * partition's device instead. */
        uint8_t op = in_u8(&in);
        if ((op & 0x7) == 0x7) {
            kbd_driver_console(&d, (uint8_t)(op >> 3));
            continue;
        }
        if ((op & 0x7) == 0x6) {
            kbd_driver_device_reset(&d, (uint8_t)(op >> 3));
            continue;
        }
        uint8_t bytes[VIRTIO_INPUT_EVENT_SIZE];
        in_bytes(&in, bytes, sizeof(bytes));
        struct key_event key = {0xffff, 0xff};
        enum vinput_kind kind = virtio_input_event_decode(bytes, &key);
        uint16_t type = (uint16_t)(bytes[0] | bytes[1] << 8);
        switch (kind) {
        case VINPUT_KEY:
            INVARIANT(type == EV_KEY && key.code != 0 && key.code < KEY_CNT &&
                      key.value <= KEY_VALUE_REPEAT);
            kbd_driver_key(&d, key);
            break;
        case VINPUT_SYNC:
            INVARIANT(type == EV_SYN);
            break;
        case VINPUT_IGNORED:
        case VINPUT_BAD:
            INVARIANT(key.code == 0xffff && key.value == 0xff); /* untouched */
            break;
        default:
            INVARIANT(!"an undecided event");
        }
    }
    kbd_driver_finish(&d);
    return 0;
}
