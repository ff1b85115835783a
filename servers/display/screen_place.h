/* Where a partition's screen buffer lies in one untyped region so that its strip is physically
 * right before its guest rows and the guest rows start a 2 MiB block: the guest's rows are then
 * mapped with a few 2 MiB frames and the strip's with 4 KiB frames that go to no guest. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define SCREEN_PLACE_PAGE_BITS 12u
#define SCREEN_PLACE_BLOCK_BITS 21u
#define SCREEN_PLACE_MAX_PADS 9u /* one untyped per bit of [4 KiB, 2 MiB) */

/* Retyped from an untyped of 2^untyped_bits bytes in this order, each child naturally aligned
 * above the previous one: pads (untyped, never used, only to move the watermark), then
 * strip_pages 4 KiB frames, then guest_blocks 2 MiB frames. */
struct screen_place {
    unsigned npads;
    uint8_t pad_bits[SCREEN_PLACE_MAX_PADS]; /* descending */
    uint32_t strip_pages;
    uint32_t guest_blocks;
    uint64_t buffer_offset; /* the strip's first byte, from the untyped's start */
    unsigned untyped_bits;
};

/* strip_bytes: a non-zero multiple of 4 KiB; guest_bytes: non-zero. False if they are not,
 * or the region would need more than 2^40 bytes. */
bool screen_place(uint64_t strip_bytes, uint64_t guest_bytes, struct screen_place *out);
