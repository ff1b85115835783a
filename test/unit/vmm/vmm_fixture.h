/* The VMM's host test fixture: a fake environment behind struct vmm_ops that records what the
 * VMM asked for (injections, console output, power, log lines) and supplies console input. */
#pragma once

#include "aarch64/a64_dabt.h"
#include "aarch64/vmm_a64.h"
#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#define FAKE_MAX_INJECTS 512

struct fake_inject {
    unsigned cpu;
    uint32_t irq;
    uint64_t flags;
};

struct fake_env {
    struct fake_inject injects[FAKE_MAX_INJECTS];
    unsigned ninjects;
    int inject_result; /* what ops->inject answers (HV_OK, or HV_EBUSY to test retries) */
    uint8_t out[4096];
    size_t nout;
    uint8_t in[4096]; /* console input waiting in the "ring" */
    size_t in_len, in_pos;
    unsigned power_calls;
    enum vmm_power last_power;
    unsigned log_lines;
    char last_log[256];
    /* The kernel's vcpu registers the VMM reads and writes (ops->vcpu_read / vcpu_write): the
     * timers' PPI mask per vcpu, as written, and their levels, as a test sets them. */
    uint64_t timer_mask[VMM_MAX_CPUS], timer_level[VMM_MAX_CPUS];
    unsigned vcpu_writes;
    int vcpu_reg_result; /* what the two ops answer (HV_OK unless a test refuses) */
};

extern struct fake_env env;
extern struct vmm_a64 a64;
extern const struct vmm_ops fake_ops;

/* Fresh environment and a one-vcpu AArch64 VMM (vcpu 0 with MPIDR affinity 0). */
void fixture_setup(void);
/* The same with ncpus vcpus whose affinities are mpidr[] (NULL: Aff0 = index). */
void fixture_setup_cpus(unsigned ncpus, const uint64_t *mpidr);

/* Bus accesses straight to the devices; fail the test on a bus error. */
uint64_t bus_read(uint64_t addr, unsigned size);
void bus_write(uint64_t addr, unsigned size, uint64_t value);

/* Number of injections of irq so far. */
unsigned injected(uint32_t irq);
void clear_injects(void);

/* The fake ops without vcpu_read / vcpu_write, as an environment that has none. */
extern const struct vmm_ops fake_ops_no_vcpu_regs;

/* Makes console input wait in the fake ring (what the console server would have put there). */
void fake_console_queue(const char *s);

/* ESR_EL2 of a data abort with a valid syndrome, translation fault at level 2. */
uint64_t esr_dabt(unsigned sas, bool sse, unsigned srt, bool sf, bool write);
/* ESR_EL2 of an HVC #imm / SMC #imm from AArch64. */
uint64_t esr_hvc(unsigned imm);
uint64_t esr_smc(unsigned imm);

/* Runs an exit on vcpu 0; returns the action, the reply in reply[] / *len. */
enum vmm_exit_action run_exit(uint64_t esr, uint64_t addr, uint64_t a0, uint64_t a1, uint64_t a2,
                              uint64_t reply[6], unsigned *len);

/* xorshift64: the next of a reproducible sequence of random words kept in *state (non-zero). */
uint64_t fixture_random(uint64_t *state);

/* Checks a reply is well-formed per hv/abi/vcpu.h (the fuzzer's invariant, reused). */
void assert_reply_well_formed(const uint64_t reply[6], unsigned len);
