/* The keyboard's profile for core/vdev.c (vinput.h): the keyboard server's OPEN answer checked,
 * and the virtio-input configuration space computed from select/subsel at each write of them.
 * EV_REP is not offered: the guest gets the physical keyboard's own repeats (value 2) from the
 * keyboard core, which sends a key's repeats only to the partition that got its press, and a
 * guest's software repeat can't outlive its focus. */
#include "core/vinput.h"
#include "keyboard/evdev_codes.h"
#include <hv/abi/error.h>
#include <hv/string.h>
#include <hv/virtio/virtio_spec.h>

_Static_assert(VINPUT_CFG_BYTES <= VDEV_CONFIG_MAX, "the config fits");
_Static_assert(HV_INPUT_OPEN_REPLY_WORDS <= VDEV_OPEN_REPLY_MAX, "the reply fits");

/* Every key code evdev_codes.h names: what the keyboard core can deliver from either physical
 * keyboard's decoder (test_vinput checks that every code ps2_set1 makes is here). */
static const uint16_t keys[] = {
    KEY_ESC, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0, KEY_MINUS,
    KEY_EQUAL, KEY_BACKSPACE, KEY_TAB, KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I,
    KEY_O, KEY_P, KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_ENTER, KEY_LEFTCTRL, KEY_A, KEY_S, KEY_D,
    KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L, KEY_SEMICOLON, KEY_APOSTROPHE, KEY_GRAVE,
    KEY_LEFTSHIFT, KEY_BACKSLASH, KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M, KEY_COMMA,
    KEY_DOT, KEY_SLASH, KEY_RIGHTSHIFT, KEY_KPASTERISK, KEY_LEFTALT, KEY_SPACE, KEY_CAPSLOCK,
    KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8, KEY_F9, KEY_F10, KEY_NUMLOCK,
    KEY_SCROLLLOCK, KEY_KP7, KEY_KP8, KEY_KP9, KEY_KPMINUS, KEY_KP4, KEY_KP5, KEY_KP6, KEY_KPPLUS,
    KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP0, KEY_KPDOT, KEY_102ND, KEY_F11, KEY_F12, KEY_KPENTER,
    KEY_RIGHTCTRL, KEY_KPSLASH, KEY_SYSRQ, KEY_RIGHTALT, KEY_HOME, KEY_UP, KEY_PAGEUP, KEY_LEFT,
    KEY_RIGHT, KEY_END, KEY_DOWN, KEY_PAGEDOWN, KEY_INSERT, KEY_DELETE, KEY_MUTE,
    KEY_VOLUMEDOWN, KEY_VOLUMEUP, KEY_POWER, KEY_PAUSE, KEY_LEFTMETA, KEY_RIGHTMETA, KEY_COMPOSE,
    KEY_SLEEP, KEY_WAKEUP, KEY_NEXTSONG, KEY_PLAYPAUSE, KEY_PREVIOUSSONG, KEY_STOPCD,
};
_Static_assert(KEY_STOPCD < 8 * VINPUT_CFG_UNION_SIZE, "the bitmap holds every code");

bool vinput_key_offered(unsigned code)
{
    for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (keys[i] == code)
            return true;
    return false;
}

static void set_bit(uint8_t *bitmap, unsigned bit)
{
    bitmap[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* The union's bytes for (select, subsel); returns the size the device reports (0: none). */
static unsigned fill_union(uint8_t select, uint8_t subsel, uint8_t *u)
{
    unsigned n = 0;
    switch (select) {
    case VINPUT_CFG_ID_NAME:
        n = sizeof(VINPUT_NAME) - 1;
        memcpy(u, VINPUT_NAME, n);
        return n;
    case VINPUT_CFG_ID_DEVIDS: {
        static const uint16_t ids[4] = {VINPUT_BUS_VIRTUAL, VINPUT_VENDOR, VINPUT_PRODUCT,
                                        VINPUT_VERSION};
        for (unsigned i = 0; i < 4; i++) {
            u[2 * i] = (uint8_t)ids[i];
            u[2 * i + 1] = (uint8_t)(ids[i] >> 8);
        }
        return 8;
    }
    case VINPUT_CFG_EV_BITS:
        if (subsel == EV_KEY) {
            for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                set_bit(u, keys[i]);
        } else if (subsel == EV_LED) {
            set_bit(u, VINPUT_LED_NUML);
            set_bit(u, VINPUT_LED_CAPSL);
            set_bit(u, VINPUT_LED_SCROLLL);
        } else {
            return 0; /* EV_REP and every other type: not offered (above) */
        }
        /* §5.8.4: size is the bitmap's length up to its last byte with a bit set. */
        for (unsigned i = 0; i < VINPUT_CFG_UNION_SIZE; i++)
            if (u[i])
                n = i + 1;
        return n;
    default:
        return 0; /* UNSET, ID_SERIAL, PROP_BITS, ABS_INFO and unknown selects: nothing */
    }
}

/* The driver writes select and subsel (§5.8.4); the rest follows from them. Any other byte of
 * the write is read-only and dropped. */
static void config_write(uint8_t *config, uint32_t offset, unsigned size, uint64_t value)
{
    for (unsigned i = 0; i < size; i++) {
        uint32_t at = offset + i;
        if (at == VINPUT_CFG_SELECT || at == VINPUT_CFG_SUBSEL)
            config[at] = (uint8_t)(value >> (8 * i));
    }
    memset(config + VINPUT_CFG_SIZE, 0, VINPUT_CFG_BYTES - VINPUT_CFG_SIZE);
    config[VINPUT_CFG_SIZE] = (uint8_t)fill_union(config[VINPUT_CFG_SELECT],
                                                  config[VINPUT_CFG_SUBSEL],
                                                  config + VINPUT_CFG_UNION);
}

static int open_reply(const uint64_t *w, unsigned len, uint8_t *config, uint64_t *features,
                      uint16_t *queue_num_max)
{
    if (len != HV_INPUT_OPEN_REPLY_WORDS)
        return HV_EFORMAT;
    const struct hv_input_open_reply o = {w[0], w[1], w[2]};
    if (o.version != HV_INPUT_VERSION || o.features != 0 || o.queue_num_max > 0xffffu)
        return HV_EFORMAT;
    *features = 0;
    *queue_num_max = (uint16_t)o.queue_num_max;
    memset(config, 0, VINPUT_CFG_BYTES); /* select UNSET: size 0 */
    return HV_OK;
}

static const uint64_t vinput_open[HV_INPUT_OPEN_WORDS] = {HV_INPUT_VERSION};

const struct vdev_profile vinput_profile = {
    .what = "keyboard",
    .server = "keyboard server",
    .device_id = VIRTIO_ID_INPUT,
    .num_queues = 2,
    .config_size = VINPUT_CFG_BYTES,
    .open = vinput_open,
    .open_words = HV_INPUT_OPEN_WORDS,
    .open_reply = open_reply,
    .config_write = config_write,
};

int vmm_vinput_open(struct vmm_vdev *vd, struct vmm *vmm, const struct vdev_setup *setup)
{
    return vmm_vdev_open(vd, vmm, &vinput_profile, setup);
}
