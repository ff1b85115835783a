/* GPT reading and checking (gpt.h): protective MBR, both headers with their CRCs and fields,
 * both entry arrays with theirs, every entry inside the usable range and none overlapping. */
#include "gpt.h"

#include <hv/bytes.h>
#include <hv/crc32.h>
#include <hv/enum_name.h>
#include <hv/fmt.h>
#include <hv/string.h>

/* §5.2.3 Protective MBR. */
#define MBR_RECORDS 446u
#define MBR_RECORD_SIZE 16u
#define MBR_SIGNATURE 510u
#define MBR_TYPE_GPT_PROTECTIVE 0xee
/* §5.3.2 GPT header. */
#define HDR_SIGNATURE 0
#define HDR_REVISION 8
#define HDR_SIZE 12
#define HDR_CRC 16
#define HDR_RESERVED 20
#define HDR_MY_LBA 24
#define HDR_ALTERNATE_LBA 32
#define HDR_FIRST_USABLE 40
#define HDR_LAST_USABLE 48
#define HDR_DISK_GUID 56
#define HDR_ENTRIES_LBA 72
#define HDR_ENTRY_COUNT 80
#define HDR_ENTRY_SIZE 84
#define HDR_ENTRIES_CRC 88
/* §5.3.3 GPT partition entry. */
#define ENT_TYPE 0
#define ENT_GUID 16
#define ENT_FIRST 32
#define ENT_LAST 40
#define ENT_ATTRS 48
#define ENT_NAME 56
#define ENT_MIN_SIZE 128u

/* The fields of one checked header. */
struct header {
    uint64_t my_lba, alternate, first_usable, last_usable, entries_lba;
    uint32_t entry_count, entry_size, entries_crc;
    uint8_t disk_guid[16];
    uint64_t entries_sectors;
};

static struct gpt_result fail(enum gpt_check c, enum gpt_where w)
{
    return (struct gpt_result){.check = c, .where = w, .entry = -1, .other = -1};
}

static struct gpt_result fail_entry(enum gpt_check c, enum gpt_where w, uint32_t e, int32_t other)
{
    return (struct gpt_result){.check = c, .where = w, .entry = (int32_t)e, .other = other};
}

static enum gpt_check check_mbr(const uint8_t *s)
{
    if (s[MBR_SIGNATURE] != 0x55 || s[MBR_SIGNATURE + 1] != 0xaa)
        return GPT_MBR_SIGNATURE;
    unsigned protective = 0, other = 0;
    for (unsigned i = 0; i < 4; i++) {
        const uint8_t *r = s + MBR_RECORDS + i * MBR_RECORD_SIZE;
        if (r[4] == MBR_TYPE_GPT_PROTECTIVE && hv_le32(r + 8) == 1 && hv_le32(r + 12) != 0)
            protective++;
        else if (r[4] != 0)
            other++;
    }
    /* A hybrid MBR describes the disk twice; which one a tool believes is a guess. */
    return protective == 1 && other == 0 ? GPT_OK : GPT_MBR_PROTECTIVE;
}

static bool entry_size_ok(uint32_t size)
{
    /* §5.3.2: 128 * 2^n. */
    return size >= ENT_MIN_SIZE && size % ENT_MIN_SIZE == 0 && (size & (size - 1)) == 0;
}

/* Signature, size, CRC, revision: what says the sector is a GPT header at all. */
static enum gpt_check check_header_frame(uint8_t *s)
{
    if (memcmp(s + HDR_SIGNATURE, "EFI PART", 8) != 0)
        return GPT_HDR_SIGNATURE;
    /* The size first, since the CRC covers that many bytes; then the CRC, so that a byte
     * changed anywhere is called what it is before any field is looked at. */
    uint32_t size = hv_le32(s + HDR_SIZE);
    if (size < GPT_HEADER_MIN || size > GPT_SECTOR)
        return GPT_HDR_SIZE;
    uint32_t stored = hv_le32(s + HDR_CRC);
    /* §5.3.2: computed with the CRC field itself zero. */
    hv_put_le32(s + HDR_CRC, 0);
    uint32_t crc = hv_crc32(0, s, size);
    hv_put_le32(s + HDR_CRC, stored);
    if (crc != stored)
        return GPT_HDR_CRC;
    if (hv_le32(s + HDR_REVISION) != GPT_REVISION)
        return GPT_HDR_REVISION;
    if (hv_le32(s + HDR_RESERVED) != 0)
        return GPT_HDR_RESERVED;
    return GPT_OK;
}

/*
 * The header's fields against where it was read (my_lba), where the other copy must be,
 * and the disk: the usable range lies strictly between the two headers' areas, and this
 * copy's entry array lies between its header and the usable range (primary: after LBA 1 and
 * before first usable; backup: after last usable and before the last LBA).
 */
