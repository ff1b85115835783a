/* GPT disks in memory for the storage tests (gpt_image.h). */
#include "gpt_image.h"

#include <hv/bytes.h>
#include <hv/crc32.h>
#include <string.h>

uint8_t *gpt_image_header(uint8_t *disk, uint64_t sectors, bool backup)
{
    return disk + 512 * (backup ? sectors - 1 : 1);
}

static uint64_t entries_lba(uint64_t sectors, bool backup)
{
    return backup ? sectors - 1 - IMG_ENTRY_SECTORS : 2;
}

uint8_t *gpt_image_entry(uint8_t *disk, uint64_t sectors, bool backup, unsigned i)
{
    return disk + 512 * entries_lba(sectors, backup) + IMG_ENTRY_SIZE * i;
}

void gpt_image_guid(const struct img_part *p, unsigned i, uint8_t guid[16])
{
    memset(guid, p->guid_seed + i, 16);
}

void gpt_image_seal(uint8_t *disk, uint64_t sectors, bool backup)
{
    uint8_t *h = gpt_image_header(disk, sectors, backup);
    uint32_t count = hv_le32(h + 80), size = hv_le32(h + 84);
    uint64_t lba = hv_le64(h + 72);
    if ((uint64_t)count * size <= 65536 && lba < sectors &&
        (uint64_t)count * size <= 512 * (sectors - lba))
        hv_put_le32(h + 88, hv_crc32(0, disk + 512 * lba, (size_t)count * size));
    uint32_t hs = hv_le32(h + 12);
    hv_put_le32(h + 16, 0);
    hv_put_le32(h + 16, hv_crc32(0, h, hs <= 512 ? hs : 92));
}

static void header(uint8_t *disk, uint64_t sectors, bool backup)
{
    uint8_t *h = gpt_image_header(disk, sectors, backup);
    memcpy(h, "EFI PART", 8);
    hv_put_le32(h + 8, 0x00010000);
    hv_put_le32(h + 12, 92);
    hv_put_le64(h + 24, backup ? sectors - 1 : 1);
    hv_put_le64(h + 32, backup ? 1 : sectors - 1);
    hv_put_le64(h + 40, 2 + IMG_ENTRY_SECTORS);
    hv_put_le64(h + 48, sectors - 2 - IMG_ENTRY_SECTORS);
    memset(h + 56, 0xd1, 16); /* disk GUID */
    hv_put_le64(h + 72, entries_lba(sectors, backup));
    hv_put_le32(h + 80, IMG_ENTRIES);
    hv_put_le32(h + 84, IMG_ENTRY_SIZE);
}

void gpt_image_build(uint8_t *disk, uint64_t sectors, const struct img_part *parts, unsigned n)
{
    memset(disk, 0, 512 * 3);
    uint8_t *rec = disk + 446;
    rec[4] = 0xee;
    hv_put_le32(rec + 8, 1);
    hv_put_le32(rec + 12, sectors - 1 > 0xffffffffu ? 0xffffffffu : (uint32_t)(sectors - 1));
    disk[510] = 0x55;
    disk[511] = 0xaa;
    for (int b = 0; b < 2; b++) {
        memset(gpt_image_header(disk, sectors, b), 0, 512);
        memset(gpt_image_entry(disk, sectors, b, 0), 0, IMG_ENTRY_SECTORS * 512);
        for (unsigned i = 0; i < n; i++) {
            uint8_t *e = gpt_image_entry(disk, sectors, b, i);
            memset(e, 0xaf, 16); /* a made-up type GUID: non-zero is all that counts */
            gpt_image_guid(&parts[i], i, e + 16);
            hv_put_le64(e + 32, parts[i].first);
            hv_put_le64(e + 40, parts[i].last);
            for (unsigned c = 0; parts[i].name[c] && c < 36; c++)
                hv_put_le16(e + 56 + 2 * c, (uint8_t)parts[i].name[c]);
        }
        header(disk, sectors, b);
        gpt_image_seal(disk, sectors, b);
    }
}
