/* A model of what the keyboard core promises (docs/trusted-path.md), checked after every event:
 * used by test_kbd_core and by the keyboard fuzzers. The driver feeds the same physical events
 * to the core and the model, routes the core's output to kbd_model_deliver, and reports focus
 * changes; the first broken promise is kept in `violation`. */
#pragma once

#include "kbd_core.h"
#include <stdbool.h>
#include <stdint.h>

#define MODEL_PARTITIONS 4

struct kbd_model {
    uint32_t focus;                             /* where the core may send keys now */
    uint32_t releasing;                         /* during a focus change: the old focus */
    uint64_t seen[MODEL_PARTITIONS][KBD_WORDS]; /* keys each partition has down */
    bool report_open[MODEL_PARTITIONS];         /* an EV_KEY not yet followed by EV_SYN */
    uint64_t phys[KBD_WORDS];                   /* physically down */
    uint64_t stale[KBD_WORDS];                  /* down across a switch: must reach no one */
    uint64_t fresh[KBD_WORDS];                  /* Ctrl/Alt pressed since the last other key */
    unsigned delivered[MODEL_PARTITIONS];       /* events each partition got */
    unsigned switches;
    int letting_go;      /* the key being released now, or -1 */
    bool let_go_pressed; /* ... and its press was delivered */
    const char *violation;
    char text[160];
};

void kbd_model_init(struct kbd_model *m, uint32_t focus);

/* The io callback for the core (ctx: the model). */
void kbd_model_deliver(void *ctx, unsigned partition, const struct virtio_input_event *ev);

/* Feeds one physical event to the core and checks what came out; returns the core's answer
 * (true: the combination, the driver now moves the focus with kbd_model_focus). */
bool kbd_model_key(struct kbd_model *m, struct kbd_core *k, struct key_event ev);

/* Moves the focus in the core and the model, and checks the old partition was left with no
 * key down. */
void kbd_model_focus(struct kbd_model *m, struct kbd_core *k, uint32_t focus);

/* Resets partition p's device in the core and the model: p has no key down afterwards, and
 * keys held now reach it only when pressed anew. */
void kbd_model_device_reset(struct kbd_model *m, struct kbd_core *k, unsigned p);

/* True when partition p has key code down. */
bool kbd_model_seen(const struct kbd_model *m, unsigned p, uint16_t code);
