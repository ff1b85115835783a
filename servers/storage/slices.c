/* Resolving the manifest's disk specs against the GPT (slices.h). */
#include "slices.h"

#include <hv/enum_name.h>
#include <hv/string.h>

/* Equal up to the first NUL or max bytes (the fields are fixed arrays, maybe unterminated). */
static bool name_eq(const char *a, const char *b, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (a[i] != b[i])
            return false;
        if (a[i] == '\0')
            return true;
    }
    return true;
}

/* The one GPT partition a spec names, or why there is none. */
static enum slice_error find(const struct gpt_table *t, const struct slice_spec *s, uint32_t *at)
{
    uint32_t hits = 0;
    for (uint32_t i = 0; i < t->count; i++) {
        const struct gpt_part *p = &t->parts[i];
        bool match = s->by == SLICE_BY_GUID
                         ? memcmp(p->guid, s->gpt_guid, 16) == 0
                         : p->name_ascii && name_eq(p->name, s->gpt_name, GPT_NAME_MAX + 1);
        if (match) {
            *at = i;
            hits++;
        }
    }
    /* Unique GUIDs can repeat on a copied disk just as names can: refuse either way. */
    return hits == 0 ? SLICE_NOT_FOUND : hits > 1 ? SLICE_AMBIGUOUS : SLICE_OK;
}

struct slice_result slices_resolve(const struct gpt_table *table, const struct slice_spec *specs,
                                   uint32_t n, struct slice *slices)
{
    if (n > SLICES_MAX)
        return (struct slice_result){SLICE_TOO_MANY, SLICES_MAX};
    uint32_t part_of[SLICES_MAX];
    for (uint32_t i = 0; i < n; i++) {
        enum slice_error e = find(table, &specs[i], &part_of[i]);
        if (e != SLICE_OK)
            return (struct slice_result){e, i};
        for (uint32_t j = 0; j < i; j++) {
            if (name_eq(specs[i].partition, specs[j].partition, SLICE_NAME_MAX))
                return (struct slice_result){SLICE_DUPLICATE, i};
            /* Two readers may share a slice; a writer shares with no one. */
            if (part_of[i] == part_of[j] && (specs[i].writable || specs[j].writable))
                return (struct slice_result){SLICE_SHARED_WRITABLE, i};
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        const struct gpt_part *p = &table->parts[part_of[i]];
        struct slice *s = &slices[i];
        memcpy(s->partition, specs[i].partition, SLICE_NAME_MAX);
        s->partition[SLICE_NAME_MAX - 1] = '\0';
        s->first_lba = p->first_lba;
        s->sectors = p->last_lba - p->first_lba + 1;
        s->writable = specs[i].writable;
        s->gpt_index = p->index;
    }
    return (struct slice_result){SLICE_OK, 0};
}

const char *slice_error_name(enum slice_error e)
{
    static const char *const names[] = {
        [SLICE_OK] = "ok",
        [SLICE_NOT_FOUND] = "no such GPT partition",
        [SLICE_AMBIGUOUS] = "more than one GPT partition matches",
        [SLICE_SHARED_WRITABLE] =
            "GPT partition already given to another partition, and one of them writes",
        [SLICE_DUPLICATE] = "partition named twice",
        [SLICE_TOO_MANY] = "too many partitions",
    };
    return HV_ENUM_NAME(names, e, "?");
}
