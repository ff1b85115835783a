/* Which slice of the disk each Duet partition gets: the manifest's choices (a GPT partition by
 * name or unique GUID, read-only or read-write) resolved against a checked GPT. */
#pragma once

#include "gpt.h"

#include <stdbool.h>
#include <stdint.h>

#define SLICE_NAME_MAX 32u /* a Duet partition name, NUL included (docs/manifest.md) */
#define SLICES_MAX 8u

enum slice_select { SLICE_BY_NAME, SLICE_BY_GUID };

/* One line of the manifest's disk section, as the root task hands it to the server. */
struct slice_spec {
    char partition[SLICE_NAME_MAX]; /* the Duet partition */
    enum slice_select by;
    char gpt_name[GPT_NAME_MAX + 1]; /* SLICE_BY_NAME */
    uint8_t gpt_guid[16];            /* SLICE_BY_GUID, on-disk order */
    bool writable;
};

/* What the server enforces for one Duet partition: sectors [first_lba, first_lba + sectors). */
struct slice {
    char partition[SLICE_NAME_MAX];
    uint64_t first_lba, sectors;
    bool writable;
    uint32_t gpt_index; /* the entry it came from, for messages */
};

enum slice_error {
    SLICE_OK = 0,
    SLICE_NOT_FOUND,       /* no GPT partition of that name or GUID */
    SLICE_AMBIGUOUS,       /* two GPT partitions carry that name */
    SLICE_SHARED_WRITABLE, /* two Duet partitions on one GPT partition, one of them writable */
    SLICE_DUPLICATE,       /* the same Duet partition named twice */
    SLICE_TOO_MANY,        /* more than SLICES_MAX specs */
};

struct slice_result {
    enum slice_error error;
    uint32_t spec; /* the spec that failed */
};

/* Resolves specs[0, n) into slices[0, n), all or nothing. */
struct slice_result slices_resolve(const struct gpt_table *table, const struct slice_spec *specs,
                                   uint32_t n, struct slice *slices);

const char *slice_error_name(enum slice_error e);
