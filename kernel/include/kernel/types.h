/* Basic kernel types: fixed-width integers and distinct physical and guest-physical address
 * types. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/bits.h> /* ALIGN_*, KIB/MIB/GIB, ARRAY_SIZE */

/* An address type: a struct around the bits, so that passing one kind of address where another
 * is expected is a compile error rather than a silent bug, with its maker, reader and adder. */
#define KERNEL_ADDRESS_TYPE(type, prefix)                                                       \
    typedef struct {                                                                            \
        uint64_t bits;                                                                          \
    } type;                                                                                     \
    static inline type prefix##_init(uint64_t bits) { return (type){bits}; }                    \
    static inline uint64_t prefix##_addr(type a) { return a.bits; }                             \
    static inline type prefix##_add(type a, uint64_t n) { return (type){a.bits + n}; }

/* A host physical address: never a pointer, never a virtual address. */
KERNEL_ADDRESS_TYPE(paddr_t, pa)

/* A guest-physical address (an IPA on AArch64, a GPA on x86_64): what a guest's stage-2 / nested
 * tables translate. It is neither a host physical address nor a kernel or task virtual one, and
 * mixing it up with either is the classic hypervisor bug, so it is a type of its own too. */
KERNEL_ADDRESS_TYPE(ipa_t, ipa)
