/* The focus owner's state machine: which partition has the machine's one focus, and who may
 * move it (hv/proto/focus.h). Free of system calls: the keyboard server's loop calls it for its
 * own switch combination and for the console's requests, then publishes focus_word(). */
#pragma once

#include <hv/proto/focus.h>
#include <stdbool.h>
#include <stdint.h>

struct focus {
    unsigned count;      /* partitions in the table */
    uint32_t focusable;  /* bit i: partition i may take focus (it has a keyboard or a screen) */
    uint32_t current;    /* the partition with focus, or HV_FOCUS_NONE */
    uint32_t generation; /* how many times the focus moved */
};

/* Sets up for count (1..HV_PT_MAX_PARTITIONS) partitions with focus on the first focusable
 * one at or after `first` (in table order, wrapping); false if the numbers are out of range.
 * With no focusable partition at all the focus is HV_FOCUS_NONE. */
bool focus_init(struct focus *f, unsigned count, uint32_t focusable, unsigned first);

/* A request that came through a cap with this badge: label HV_FOCUS_SET (arg = partition) or
 * HV_FOCUS_NEXT. Returns 0 with the focus where asked (*moved says whether it changed), or
 * HV_EPERM (a badge that is neither the keyboard's nor the console's) or HV_EINVAL (another
 * label, a partition out of range or not focusable) with nothing changed. */
int focus_request(struct focus *f, uint64_t badge, uint64_t label, uint64_t arg, bool *moved);

/* What the owner stores in the shared page. */
static inline uint64_t focus_word(const struct focus *f)
{
    return hv_focus_word(f->current, f->generation);
}
