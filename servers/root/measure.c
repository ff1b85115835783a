/* Measured boot's second half (the image builder's tools/mkimage/measure.c is the first): the
 * root task hashes each load's bytes where they lie in the boot archive, which only it maps
 * (read-only), before the partition is built; what it then copies, and copies again at every
 * reset, are those bytes. */
#include "measure.h"
#include <hv/abi/error.h>
#include <hv/sha256.h>
#include <hv/string.h>
#include <stdbool.h>

_Static_assert(HV_PT_SHA256_SIZE == HV_SHA256_SIZE, "the table holds SHA-256 digests");

static bool load_bytes(const struct bootfs *fs, const struct hv_pt_load *l, const uint8_t **at)
{
    char name[HV_PT_FILE_MAX + 1];
    struct bootfs_file f;
    memcpy(name, l->file, HV_PT_FILE_MAX);
    name[HV_PT_FILE_MAX] = '\0';
    if (bootfs_find(fs, name, &f) != HV_OK || l->offset > f.size || l->size > f.size - l->offset)
        return false;
    *at = (const uint8_t *)f.data + l->offset;
    return true;
}

/* The SHA-256 of size bytes at `at`, from the cache when these bytes were hashed before. The
 * archive is read-only, so the same place and size are the same bytes. */
static void digest_of(struct measure_cache *cache, const uint8_t *at, uint64_t size,
                      uint8_t digest[HV_PT_SHA256_SIZE])
{
    for (unsigned i = 0; i < cache->count; i++)
        if (cache->entry[i].at == at && cache->entry[i].size == size) {
            memcpy(digest, cache->entry[i].digest, HV_PT_SHA256_SIZE);
            return;
        }
    hv_sha256(at, size, digest);
    if (cache->count < MEASURE_CACHE_MAX) {
        cache->entry[cache->count].at = at;
        cache->entry[cache->count].size = size;
        memcpy(cache->entry[cache->count++].digest, digest, HV_PT_SHA256_SIZE);
    }
}

int measure_first_mismatch(const struct bootfs *fs, const struct hv_pt_partition *rec,
                           struct measure_cache *cache, uint8_t digest[HV_PT_SHA256_SIZE])
{
    unsigned n = rec->nloads < HV_PT_MAX_LOADS ? rec->nloads : HV_PT_MAX_LOADS;
    for (unsigned i = 0; i < n; i++) {
        const struct hv_pt_load *l = &rec->loads[i];
        const uint8_t *bytes;
        if (!load_bytes(fs, l, &bytes)) {
            memset(digest, 0, HV_PT_SHA256_SIZE);
            return (int)i;
        }
        digest_of(cache, bytes, l->size, digest);
        if (memcmp(digest, l->sha256, HV_PT_SHA256_SIZE))
            return (int)i;
    }
    return -1;
}

const char *measure_load_kind(uint32_t kind)
{
    switch (kind) {
    case HV_PT_LOAD_KERNEL: return "kernel";
    case HV_PT_LOAD_INITRAMFS: return "initramfs";
    case HV_PT_LOAD_DTB: return "device tree";
    case HV_PT_LOAD_CMDLINE: return "command line";
    case HV_PT_LOAD_SETUP_HEADER: return "kernel setup header";
    default: return "payload"; /* the kind comes from the table: any value may arrive */
    }
}
