/* Moving the machine's one focus: only on request of the keyboard's combination or the
 * console's Ctrl-T, only to a partition that may take it, and counted so listeners see it. */
#include "focus.h"
#include <hv/abi/error.h>

static bool is_focusable(const struct focus *f, unsigned p)
{
    return p < f->count && (f->focusable >> p & 1);
}

/* The first focusable partition at or after p, wrapping; HV_FOCUS_NONE if there is none. */
static uint32_t first_focusable_from(const struct focus *f, unsigned p)
{
    for (unsigned i = 0; i < f->count; i++) {
        unsigned q = (p + i) % f->count;
        if (is_focusable(f, q))
            return q;
    }
    return HV_FOCUS_NONE;
}

bool focus_init(struct focus *f, unsigned count, uint32_t focusable, unsigned first)
{
    if (count == 0 || count > HV_PT_MAX_PARTITIONS || first >= count)
        return false;
    f->count = count;
    f->focusable = focusable & ((1u << count) - 1); /* count <= 16: the shift is defined */
    f->generation = 0;
    f->current = first_focusable_from(f, first);
    return true;
}

int focus_request(struct focus *f, uint64_t badge, uint64_t label, uint64_t arg, bool *moved)
{
    *moved = false;
    if (badge != HV_FOCUS_BADGE_KEYBOARD && badge != HV_FOCUS_BADGE_CONSOLE)
        return HV_EPERM;
    uint32_t target;
    if (label == HV_FOCUS_SET) {
        if (arg >= f->count || !is_focusable(f, (unsigned)arg))
            return HV_EINVAL;
        target = (uint32_t)arg;
    } else if (label == HV_FOCUS_NEXT) {
        unsigned from = f->current == HV_FOCUS_NONE ? 0 : f->current + 1;
        target = first_focusable_from(f, from % f->count);
    } else {
        return HV_EINVAL;
    }
    if (target == f->current)
        return 0;
    f->current = target;
    f->generation++;
    *moved = true;
    return 0;
}
