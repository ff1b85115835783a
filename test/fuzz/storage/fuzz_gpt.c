/* libFuzzer target: the storage server's GPT reader and slice resolution on hostile disks.
 * Half the inputs are raw disks; the other half are good tables (gpt_image) with bytes
 * changed and, if the input says so, CRCs re-sealed, so the checks behind the CRCs are
 * reached too. A table that passes must hold what the checks promise. */
#include "fuzz_input.h"
#include "gpt.h"
#include "gpt_image.h"
#include "slices.h"

#include <hv/bytes.h>
#include <stdlib.h>
#include <string.h>

struct disk {
    uint8_t *data;
    uint64_t sectors;
};

static bool disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    struct disk *d = ctx;
    if (lba >= d->sectors || count > d->sectors - lba)
        return false;
    memcpy(buf, d->data + lba * 512, (size_t)count * 512);
    return true;
}

#define BUILD_MAX_SECTORS 680u

static void build(struct fuzz_input *in, struct disk *d)
{
    /* One static buffer, cleared to the size used: a fresh heap block per run is most of the
     * cost (ASan maps and poisons it); raw disks keep an exact-size block for ASan. */
    static uint8_t image[BUILD_MAX_SECTORS * 512];
    d->sectors = 80 + in_u16(in) % (BUILD_MAX_SECTORS - 80);
    d->data = image;
    memset(image, 0, d->sectors * 512);
    struct img_part parts[8];
    unsigned n = in_u8(in) % 9;
    for (unsigned i = 0; i < n; i++) {
        uint64_t first = 34 + in_u16(in) % d->sectors;
        parts[i] = (struct img_part){"part", first, first + in_u8(in), (uint8_t)in_u8(in)};
    }
    gpt_image_build(d->data, d->sectors, parts, n);
    for (unsigned k = in_u8(in) % 8; k > 0; k--) {
        uint64_t at = in_u32(in) % (d->sectors * 512);
        d->data[at] = in_u8(in);
    }
    uint8_t seal = in_u8(in);
    if (seal & 1)
        gpt_image_seal(d->data, d->sectors, false);
    if (seal & 2)
        gpt_image_seal(d->data, d->sectors, true);
}

static void check_table(const struct gpt_table *t, uint64_t sectors)
{
    if (t->count > GPT_MAX_PARTS || t->first_usable < 2 || t->last_usable >= sectors - 1 ||
        t->first_usable > t->last_usable)
        abort();
    for (uint32_t i = 0; i < t->count; i++) {
        const struct gpt_part *p = &t->parts[i];
        if (p->first_lba < t->first_usable || p->last_lba > t->last_usable ||
            p->first_lba > p->last_lba || strlen(p->name) > GPT_NAME_MAX)
            abort();
        for (uint32_t j = 0; j < i; j++) {
            if (p->first_lba <= t->parts[j].last_lba && t->parts[j].first_lba <= p->last_lba)
                abort();
        }
    }
}

static void resolve(struct fuzz_input *in, const struct gpt_table *t, uint64_t sectors)
{
    struct slice_spec specs[SLICES_MAX];
    struct slice slices[SLICES_MAX];
    uint32_t n = in_u8(in) % (SLICES_MAX + 1);
    for (uint32_t i = 0; i < n; i++) {
        memset(&specs[i], 0, sizeof(specs[i]));
        specs[i].partition[0] = (char)('a' + in_u8(in) % 4);
        specs[i].by = in_u8(in) & 1 ? SLICE_BY_GUID : SLICE_BY_NAME;
        if (t->count > 0 && in_u8(in) & 1) {
            const struct gpt_part *p = &t->parts[in_u8(in) % t->count];
            memcpy(specs[i].gpt_guid, p->guid, 16);
            memcpy(specs[i].gpt_name, p->name, sizeof(specs[i].gpt_name));
        }
        specs[i].writable = in_u8(in) & 1;
    }
    struct slice_result r = slices_resolve(t, specs, n, slices);
    if (r.error != SLICE_OK)
        return;
    for (uint32_t i = 0; i < n; i++) {
        if (slices[i].sectors == 0 || slices[i].first_lba + slices[i].sectors > sectors - 1)
            abort();
        for (uint32_t j = 0; j < i; j++) {
            bool overlap = slices[i].first_lba < slices[j].first_lba + slices[j].sectors &&
                           slices[j].first_lba < slices[i].first_lba + slices[i].sectors;
            if (overlap && (slices[i].writable || slices[j].writable))
                abort(); /* a writer shares its sectors with no one */
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct gpt_scratch scratch;
    static struct gpt_table table;
    struct fuzz_input in = {data, size, 0};
    struct disk d;
    bool built = in_u8(&in) & 1;
    if (built) {
        build(&in, &d);
    } else {
        d.sectors = (size - in.pos) / 512;
        d.data = malloc(d.sectors * 512 + 1);
        memcpy(d.data, data + in.pos, d.sectors * 512);
    }
    struct gpt_disk gd = {.read = disk_read, .ctx = &d, .sectors = d.sectors};
    struct gpt_result r = gpt_read(&gd, &scratch, &table);
    char line[160];
    if (gpt_describe(&r, line, sizeof(line)) >= sizeof(line) || r.check >= GPT_CHECKS)
        abort();
    if (r.check == GPT_OK) {
        check_table(&table, d.sectors);
        resolve(&in, &table, d.sectors);
    }
    if (!built)
        free(d.data);
    return 0;
}
