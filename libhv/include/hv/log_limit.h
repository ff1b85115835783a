/* The rate limit for complaints about what a guest or a driver does: a kind of complaint is
 * logged when its count reaches 1, 2, 4, 8, ... (the first is always seen, a flood costs a
 * line per doubling, and no clock is needed). The VMM and libhv/virtio both count this way.
 * Freestanding. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Counts one more occurrence; true when this one should be logged. */
static inline bool hv_count_and_check(uint64_t *count)
{
    uint64_t n = ++*count;
    return n != 0 && (n & (n - 1)) == 0;
}
