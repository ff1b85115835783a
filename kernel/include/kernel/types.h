/* Basic kernel types: fixed-width integers and distinct physical and guest-physical address
 * types. */
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

/* A guest-physical address (an IPA on AArch64, a GPA on x86_64): what a guest's stage-2 / nested
 * tables translate. It is neither a host physical address nor a kernel or task virtual one, and
 * mixing it up with either is the classic hypervisor bug, so it is a type of its own too. */
typedef struct {
    uint64_t bits;
} ipa_t;

static inline ipa_t ipa_init(uint64_t bits) { return (ipa_t){bits}; }
static inline uint64_t ipa_addr(ipa_t ipa) { return ipa.bits; }
static inline ipa_t ipa_add(ipa_t ipa, uint64_t n) { return (ipa_t){ipa.bits + n}; }

