/* The keyboard fuzzers' shared driver: the core wired to the focus owner and the model, with
 * the model's verdict as the oracle (a broken promise aborts, and libFuzzer keeps the input). */
#include "kbd_driver.h"
#include "fuzz_invariant.h"
#include <hv/abi/error.h>
#include <string.h>

static void check(const struct kbd_driver *d)
{
    if (d->model.violation) {
        fprintf(stderr, "keyboard core: %s\n", d->model.violation);
        abort();
    }
}

void kbd_driver_init(struct kbd_driver *d, uint8_t parts, uint8_t focusable)
{
    unsigned count = 1 + parts % MODEL_PARTITIONS;
    INVARIANT(focus_init(&d->focus, count, focusable, 0));
    kbd_model_init(&d->model, d->focus.current);
    struct kbd_core_io io = {kbd_model_deliver, &d->model};
    kbd_core_init(&d->core, &io, d->focus.current);
}

static void moved_to(struct kbd_driver *d)
{
    kbd_model_focus(&d->model, &d->core, d->focus.current);
    check(d);
}

void kbd_driver_key(struct kbd_driver *d, struct key_event ev)
{
    INVARIANT(ev.code < KEY_CNT && ev.value <= KEY_VALUE_REPEAT);
    bool combination = kbd_model_key(&d->model, &d->core, ev);
    check(d);
    if (combination) {
        bool moved;
        INVARIANT(focus_request(&d->focus, HV_FOCUS_BADGE_KEYBOARD, HV_FOCUS_NEXT, 0, &moved) == 0);
        if (moved)
            moved_to(d);
    }
}

void kbd_driver_console(struct kbd_driver *d, uint8_t p)
{
    bool moved;
    uint32_t before = d->focus.current, generation = d->focus.generation;
    int r = focus_request(&d->focus, HV_FOCUS_BADGE_CONSOLE, HV_FOCUS_SET, p, &moved);
    INVARIANT(r == 0 || r == HV_EINVAL);
    if (r != 0)
        INVARIANT(!moved && d->focus.current == before && d->focus.generation == generation);
    if (moved)
        moved_to(d);
}

void kbd_driver_device_reset(struct kbd_driver *d, uint8_t p)
{
    kbd_model_device_reset(&d->model, &d->core, p % (MODEL_PARTITIONS + 1));
    check(d);
}

void kbd_driver_finish(struct kbd_driver *d)
{
    for (uint16_t c = 0; c < KEY_CNT; c++)
        if (d->model.phys[c / 64] >> (c % 64) & 1)
            kbd_driver_key(d, (struct key_event){c, KEY_VALUE_RELEASE});
    for (unsigned p = 0; p < MODEL_PARTITIONS; p++)
        for (unsigned w = 0; w < KBD_WORDS; w++)
            INVARIANT(d->model.seen[p][w] == 0);
}
