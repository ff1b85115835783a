/* libFuzzer target: the PC keyboard's byte stream (scancode set 1, any bytes at all) through the
 * decoder and the keyboard core, with Ctrl-T focus requests from the console in between. The
 * model checks that keys reach the focused partition only, whole, and the switch combination
 * reaches no partition. */
#include "fuzz_input.h"
#include "fuzz_invariant.h"
#include "kbd_driver.h"
#include "ps2_set1.h"

/* 0xF1 and 0xF2 are no key in set 1 (break codes of unused make codes), so the fuzzer takes
 * them to mean "the console's Ctrl-T, to the partition in the next byte" and "that partition's
 * virtio-input device resets". */
#define FUZZ_CONSOLE_FOCUS 0xf1
#define FUZZ_DEVICE_RESET 0xf2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size, 0};
    static struct kbd_driver d;
    uint8_t parts = in_u8(&in), focusable = in_u8(&in);
    kbd_driver_init(&d, parts, focusable);
    struct ps2_set1 dec;
    ps2_set1_init(&dec);
    while (!in_done(&in)) {
        uint8_t byte = in_u8(&in);
        if (byte == FUZZ_CONSOLE_FOCUS) {
            kbd_driver_console(&d, in_u8(&in));
            continue;
        }
        if (byte == FUZZ_DEVICE_RESET) {
            kbd_driver_device_reset(&d, in_u8(&in));
            continue;
        }
        struct key_event out[PS2_EVENTS_MAX];
        unsigned n = ps2_set1_feed(&dec, byte, out);
        INVARIANT(n <= PS2_EVENTS_MAX);
        for (unsigned i = 0; i < n; i++) {
            INVARIANT(out[i].code != 0 && out[i].value <= KEY_VALUE_PRESS);
            kbd_driver_key(&d, out[i]);
        }
    }
    kbd_driver_finish(&d);
    return 0;
}
