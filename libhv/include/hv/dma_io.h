/* Ordering and single-copy accesses for memory a device reads and writes by DMA (the driver
 * side: libhv's virtqueue driver and every device server's register accesses). */
#pragma once

#include <stdint.h>

#include <hv/bytes.h>

/*
 * A device is an observer outside the CPUs' inner shareable domain, so on AArch64 the
 * barriers must cover the outer shareable domain (dmb osh*), as Linux's dma_*mb do; C11
 * fences only give dmb ish. x86 keeps stores and loads to write-back memory in order, so
 * there a compiler barrier (release/acquire fences) is enough, and the full barrier is mfence.
 */
#if defined(__aarch64__)
static inline void dma_wmb(void)
{
    __asm__ __volatile__("dmb oshst" ::: "memory");
}
static inline void dma_rmb(void)
{
    __asm__ __volatile__("dmb oshld" ::: "memory");
}
static inline void dma_mb(void)
{
    __asm__ __volatile__("dmb osh" ::: "memory");
}
#else
static inline void dma_wmb(void)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
}
static inline void dma_rmb(void)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}
static inline void dma_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif

/* Ring indices are read and written whole (their alignment is checked at init), so a
 * device never sees half an update and the compiler never re-reads a value already used. */
static inline uint16_t dma_load16(const uint8_t *p)
{
    uint16_t v = __atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_RELAXED);
    return hv_le16((const uint8_t *)&v);
}

static inline void dma_store16(uint8_t *p, uint16_t v)
{
    uint8_t le[2];
    hv_put_le16(le, v);
    uint16_t raw;
    __builtin_memcpy(&raw, le, sizeof(raw));
    __atomic_store_n((uint16_t *)(void *)p, raw, __ATOMIC_RELAXED);
}

/* A used element is copied once; every check is made on the copy. */
static inline void dma_snapshot(void *dst, const void *src, unsigned n)
{
    __builtin_memcpy(dst, src, n);
    __asm__ __volatile__("" ::: "memory");
}
