/* The MSR policy: which model-specific registers a guest may read or write when the kernel
 * passes the access on, and what it sees. Everything not in the table raises #GP, as on a
 * CPU without that MSR, and is logged once. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "x86_64/x86_platform.h"

#define MSR_IA32_TSC 0x10u
#define MSR_IA32_APIC_BASE 0x1bu
#define MSR_IA32_FEATURE_CONTROL 0x3au
#define MSR_IA32_BIOS_SIGN_ID 0x8bu
#define MSR_IA32_MTRRCAP 0xfeu
#define MSR_IA32_MISC_ENABLE 0x1a0u
#define MSR_IA32_PAT 0x277u
#define MSR_IA32_MTRR_DEF_TYPE 0x2ffu
#define MSR_IA32_TSC_DEADLINE 0x6e0u
/* AMD K8 "interrupt pending message" (C1E control). qemu64 is a family 0xf CPU, for which
 * Linux reads it unguarded at boot (its E400 check): 0 says C1E is off, nothing to work around. */
#define MSR_K8_INT_PENDING_MSG 0xc0010055u
/* AMD's legacy performance counters: PerfEvtSel0-3 at 0xC001_0000-3, PerfCtr0-3 at 4-7. */
#define MSR_K7_PERF_FIRST 0xc0010000u
#define MSR_K7_PERF_LAST 0xc0010007u

/* What the guest sees for the MTRRs: no variable or fixed ranges, all memory write-back
 * (MTRRdefType E=1, type 6). Linux then leaves them alone. */
#define X86_MTRRCAP_VALUE 0x0ull
#define X86_MTRR_DEF_TYPE_VALUE 0x806ull
/* MISC_ENABLE: fast strings on, BTS and PEBS unavailable; no MONITOR (bit 18 clear). */
#define X86_MISC_ENABLE_VALUE 0x1801ull
#define X86_MISC_ENABLE_FAST_STRINGS 1ull /* R/W (SDM vol. 4, table 2-2) */

/* False: the guest takes #GP(0). */
bool x86_msr_read(struct x86_platform *pf, uint32_t msr, uint64_t *value);
bool x86_msr_write(struct x86_platform *pf, uint32_t msr, uint64_t value);
