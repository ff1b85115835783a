/* PSCI 1.1 and SMCCC 1.1 discovery for the partition's vcpus. Every malformed or unknown call
 * is an error code in X0 (SMCCC's "unknown function" is -1), never a fault or a stop. */
#include "aarch64/psci.h"

void psci_init(struct psci *p, struct vmm *vmm, const uint64_t *mpidr)
{
    *p = (struct psci){.vmm = vmm, .ncpus = vmm->ncpus};
    for (unsigned c = 0; c < p->ncpus; c++) {
        p->mpidr[c] = (mpidr ? mpidr[c] : c) & MPIDR_HWID_MASK;
        p->state[c] = c == 0 ? PSCI_CPU_IS_ON : PSCI_CPU_IS_OFF;
    }
}

/* The vcpu with affinity target, or -1 (a target with bits outside Aff3..Aff0 is no CPU). */
static int find_cpu(const struct psci *p, uint64_t target)
{
    if (target & ~MPIDR_HWID_MASK)
        return -1;
    for (unsigned c = 0; c < p->ncpus; c++)
        if (p->mpidr[c] == target)
            return (int)c;
    return -1;
}

static int64_t cpu_on(struct psci *p, uint64_t target, uint64_t entry, uint64_t context)
{
    int c = find_cpu(p, target);
    if (c < 0)
        return PSCI_INVALID_PARAMETERS;
    if (p->state[c] == PSCI_CPU_IS_ON)
        return PSCI_ALREADY_ON;
    if (p->state[c] == PSCI_CPU_IS_ON_PENDING)
        return PSCI_ON_PENDING;
    if (!p->start_cpu)
        return PSCI_INTERNAL_FAILURE;
    int r = p->start_cpu(p->vmm->ctx, (unsigned)c, entry, context);
    if (r == PSCI_SUCCESS)
        p->state[c] = PSCI_CPU_IS_ON_PENDING;
    return r;
}

static int64_t affinity_info(const struct psci *p, uint64_t target, uint64_t level)
{
    /* Since PSCI 1.0 only level 0 (one CPU) is required; higher levels are not offered. */
    if (level != 0)
        return PSCI_INVALID_PARAMETERS;
    int c = find_cpu(p, target);
    if (c < 0)
        return PSCI_INVALID_PARAMETERS;
    switch (p->state[c]) {
    case PSCI_CPU_IS_ON:
        return PSCI_AFF_ON;
    case PSCI_CPU_IS_ON_PENDING:
        return PSCI_AFF_ON_PENDING;
    default:
        return PSCI_AFF_OFF;
    }
}

/* The functions PSCI_FEATURES reports as implemented (both conventions where PSCI has two). */
static bool implemented(uint32_t fn)
{
    switch (fn) {
    case PSCI_VERSION:
    case PSCI_CPU_OFF:
    case PSCI_CPU_ON:
    case PSCI_64(PSCI_CPU_ON):
    case PSCI_AFFINITY_INFO:
    case PSCI_64(PSCI_AFFINITY_INFO):
    case PSCI_MIGRATE_INFO_TYPE:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
    case SMCCC_VERSION: /* PSCI_FEATURES(SMCCC_VERSION) = 0 announces SMCCC 1.1 */
        return true;
    }
    return false;
}

enum psci_action psci_call(struct psci *p, unsigned cpu, const uint64_t x[4], uint64_t *x0)
{
    uint32_t fn = (uint32_t)x[0];
    uint64_t a1 = x[1], a2 = x[2], a3 = x[3];
    if (!(fn & SMCCC_64)) {
        a1 = (uint32_t)a1; /* SMC32 functions see W1..W3 */
        a2 = (uint32_t)a2;
        a3 = (uint32_t)a3;
    }
    int64_t r = PSCI_NOT_SUPPORTED;
    enum psci_action action = PSCI_RETURN;
    if (!(fn & SMCCC_FAST_CALL) || (fn & SMCCC_MBZ_MASK)) {
        *x0 = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED; /* yielding or malformed: unknown */
        return PSCI_RETURN;
    }
    switch (fn) {
    case SMCCC_VERSION:
        r = SMCCC_VERSION_1_1;
        break;
    case SMCCC_ARCH_FEATURES:
        /* The discovery calls exist; no firmware workaround (ARCH_WORKAROUND_*) or SoC ID. */
        r = (uint32_t)a1 == SMCCC_VERSION || (uint32_t)a1 == SMCCC_ARCH_FEATURES
                ? PSCI_SUCCESS
                : PSCI_NOT_SUPPORTED;
        break;
    case PSCI_VERSION:
        r = PSCI_VERSION_1_1;
        break;
    case PSCI_FEATURES:
        r = implemented((uint32_t)a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
        break;
    case PSCI_CPU_ON:
    case PSCI_64(PSCI_CPU_ON):
        r = cpu_on(p, a1, a2, a3);
        break;
    case PSCI_CPU_OFF:
        p->state[cpu] = PSCI_CPU_IS_OFF;
        r = PSCI_SUCCESS; /* never seen: a successful CPU_OFF does not return */
        action = PSCI_STOP_CPU;
        break;
    case PSCI_AFFINITY_INFO:
    case PSCI_64(PSCI_AFFINITY_INFO):
        r = affinity_info(p, a1, a2);
        break;
    case PSCI_MIGRATE_INFO_TYPE:
        r = PSCI_MIGRATE_NOT_REQUIRED;
        break;
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
        p->vmm->ops->power(p->vmm->ctx, fn == PSCI_SYSTEM_OFF ? VMM_POWER_OFF : VMM_POWER_RESET);
        r = PSCI_SUCCESS;
        action = PSCI_STOP_SYSTEM;
        break;
    default:
        break; /* CPU_SUSPEND, MIGRATE, SYSTEM_SUSPEND, ... and unknown IDs */
    }
    *x0 = (uint64_t)r;
    return action;
}
