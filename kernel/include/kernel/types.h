/* Basic kernel types: fixed-width integers and distinct physical/virtual address types. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A physical address is a struct so that mixing it with a pointer or a virtual address is a
 * compile error rather than a silent bug. */
typedef struct {
    uint64_t bits;
} paddr_t;

static inline paddr_t pa_init(uint64_t bits) { return (paddr_t){bits}; }
static inline uint64_t pa_addr(paddr_t pa) { return pa.bits; }
static inline paddr_t pa_add(paddr_t pa, uint64_t n) { return (paddr_t){pa.bits + n}; }

#define KIB(x) ((uint64_t)(x) << 10)
#define MIB(x) ((uint64_t)(x) << 20)
#define GIB(x) ((uint64_t)(x) << 30)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (a) - 1, (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
