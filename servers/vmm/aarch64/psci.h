/* PSCI 1.1 (Arm DEN 0022) and the SMCCC 1.1 discovery calls (Arm DEN 0028) over HVC: what a
 * guest uses to learn the firmware interface, to start, stop and query CPUs and to power the
 * partition off or reset it. Function IDs follow SMCCC: W0 carries the ID (the upper half of
 * X0 is ignored), bit 31 a fast call, bit 30 the 64-bit convention (SMC64), bits 29:24 the
 * owner, bits 23:16 zero. A 32-bit function takes its arguments from W1..W3. */
#pragma once

#include "core/vmm.h"
#include <stdint.h>

#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_VERSION_1_1 0x10001u
#define SMCCC_FAST_CALL (1u << 31)
#define SMCCC_64 (1u << 30)
#define SMCCC_MBZ_MASK 0x00ff0000u

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0x84000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_MIGRATE 0x84000005u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_MIGRATE_INFO_UP_CPU 0x84000007u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define PSCI_64(fn) ((fn) | SMCCC_64)
#define PSCI_VERSION_1_1 0x10001u

/* Return codes (signed, in X0). */
#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)

/* MIGRATE_INFO_TYPE: no trusted OS that would need migrating. */
#define PSCI_MIGRATE_NOT_REQUIRED 2
/* AFFINITY_INFO answers. */
#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

#define MPIDR_HWID_MASK 0xff00ffffffull /* Aff3 39:32, Aff2..Aff0 23:0 */

enum psci_cpu_state {
    PSCI_CPU_IS_OFF = 0,
    PSCI_CPU_IS_ON,
    PSCI_CPU_IS_ON_PENDING,
};

/* What the vcpu does after the call. */
enum psci_action {
    PSCI_RETURN = 0,  /* resume it with X0 set */
    PSCI_STOP_CPU,    /* CPU_OFF: it stops; only a CPU_ON brings it back */
    PSCI_STOP_SYSTEM, /* SYSTEM_OFF / SYSTEM_RESET: ops->power was called */
};

struct psci {
    struct vmm *vmm;
    unsigned ncpus;
    uint64_t mpidr[VMM_MAX_CPUS];
    enum psci_cpu_state state[VMM_MAX_CPUS];
    /* Starts a vcpu that is off at entry with X0 = context (SMP); NULL: CPU_ON can only find
     * CPUs already on. Returns a PSCI code. */
    int (*start_cpu)(void *ctx, unsigned cpu, uint64_t entry, uint64_t context);
    void *start_ctx;
};

/* vcpu 0 starts on, the others off (they wait for CPU_ON), as PSCI boots a system. */
void psci_init(struct psci *p, struct vmm *vmm, const uint64_t *mpidr);

/* A call by vcpu cpu with registers x[0..3]; stores the value for X0 in *x0. */
enum psci_action psci_call(struct psci *p, unsigned cpu, const uint64_t x[4], uint64_t *x0);
