/* Building the reply to a vcpu exit (hv/abi/vcpu.h): up to two register writes, then ADVANCE or
 * FAULT. The words used are always a prefix of the message: flags, advance/fault argument,
 * register A, value A, register B, value B. */
#pragma once

#include <hv/abi/vcpu.h>
#include <stdbool.h>
#include <stdint.h>

struct vmm_reply {
    uint64_t w[HV_VCPU_EXIT_WORDS];
    unsigned len; /* 0: resume the guest unchanged (it re-executes the instruction) */
};

static inline void vmm_reply_init(struct vmm_reply *r)
{
    *r = (struct vmm_reply){.len = 0};
}

static inline void vmm_reply_grow(struct vmm_reply *r, unsigned len)
{
    if (r->len < len)
        r->len = len;
}

/* Sets register reg to value; false if both register slots are taken. */
static inline bool vmm_reply_set(struct vmm_reply *r, uint64_t reg, uint64_t value)
{
    unsigned slot;
    if (!(r->w[0] & HV_VCPU_RESUME_SET_A)) {
        r->w[0] |= HV_VCPU_RESUME_SET_A;
        slot = 2;
    } else if (!(r->w[0] & HV_VCPU_RESUME_SET_B)) {
        r->w[0] |= HV_VCPU_RESUME_SET_B;
        slot = 4;
    } else {
        return false;
    }
    r->w[slot] = reg;
    r->w[slot + 1] = value;
    vmm_reply_grow(r, slot + 2);
    return true;
}

/* Moves the PC past the exiting instruction (its length as the kernel knows it). */
static inline void vmm_reply_advance(struct vmm_reply *r)
{
    r->w[0] |= HV_VCPU_RESUME_ADVANCE;
    r->w[1] = 0;
    vmm_reply_grow(r, 2);
}

/* The guest takes the architectural fault for the exiting instruction; no register changes. */
static inline void vmm_reply_fault(struct vmm_reply *r)
{
    *r = (struct vmm_reply){.w = {HV_VCPU_RESUME_FAULT, 0}, .len = 2};
}
