/* PSCI (Arm DEN0022) and SMCCC (DEN0028) calls through the conduit the device tree names. */
#pragma once

#include <stdint.h>

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_AFFINITY_INFO64 0xc4000004u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define SMCCC_VERSION 0x80000000u
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)

/* "hvc" or "smc", from /psci's method; "hvc" when the DT does not say. */
const char *psci_conduit(void);
int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
void psci_init(const void *dtb);