static enum gpt_check check_header_fields(const uint8_t *s, uint64_t my_lba, uint64_t alt_lba,
                                          uint64_t disk_sectors, struct header *h)
{
    h->my_lba = hv_le64(s + HDR_MY_LBA);
    h->alternate = hv_le64(s + HDR_ALTERNATE_LBA);
    h->first_usable = hv_le64(s + HDR_FIRST_USABLE);
    h->last_usable = hv_le64(s + HDR_LAST_USABLE);
    h->entries_lba = hv_le64(s + HDR_ENTRIES_LBA);
    h->entry_count = hv_le32(s + HDR_ENTRY_COUNT);
    h->entry_size = hv_le32(s + HDR_ENTRY_SIZE);
    h->entries_crc = hv_le32(s + HDR_ENTRIES_CRC);
    memcpy(h->disk_guid, s + HDR_DISK_GUID, 16);
    if (h->my_lba != my_lba)
        return GPT_HDR_MY_LBA;
    if (h->alternate != alt_lba)
        return GPT_HDR_ALTERNATE_LBA;
    if (!entry_size_ok(h->entry_size))
        return GPT_HDR_ENTRY_SIZE;
    uint64_t bytes = (uint64_t)h->entry_count * h->entry_size;
    if (h->entry_count == 0 || bytes > GPT_ENTRIES_MAX)
        return GPT_HDR_ENTRY_COUNT;
    h->entries_sectors = (bytes + GPT_SECTOR - 1) / GPT_SECTOR;
    uint64_t last = disk_sectors - 1;
    if (h->first_usable > h->last_usable || h->first_usable < 2 || h->last_usable >= last)
        return GPT_HDR_USABLE_RANGE;
    bool primary = my_lba == 1;
    uint64_t lo = primary ? 2 : h->last_usable + 1;         /* first LBA the array may use */
    uint64_t hi = primary ? h->first_usable - 1 : last - 1; /* last LBA it may use */
    if (h->entries_lba < lo || h->entries_lba > hi || h->entries_sectors > hi - h->entries_lba + 1)
        return GPT_HDR_ENTRIES_LBA;
    return GPT_OK;
}

/* Reads one copy's header at lba and its entries into scratch->entries; checks both CRCs. */
static enum gpt_check read_copy(const struct gpt_disk *disk, struct gpt_scratch *sc, uint64_t lba,
                                uint64_t alt, struct header *h)
{
    if (!disk->read(disk->ctx, lba, 1, sc->sector))
        return GPT_IO;
    enum gpt_check c = check_header_frame(sc->sector);
    if (c == GPT_OK)
        c = check_header_fields(sc->sector, lba, alt, disk->sectors, h);
    if (c != GPT_OK)
        return c;
    if (!disk->read(disk->ctx, h->entries_lba, (uint32_t)h->entries_sectors, sc->entries))
        return GPT_IO;
    uint32_t bytes = h->entry_count * h->entry_size;
    if (hv_crc32(0, sc->entries, bytes) != h->entries_crc)
        return GPT_ENTRIES_CRC;
    return GPT_OK;
}

static bool guid_zero(const uint8_t *g)
{
    for (unsigned i = 0; i < 16; i++) {
        if (g[i] != 0)
            return false;
    }
    return true;
}

static void entry_name(const uint8_t *e, struct gpt_part *p)
{
    p->name_ascii = true;
    unsigned n = 0;
    for (; n < GPT_NAME_MAX; n++) {
        uint16_t unit = hv_le16(e + ENT_NAME + 2 * n);
        if (unit == 0)
            break;
        bool printable = unit >= 0x20 && unit < 0x7f;
        p->name[n] = printable ? (char)unit : '?';
        p->name_ascii = p->name_ascii && printable;
    }
    p->name[n] = '\0';
}

/* Entries of the checked array: each inside the usable range, no two overlapping. */
static struct gpt_result parse_entries(const struct gpt_scratch *sc, const struct header *h,
                                       struct gpt_table *t)
{
    t->count = 0;
    for (uint32_t i = 0; i < h->entry_count; i++) {
        const uint8_t *e = sc->entries + (size_t)i * h->entry_size;
        if (guid_zero(e + ENT_TYPE))
            continue; /* §5.3.3: an unused entry */
        if (t->count == GPT_MAX_PARTS)
            return fail_entry(GPT_ENTRY_TOO_MANY, GPT_AT_PRIMARY, i, -1);
        struct gpt_part *p = &t->parts[t->count];
        memcpy(p->type, e + ENT_TYPE, 16);
        memcpy(p->guid, e + ENT_GUID, 16);
        p->first_lba = hv_le64(e + ENT_FIRST);
        p->last_lba = hv_le64(e + ENT_LAST);
        p->attributes = hv_le64(e + ENT_ATTRS);
        p->index = i;
        entry_name(e, p);
        if (p->first_lba > p->last_lba || p->first_lba < h->first_usable ||
            p->last_lba > h->last_usable)
            return fail_entry(GPT_ENTRY_RANGE, GPT_AT_PRIMARY, i, -1);
        for (uint32_t j = 0; j < t->count; j++) {
            const struct gpt_part *q = &t->parts[j];
            if (p->first_lba <= q->last_lba && q->first_lba <= p->last_lba)
                return fail_entry(GPT_ENTRY_OVERLAP, GPT_AT_PRIMARY, i, (int32_t)q->index);
        }
        t->count++;
    }
    memcpy(t->disk_guid, h->disk_guid, 16);
    t->first_usable = h->first_usable;
    t->last_usable = h->last_usable;
    return fail(GPT_OK, GPT_AT_PRIMARY);
}

