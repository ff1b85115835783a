/* The paravirtual clock of KVM's guest ABI (Linux: Documentation/virt/kvm/x86/cpuid.rst and
 * msr.rst), which an unmodified Linux finds through the "KVMKVMKVM" CPUID leaves at
 * 0x4000_0100. The guest names a record in its RAM with an MSR; the VMM writes there the
 * TSC's rate as a (mul, shift) pair and the system time at one TSC value. Linux then knows
 * its TSC rate without calibrating it against the PIT or the PM timer, which fails here
 * (each port read is an exit), and so keeps the TSC clocksource and the TSC-deadline timer.
 * Since the guest's TSC is the host's, constant-rate and never adjusted, the record is
 * written once per MSR write and never updated. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "x86_64/guest_mem.h"

#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00u
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01u

/* CPUID 0x4000_0101 EAX: the features offered. */
#define KVM_FEATURE_NOP_IO_DELAY (1u << 1)        /* port 0x80 delays are not needed */
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)        /* the MSRs above */
#define KVM_FEATURE_CLOCKSOURCE_STABLE (1u << 24) /* flags bit 0 may be trusted */

#define PVCLOCK_TSC_STABLE 0x01u

/* ns = ((tsc_delta << shift, or >> -shift) * mul) >> 32. */
struct pvclock_scale {
    uint32_t mul;
    int8_t shift;
};

/* The record at the system-time MSR's address: 32 bytes, little-endian. */
struct pvclock_time_record {
    uint32_t version; /* odd while being written */
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time; /* ns at tsc_timestamp */
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad[2];
};

/* The record at the wall-clock MSR's address: the time of day at system time 0. */
struct pvclock_wall_record {
    uint32_t version;
    uint32_t sec;
    uint32_t nsec;
};

_Static_assert(sizeof(struct pvclock_time_record) == 32, "the ABI's 32-byte record");
_Static_assert(sizeof(struct pvclock_wall_record) == 12, "the ABI's 12-byte record");

/* The MSRs' last values, for reads. */
struct pvclock {
    uint64_t system_time_msr;
    uint64_t wall_clock_msr;
};

/* The scale for a TSC of tsc_hz; false for a rate it can't express (below 1 kHz or above
 * 2^40 Hz), for which the clock is not offered. */
bool pvclock_scale_for(uint64_t tsc_hz, struct pvclock_scale *out);

/* ns for a TSC delta under scale s: what the guest computes. */
uint64_t pvclock_scale_delta(uint64_t delta, struct pvclock_scale s);

/* What a guest's write to MSR_KVM_SYSTEM_TIME_NEW does: with bit 0 set, the record is
 * written at gpa (bits 63:1, 4-byte aligned) for system time now_ns at TSC tsc_now. A record
 * outside RAM, misaligned or a bad rate is not written (false: the caller logs it); the MSR
 * keeps the value either way, as on KVM. */
bool pvclock_system_time_write(struct pvclock *c, const struct x86_guest_mem *m, uint64_t value,
                               uint64_t now_ns, uint64_t tsc_now, uint64_t tsc_hz);

/* A write to MSR_KVM_WALL_CLOCK_NEW: the wall-clock record at gpa value, epoch_s being the
 * Unix time at system time 0. False if it isn't RAM. */
bool pvclock_wall_clock_write(struct pvclock *c, const struct x86_guest_mem *m, uint64_t value,
                              uint64_t epoch_s);
