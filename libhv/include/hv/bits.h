/* Integer helpers every layer needs: power-of-two alignment, access-size masks, saturating
 * sums. Freestanding; the kernel includes it too. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define KIB(x) ((uint64_t)(x) << 10)
#define MIB(x) ((uint64_t)(x) << 20)
#define GIB(x) ((uint64_t)(x) << 30)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* a must be a power of two. */
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (a) - 1, (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)

/* The value bits of an access of size bytes (1..8); 0 for any other size. */
static inline uint64_t hv_size_mask(unsigned size)
{
    return size >= 8 ? (size == 8 ? ~0ull : 0) : size ? (1ull << (size * 8)) - 1 : 0;
}

/* a + b, or UINT64_MAX where the sum would wrap (deadlines "never" stay never). */
static inline uint64_t hv_sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
