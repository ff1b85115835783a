/* The padding that puts a strip's end on a 2 MiB boundary (screen_place.h). */
#include "screen_place.h"

#define PAGE (1ull << SCREEN_PLACE_PAGE_BITS)
#define BLOCK (1ull << SCREEN_PLACE_BLOCK_BITS)

bool screen_place(uint64_t strip_bytes, uint64_t guest_bytes, struct screen_place *out)
{
    if (strip_bytes == 0 || strip_bytes % PAGE || guest_bytes == 0 || strip_bytes > (1ull << 39) ||
        guest_bytes > (1ull << 39))
        return false;
    /* Descending powers of two from offset 0 are each naturally aligned where they fall. */
    uint64_t pad = (BLOCK - strip_bytes % BLOCK) % BLOCK;
    struct screen_place p = {0};
    for (unsigned bit = SCREEN_PLACE_BLOCK_BITS; bit-- > SCREEN_PLACE_PAGE_BITS;)
        if (pad & (1ull << bit))
            p.pad_bits[p.npads++] = (uint8_t)bit;
    p.strip_pages = (uint32_t)(strip_bytes / PAGE);
    p.guest_blocks = (uint32_t)((guest_bytes + BLOCK - 1) / BLOCK);
    p.buffer_offset = pad;
    uint64_t total = pad + strip_bytes + (uint64_t)p.guest_blocks * BLOCK;
    p.untyped_bits = SCREEN_PLACE_BLOCK_BITS;
    while ((1ull << p.untyped_bits) < total)
        p.untyped_bits++;
    *out = p;
    return true;
}
