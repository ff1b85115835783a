/* Untyped memory: a naturally aligned physical range, carved into objects by retype. */
#pragma once

#include <kernel/cap.h>

/* Carves count objects of type into dest[0..count), all validated by the caller except the
 * memory check; HV_ENOMEM (nothing changed) or HV_OK. dest slots must be empty. */
int untyped_retype(struct cap_slot *ut, unsigned type, unsigned size_bits,
                   struct cap_slot *const *dest, unsigned count);

/* The physical address the next object of 2^obj_bits would start at (after a reset when the
 * untyped has no children), or UINT64_MAX if count of them do not fit. */
uint64_t untyped_next_fit(const struct cap_slot *ut, unsigned obj_bits, unsigned count);
