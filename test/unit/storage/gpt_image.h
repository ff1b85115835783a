/* Builds GPT disks in memory for the storage tests and fuzzers, the way sfdisk lays them out
 * (128 entries of 128 bytes after each header), and re-seals them after a deliberate change. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define IMG_ENTRIES 128u
#define IMG_ENTRY_SIZE 128u
#define IMG_ENTRY_SECTORS 32u

struct img_part {
    const char *name;
    uint64_t first, last;
    uint8_t guid_seed; /* the unique GUID is 16 bytes of this value + index */
};

/* A disk of sectors * 512 bytes with a protective MBR and both GPT copies. */
void gpt_image_build(uint8_t *disk, uint64_t sectors, const struct img_part *parts, unsigned n);

/* Recomputes the entry-array CRC and then the header CRC of one copy (primary or backup). */
void gpt_image_seal(uint8_t *disk, uint64_t sectors, bool backup);

/* Where things are, for tests that break them. */
uint8_t *gpt_image_header(uint8_t *disk, uint64_t sectors, bool backup);
uint8_t *gpt_image_entry(uint8_t *disk, uint64_t sectors, bool backup, unsigned i);

/* The unique GUID the builder gives partition i. */
void gpt_image_guid(const struct img_part *p, unsigned i, uint8_t guid[16]);
