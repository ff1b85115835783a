/* Accesses to guest-shared rings: byte order, single reads, and the barriers §2.7 asks for. */
#pragma once

#include <hv/bytes.h>
#include <stdint.h>
#include <string.h>

/*
 * Ring fields are little-endian (§2.4). Descriptors (possibly in an unaligned indirect table)
 * are read with hv/bytes.h's hv_le16/32/64, assembled from bytes; the ring indices below are
 * accessed in place, atomically, so they are converted instead: a no-op on a little-endian
 * host.
 */
#define RING_HOST_BIG_ENDIAN (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

static inline uint16_t cpu_to_le16(uint16_t v)
{
    return RING_HOST_BIG_ENDIAN ? __builtin_bswap16(v) : v;
}

static inline uint32_t cpu_to_le32(uint32_t v)
{
    return RING_HOST_BIG_ENDIAN ? __builtin_bswap32(v) : v;
}

#define le16_to_cpu cpu_to_le16

/* Stops the compiler from re-reading guest memory in place of a copy already taken. */
static inline void compiler_barrier(void)
{
    __asm__ __volatile__("" ::: "memory");
}

/*
 * Copies guest bytes once. The guest may change them at any time, so every check the
 * device makes must be on the copy; the barrier makes sure the copy is what's used.
 */
static inline void guest_snapshot(void *dst, const void *src, size_t n)
{
    /* The builtin: a descriptor's 16 bytes become two loads, not a call per descriptor
     * (freestanding code is built with -fno-builtin). */
    __builtin_memcpy(dst, src, n);
    compiler_barrier();
}

/* The ring-index accesses below need their natural alignment, checked at virtq_init. */
static inline uint16_t ring_load16(const uint8_t *p)
{
    return le16_to_cpu(__atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_RELAXED));
}

/* §2.7.13.3 read side: the idx before the ring entries it covers. */
static inline uint16_t ring_load16_acquire(const uint8_t *p)
{
    return le16_to_cpu(__atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_ACQUIRE));
}

static inline void ring_store16(uint8_t *p, uint16_t v)
{
    __atomic_store_n((uint16_t *)(void *)p, cpu_to_le16(v), __ATOMIC_RELAXED);
}

/* §2.7.8: the used elements before the idx that publishes them. */
static inline void ring_store16_release(uint8_t *p, uint16_t v)
{
    __atomic_store_n((uint16_t *)(void *)p, cpu_to_le16(v), __ATOMIC_RELEASE);
}

static inline void ring_store32(uint8_t *p, uint32_t v)
{
    __atomic_store_n((uint32_t *)(void *)p, cpu_to_le32(v), __ATOMIC_RELAXED);
}

/*
 * A store followed by a load of another location (publish used idx, then read the
 * driver's suppression field) needs a full barrier; acquire/release don't order that.
 */
static inline void full_barrier(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
