/* The header every reference-counted kernel object starts with, and its lifetime rules. */
#pragma once

#include <kernel/types.h>

/* refs counts the capabilities naming the object (plus temporary pins). When it drops to zero
 * the object is queued and destroyed by cap_drain(); its memory stays with its untyped until
 * the untyped has no children left and is retyped again. */
struct obj_header {
    uint32_t refs;
    uint8_t type;   /* enum hv_obj_type */
    bool queued;    /* on the destroy queue */
    uint16_t pad;
    struct obj_header *dead_next;
};

void obj_ref(struct obj_header *h);
void obj_unref(struct obj_header *h); /* queues the object for destruction at zero */
static inline bool obj_alive(const struct obj_header *h) { return h->refs > 0; }
