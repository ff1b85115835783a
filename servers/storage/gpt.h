/* The storage server's GPT reader (UEFI 2.x §5.2-5.3): a disk's partition table is untrusted
 * input, checked whole, and a table that fails any check is refused with the check's name. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GPT_SECTOR 512u        /* logical block size the server supports */
#define GPT_ENTRIES_MAX 65536u /* bytes of entry array the server reads (512 entries of 128) */
#define GPT_MAX_PARTS 128u     /* non-empty entries a table may have */
#define GPT_NAME_MAX 36u       /* UTF-16 code units of a partition name */
#define GPT_HEADER_MIN 92u     /* bytes of the header the spec defines */
#define GPT_REVISION 0x00010000u

/* Reads count sectors from lba into buf; false on an I/O error. */
struct gpt_disk {
    bool (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
    void *ctx;
    uint64_t sectors; /* the disk's size in GPT_SECTOR units */
};

struct gpt_part {
    uint8_t type[16];
    uint8_t guid[16]; /* unique partition GUID, on-disk byte order */
    uint64_t first_lba, last_lba;
    uint64_t attributes;
    char name[GPT_NAME_MAX + 1]; /* ASCII; '?' for anything else */
    bool name_ascii;             /* false: the name had non-ASCII units; select by GUID */
    uint32_t index;              /* entry number in the table */
};

struct gpt_table {
    uint8_t disk_guid[16];
    uint64_t first_usable, last_usable;
    uint32_t count;
    struct gpt_part parts[GPT_MAX_PARTS];
};

/* Every check, in the order they are made. */
enum gpt_check {
    GPT_OK = 0,
    GPT_IO,                /* the disk could not be read */
    GPT_DISK_SIZE,         /* too small to hold two headers and their entries */
    GPT_MBR_SIGNATURE,     /* LBA 0 lacks 0x55AA */
    GPT_MBR_PROTECTIVE,    /* not exactly one 0xEE record starting at LBA 1 (hybrid or none) */
    GPT_HDR_SIGNATURE,     /* not "EFI PART" */
    GPT_HDR_SIZE,          /* HeaderSize below 92 or above a sector */
    GPT_HDR_CRC,           /* HeaderCRC32 mismatch */
    GPT_HDR_REVISION,      /* not 1.0 */
    GPT_HDR_RESERVED,      /* the reserved word is not zero */
    GPT_HDR_MY_LBA,        /* MyLBA is not where the header was read */
    GPT_HDR_ALTERNATE_LBA, /* AlternateLBA is not the other header's place */
    GPT_HDR_ENTRY_SIZE,    /* SizeOfPartitionEntry not 128 * 2^n */
    GPT_HDR_ENTRY_COUNT,   /* no entries, or more bytes than the server reads */
    GPT_HDR_USABLE_RANGE,  /* first usable > last usable, or the range meets a header */
    GPT_HDR_ENTRIES_LBA,   /* the entry array overlaps a header or the usable range, or leaves the
                              disk */
    GPT_ENTRIES_CRC,       /* PartitionEntryArrayCRC32 mismatch */
    GPT_ENTRY_RANGE,       /* an entry's LBAs reversed or outside the usable range */
    GPT_ENTRY_OVERLAP,     /* two entries share a sector */
    GPT_ENTRY_TOO_MANY,    /* more than GPT_MAX_PARTS non-empty entries */
    GPT_BACKUP_MISMATCH,   /* primary and backup describe different tables */
    GPT_CHECKS
};

/* Where a check failed. */
enum gpt_where { GPT_AT_MBR, GPT_AT_PRIMARY, GPT_AT_BACKUP, GPT_AT_BOTH };

struct gpt_result {
    enum gpt_check check;
    enum gpt_where where;
    int32_t entry;      /* the entry of an entry check, else -1 */
    int32_t other;      /* the entry it overlaps (GPT_ENTRY_OVERLAP), else -1 */
    bool backup_intact; /* when the primary failed: whether the backup passed its own checks */
};

/* Scratch the parser reads sectors into (no allocation in a server). */
struct gpt_scratch {
    uint8_t sector[GPT_SECTOR];
    uint8_t entries[GPT_ENTRIES_MAX];
};

/*
 * Reads and checks the protective MBR, the primary header and entries, and the backup header
 * and entries, which must agree with the primary. Both copies must pass: a disk with a bad
 * copy is refused rather than served from the other (docs/storage.md, "GPT checks").
 * GPT_OK fills *table.
 */
struct gpt_result gpt_read(const struct gpt_disk *disk, struct gpt_scratch *scratch,
                           struct gpt_table *table);

/* "header CRC32 mismatch", ... */
const char *gpt_check_name(enum gpt_check check);

/* A whole refusal as one line: "primary GPT header: header CRC32 mismatch (backup intact)". */
size_t gpt_describe(const struct gpt_result *r, char *buf, size_t size);

