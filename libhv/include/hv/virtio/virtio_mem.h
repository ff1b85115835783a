/* The guest memory a device server may touch, and translation of guest addresses into it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct virtio_mem_region {
    uint64_t gpa;  /* guest-physical base */
    uint64_t size; /* bytes */
    void *host;    /* local mapping of gpa */
};

struct virtio_mem {
    const struct virtio_mem_region *regions;
    size_t count;
};

enum virtio_mem_result {
    VIRTIO_MEM_OK = 0,
    VIRTIO_MEM_WRAP = -1,    /* gpa + len passes 2^64 */
    VIRTIO_MEM_OUTSIDE = -2, /* not wholly inside one region */
    VIRTIO_MEM_INVALID = -3, /* region table itself is unusable */
};

/*
 * Checks a region table once, at setup: every region non-empty, and neither the
 * guest-physical nor the local range wraps. Translation trusts it afterwards.
 */
enum virtio_mem_result virtio_mem_check(const struct virtio_mem *mem);

/*
 * Finds the local address of [gpa, gpa + len). The whole range must lie in a single
 * region: a buffer straddling two regions is refused, since their local mappings need
 * not be adjacent. A zero-length range needs gpa inside (or at the end of) a region.
 */
enum virtio_mem_result virtio_mem_translate(const struct virtio_mem *mem, uint64_t gpa,
                                            uint64_t len, void **host);
