/* Basic kernel types: fixed-width integers and distinct physical/virtual address types. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/bits.h> /* ALIGN_*, KIB/MIB/GIB, ARRAY_SIZE */

/* A physical address is a struct so that mixing it with a pointer or a virtual address is a
 * compile error rather than a silent bug. */
typedef struct {
    uint64_t bits;
} paddr_t;

static inline paddr_t pa_init(uint64_t bits) { return (paddr_t){bits}; }
static inline uint64_t pa_addr(paddr_t pa) { return pa.bits; }
static inline paddr_t pa_add(paddr_t pa, uint64_t n) { return (paddr_t){pa.bits + n}; }