/* The backup must describe the same table: same geometry, same entries (by their CRC). */
static bool copies_agree(const struct header *p, const struct header *b)
{
    return p->first_usable == b->first_usable && p->last_usable == b->last_usable &&
           p->entry_count == b->entry_count && p->entry_size == b->entry_size &&
           p->entries_crc == b->entries_crc && memcmp(p->disk_guid, b->disk_guid, 16) == 0;
}

struct gpt_result gpt_read(const struct gpt_disk *disk, struct gpt_scratch *sc,
                           struct gpt_table *table)
{
    /* MBR, two headers, and at least one sector of entries for each. */
    if (disk->sectors < 6)
        return fail(GPT_DISK_SIZE, GPT_AT_MBR);
    uint64_t last = disk->sectors - 1;
    if (!disk->read(disk->ctx, 0, 1, sc->sector))
        return fail(GPT_IO, GPT_AT_MBR);
    enum gpt_check c = check_mbr(sc->sector);
    if (c != GPT_OK)
        return fail(c, GPT_AT_MBR);

    struct header primary, backup;
    c = read_copy(disk, sc, 1, last, &primary);
    if (c != GPT_OK) {
        struct gpt_result r = fail(c, GPT_AT_PRIMARY);
        /* Said so that whoever repairs the disk knows whether the backup can be copied back. */
        r.backup_intact = read_copy(disk, sc, last, 1, &backup) == GPT_OK;
        return r;
    }
    struct gpt_result r = parse_entries(sc, &primary, table);
    if (r.check != GPT_OK)
        return r;
    c = read_copy(disk, sc, last, 1, &backup);
    if (c != GPT_OK)
        return fail(c, GPT_AT_BACKUP);
    if (!copies_agree(&primary, &backup))
        return fail(GPT_BACKUP_MISMATCH, GPT_AT_BOTH);
    return r;
}

const char *gpt_check_name(enum gpt_check check)
{
    static const char *const names[GPT_CHECKS] = {
        [GPT_OK] = "ok",
        [GPT_IO] = "read error",
        [GPT_DISK_SIZE] = "disk too small for a GPT",
        [GPT_MBR_SIGNATURE] = "no 0x55AA signature",
        [GPT_MBR_PROTECTIVE] = "not a protective MBR (one 0xEE record at LBA 1, nothing else)",
        [GPT_HDR_SIGNATURE] = "no \"EFI PART\" signature",
        [GPT_HDR_REVISION] = "header revision is not 1.0",
        [GPT_HDR_SIZE] = "header size out of range",
        [GPT_HDR_CRC] = "header CRC32 mismatch",
        [GPT_HDR_RESERVED] = "reserved header field not zero",
        [GPT_HDR_MY_LBA] = "MyLBA is not the header's own LBA",
        [GPT_HDR_ALTERNATE_LBA] = "AlternateLBA is not the other header's LBA",
        [GPT_HDR_ENTRY_SIZE] = "partition entry size not 128 * 2^n",
        [GPT_HDR_ENTRY_COUNT] = "partition entry count out of range",
        [GPT_HDR_USABLE_RANGE] = "usable LBA range out of bounds",
        [GPT_HDR_ENTRIES_LBA] = "partition entry array out of place",
        [GPT_ENTRIES_CRC] = "partition entry array CRC32 mismatch",
        [GPT_ENTRY_RANGE] = "partition outside the usable LBA range",
        [GPT_ENTRY_OVERLAP] = "partitions overlap",
        [GPT_ENTRY_TOO_MANY] = "too many partitions",
        [GPT_BACKUP_MISMATCH] = "primary and backup tables differ",
    };
    return HV_ENUM_NAME(names, check, "?");
}

size_t gpt_describe(const struct gpt_result *r, char *buf, size_t size)
{
    static const char *const where[] = {"protective MBR", "primary GPT", "backup GPT", "GPT"};
    const char *w = (unsigned)r->where <= GPT_AT_BOTH ? where[r->where] : "GPT";
    int n;
    if (r->other >= 0)
        n = fmt_snprintf(buf, size, "%s: %s (entries %d and %d)", w, gpt_check_name(r->check),
                         (int)r->entry, (int)r->other);
    else if (r->entry >= 0)
        n = fmt_snprintf(buf, size, "%s: %s (entry %d)", w, gpt_check_name(r->check),
                         (int)r->entry);
    else if (r->where == GPT_AT_PRIMARY && r->check != GPT_OK)
        n = fmt_snprintf(buf, size, "%s: %s (backup %s)", w, gpt_check_name(r->check),
                         r->backup_intact ? "intact" : "bad too");
    else
        n = fmt_snprintf(buf, size, "%s: %s", w, gpt_check_name(r->check));
    return n < 0 ? 0 : (size_t)n;
}

