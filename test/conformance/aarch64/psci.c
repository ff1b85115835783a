/* PSCI checks (Arm Power State Coordination Interface, DEN0022, and SMCCC, DEN0028): the calls
 * a guest makes at boot answer as the DT's "arm,psci-1.0" promises. */
#include <guest/a64.h>
#include <guest/check.h>
#include <guest/psci.h>

/* DEN0022 5.1.1 PSCI_VERSION: major in bits 30:16; the DT's compatible says at least 1.0. */
CHECK(psci_version, "PSCI-A1")
{
    int64_t v = psci_call(PSCI_VERSION, 0, 0, 0);
    report(v >= 0x10000, "PSCI_VERSION over %s = 0x%llx (%lld.%lld)", psci_conduit(),
           (unsigned long long)v, (long long)(v >> 16), (long long)(v & 0xffff));
}

/* DEN0022 PSCI_FEATURES: 0 for an implemented function; SYSTEM_OFF is mandatory. */
CHECK(psci_features, "PSCI-A2")
{
    int64_t r = psci_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0);
    report(r == 0, "PSCI_FEATURES(SYSTEM_OFF) = %lld", (long long)r);
}

/* DEN0022 AFFINITY_INFO: the calling CPU (affinity 0, level 0) is ON (0). */
CHECK(psci_affinity, "PSCI-A3")
{
    int64_t r = psci_call(PSCI_AFFINITY_INFO64, read_sysreg(mpidr_el1) & 0xff00ffffffull, 0, 0);
    report(r == 0, "AFFINITY_INFO(self, level 0) = %lld (0: ON)", (long long)r);
}

/* SMCCC (DEN0028) "Unknown Function Identifier": an unassigned fast call returns -1. */
CHECK(psci_unknown, "PSCI-A4")
{
    int64_t r = psci_call(0x840000ffu, 0, 0, 0);
    report(r == PSCI_NOT_SUPPORTED, "unassigned function 0x840000ff = %lld (expected -1)",
           (long long)r);
}
