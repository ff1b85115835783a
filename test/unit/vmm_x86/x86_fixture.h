/* The x86 VMM's host test fixture: a fake clock, vcpu registers, guest RAM and host CPUID
 * behind struct vmm_ops / vmm_x86_ops, recording what the VMM asked for. */
#pragma once

#include "x86_64/vmm_x86.h"
#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#define FX_RAM_SIZE (4u << 20)
#define FX_MAX_INJECTS 512
#define FX_MAX_WRITES 256

struct fx_env {
    uint64_t now_ns;
    uint64_t now_step_ns; /* added to now_ns after each read of the clock */
    uint64_t regs[HV_X86_REG_COUNT];
    bool reg_written[HV_X86_REG_COUNT];
    /* Every accepted vcpu_write in order (the first FX_MAX_WRITES). */
    uint32_t write_reg[FX_MAX_WRITES];
    uint64_t write_val[FX_MAX_WRITES];
    unsigned nwrites;
    bool fail_reads;
    bool refuse_writes; /* vcpu_write refused, as the kernel may */
    bool refuse_deadline_without_vector; /* as the kernel does: HV_EINVAL */
    uint32_t injects[FX_MAX_INJECTS];
    uint64_t inject_flags[FX_MAX_INJECTS];
    unsigned ninjects;
    int inject_result;
    uint8_t out[4096];
    size_t nout;
    unsigned power_calls;
    enum vmm_power last_power;
    unsigned log_lines;
    char last_log[256];
    uint8_t *ram;
};

extern struct fx_env fx;
extern struct vmm_x86 fxv;

/* Fresh environment and VMM (x2APIC mode, 1 GHz TSC, 4 MiB of RAM). */
void fx_setup(void);
void fx_teardown(void);

/* Runs an exit; returns the action, the reply in reply[] / *len, and checks the reply is
 * well-formed per hv/abi/vcpu.h. */
enum vmm_exit_action fx_exit(uint64_t code, uint64_t info1, uint64_t info2, uint64_t rip,
                             uint64_t rax, uint64_t reply[6], unsigned *len);
void fx_assert_well_formed(const uint64_t reply[6], unsigned len);

/* Guest paging: identity-maps the first 4 MiB with 4 KiB pages (tables at 0x100000) and
 * puts the vcpu in 64-bit long mode. */
void fx_long_mode(void);
unsigned fx_injected(uint32_t vector);

/* Port and MSR access through exits. */
uint32_t fx_in(uint16_t port, unsigned size);
void fx_out(uint16_t port, unsigned size, uint32_t value);
bool fx_rdmsr(uint32_t msr, uint64_t *value);
bool fx_wrmsr(uint32_t msr, uint64_t value);
