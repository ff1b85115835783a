/* Translation of guest-physical buffers into the server's mappings, refusing all else. */
#include <hv/virtio/virtio_mem.h>

#include <stdbool.h>

static bool region_valid(const struct virtio_mem_region *r)
{
    /* Ranges are [base, base + size - 1], so a region may end exactly at 2^64. */
    uint64_t last = r->size - 1;
    return r->size != 0 && r->host != NULL && r->gpa <= UINT64_MAX - last &&
           (uintptr_t)r->host <= UINTPTR_MAX - last;
}

enum virtio_mem_result virtio_mem_check(const struct virtio_mem *mem)
{
    if (mem == NULL || (mem->regions == NULL && mem->count != 0))
        return VIRTIO_MEM_INVALID;
    for (size_t i = 0; i < mem->count; i++) {
        if (!region_valid(&mem->regions[i]))
            return VIRTIO_MEM_INVALID;
    }
    return VIRTIO_MEM_OK;
}

/* Subtractions only: gpa - base and size - offset cannot overflow once ordered. */
static bool region_contains(const struct virtio_mem_region *r, uint64_t gpa, uint64_t len)
{
    if (gpa < r->gpa)
        return false;
    uint64_t offset = gpa - r->gpa;
    return offset <= r->size && len <= r->size - offset;
}

enum virtio_mem_result virtio_mem_translate(const struct virtio_mem *mem, uint64_t gpa,
                                            uint64_t len, void **host)
{
    if (len != 0 && gpa > UINT64_MAX - (len - 1))
        return VIRTIO_MEM_WRAP;
    for (size_t i = 0; i < mem->count; i++) {
        const struct virtio_mem_region *r = &mem->regions[i];
        if (region_contains(r, gpa, len)) {
            *host = (uint8_t *)r->host + (gpa - r->gpa);
            return VIRTIO_MEM_OK;
        }
    }
    return VIRTIO_MEM_OUTSIDE;
}
