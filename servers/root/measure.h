/* Measured boot in the root task: a partition's payloads against the SHA-256 the image
 * builder recorded for them (docs/manifest.md, "Measured boot"). No syscalls: host-tested. */
#pragma once

#include <hv/bootfs.h>
#include <hv/proto/partition_table.h>

/* The digests already computed, by where the bytes lie: partitions that share a kernel (the
 * usual case) hash it once. Zeroed before first use. */
#define MEASURE_CACHE_MAX (HV_PT_MAX_PARTITIONS * HV_PT_MAX_LOADS)
struct measure_cache {
    unsigned count;
    struct {
        const uint8_t *at;
        uint64_t size;
        uint8_t digest[HV_PT_SHA256_SIZE];
    } entry[MEASURE_CACHE_MAX];
};

/* The index of the first load record of rec whose bytes in the boot archive (file, offset,
 * size) are missing or have another SHA-256 than the record's, or -1 when every one matches.
 * *digest gets the SHA-256 of that load's bytes (zero when they are missing). */
int measure_first_mismatch(const struct bootfs *fs, const struct hv_pt_partition *rec,
                           struct measure_cache *cache, uint8_t digest[HV_PT_SHA256_SIZE]);

/* What a load carries, for the refusal message: "kernel", "initramfs", "device tree", ... */
const char *measure_load_kind(uint32_t kind);
