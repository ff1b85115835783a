/* Rate limits for the VMM's diagnostics: a guest can repeat a bad access forever, so a kind of
 * complaint is logged when its count reaches 1, 2, 4, 8, ... (the first is always seen, a
 * flood costs a line per doubling, and no clock is needed), as libhv/virtio does. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Counts one more occurrence; true when this one should be logged. */
static inline bool vmm_count_and_check(uint64_t *count)
{
    uint64_t n = ++*count;
    return n != 0 && (n & (n - 1)) == 0;
}
