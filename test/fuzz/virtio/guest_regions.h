/* Guest memory for the virtio fuzzers: one exact-size heap block per region, for ASan. */
#pragma once

#include <hv/virtio/virtio_mem.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_input.h"

#define MAX_REGIONS 3

struct guest_regions {
    struct virtio_mem_region region[MAX_REGIONS];
    struct virtio_mem mem;
};

/* Guest-physical bases worth trying: ordinary RAM, zero, and regions ending at 2^64. */
static inline uint64_t pick_base(struct fuzz_input *in, uint64_t size)
{
    switch (in_u8(in) % 5) {
    case 0:
        return 0x40000000u;
    case 1:
        return 0;
    case 2:
        return UINT64_MAX - size + 1;
    case 3:
        return 0x80000000u + ((uint64_t)in_u16(in) << 12);
    default:
        return in_u64(in) & ~UINT64_C(15);
    }
}

static inline void regions_create(struct guest_regions *g, struct fuzz_input *in, uint32_t min_size,
                                  uint32_t max_extra)
{
    size_t count = 1 + in_u8(in) % MAX_REGIONS;
    for (size_t i = 0; i < count; i++) {
        uint64_t size = min_size + in_u16(in) % (max_extra + 1);
        g->region[i].size = size;
        g->region[i].gpa = pick_base(in, size);
        g->region[i].host = calloc(1, size);
    }
    g->mem.regions = g->region;
    g->mem.count = count;
}

static inline void regions_destroy(struct guest_regions *g)
{
    for (size_t i = 0; i < g->mem.count; i++)
        free(g->region[i].host);
}

/* Is [p, p + len) inside one region's local mapping? */
static inline bool regions_hold(const struct guest_regions *g, const void *p, uint64_t len)
{
    uintptr_t a = (uintptr_t)p;
    for (size_t i = 0; i < g->mem.count; i++) {
        uintptr_t base = (uintptr_t)g->region[i].host;
        if (a >= base && a - base <= g->region[i].size && len <= g->region[i].size - (a - base))
            return true;
    }
    return false;
}

/* Local address of gpa if [gpa, gpa + len) is in a region, else NULL. */
static inline uint8_t *regions_at(struct guest_regions *g, uint64_t gpa, uint64_t len)
{
    void *p;
    return virtio_mem_translate(&g->mem, gpa, len, &p) == VIRTIO_MEM_OK ? p : NULL;
}

/* Touches both ends of a segment: ASan reports it if either is not real guest memory. */
static inline void touch(void *p, uint32_t len, bool write)
{
    volatile uint8_t *b = p;
    if (len == 0)
        return;
    uint8_t first = b[0], last = b[len - 1];
    if (write) {
        b[0] = (uint8_t)(last + 1);
        b[len - 1] = (uint8_t)(first + 1);
    }
}
