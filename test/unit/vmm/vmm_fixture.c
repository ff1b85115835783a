/* The fake environment of the VMM's host tests (vmm_fixture.h). */
#include "vmm_fixture.h"
#include <hv/abi/error.h>
#include <stdio.h>
#include <string.h>

struct fake_env env;
struct vmm_a64 a64;

static int fake_inject(void *ctx, unsigned cpu, uint32_t irq, uint64_t flags)
{
    if (env.inject_result != HV_OK)
        return env.inject_result;
    ck_assert_uint_lt(env.ninjects, FAKE_MAX_INJECTS);
    env.injects[env.ninjects++] = (struct fake_inject){cpu, irq, flags};
    return HV_OK;
}

static void fake_console_write(void *ctx, const uint8_t *bytes, size_t len)
{
    ck_assert_uint_le(env.nout + len, sizeof(env.out));
    memcpy(env.out + env.nout, bytes, len);
    env.nout += len;
}

static size_t fake_console_read(void *ctx, uint8_t *bytes, size_t max)
{
    size_t n = env.in_len - env.in_pos;
    if (n > max)
        n = max;
    memcpy(bytes, env.in + env.in_pos, n);
    env.in_pos += n;
    return n;
}

static void fake_power(void *ctx, enum vmm_power what)
{
    env.power_calls++;
    env.last_power = what;
}

static void fake_log(void *ctx, const char *line)
{
    env.log_lines++;
    snprintf(env.last_log, sizeof(env.last_log), "%s", line);
}

static int fake_vcpu_read(void *ctx, unsigned cpu, unsigned reg, uint64_t *val)
{
    ck_assert_uint_lt(cpu, VMM_MAX_CPUS);
    ck_assert_uint_eq(reg, HV_A64_TIMER_LEVEL); /* the only register the VMM reads */
    *val = env.vcpu_reg_result == HV_OK ? env.timer_level[cpu] : 0;
    return env.vcpu_reg_result;
}

static int fake_vcpu_write(void *ctx, unsigned cpu, unsigned reg, uint64_t val)
{
    ck_assert_uint_lt(cpu, VMM_MAX_CPUS);
    ck_assert_uint_eq(reg, HV_A64_TIMER_MASK); /* the only register written after boot */
    if (env.vcpu_reg_result != HV_OK)
        return env.vcpu_reg_result;
    env.timer_mask[cpu] = val;
    env.vcpu_writes++;
    return HV_OK;
}

const struct vmm_ops fake_ops = {
    .inject = fake_inject,
    .console_write = fake_console_write,
    .console_read = fake_console_read,
    .power = fake_power,
    .log = fake_log,
    .vcpu_read = fake_vcpu_read,
    .vcpu_write = fake_vcpu_write,
};

const struct vmm_ops fake_ops_no_vcpu_regs = {
    .inject = fake_inject,
    .console_write = fake_console_write,
    .console_read = fake_console_read,
    .power = fake_power,
    .log = fake_log,
};

void fixture_setup_cpus(unsigned ncpus, const uint64_t *mpidr)
{
    memset(&env, 0, sizeof(env));
    ck_assert_int_eq(vmm_a64_init(&a64, &fake_ops, &env, "test", ncpus, mpidr), HV_OK);
}

void fixture_setup(void)
{
    fixture_setup_cpus(1, NULL);
}

uint64_t bus_read(uint64_t addr, unsigned size)
{
    uint64_t v = 0xdeadbeef;
    ck_assert_int_eq(vmm_bus_read(&a64.vmm.bus, addr, size, &v), VMM_BUS_OK);
    return v;
}

void bus_write(uint64_t addr, unsigned size, uint64_t value)
{
    ck_assert_int_eq(vmm_bus_write(&a64.vmm.bus, addr, size, value), VMM_BUS_OK);
}

unsigned injected(uint32_t irq)
{
    unsigned n = 0;
    for (unsigned i = 0; i < env.ninjects; i++)
        n += env.injects[i].irq == irq;
    return n;
}

void clear_injects(void)
{
    env.ninjects = 0;
}

void fake_console_queue(const char *s)
{
    size_t n = strlen(s);
    ck_assert_uint_le(env.in_len + n, sizeof(env.in));
    memcpy(env.in + env.in_len, s, n);
    env.in_len += n;
}

uint64_t esr_dabt(unsigned sas, bool sse, unsigned srt, bool sf, bool write)
{
    return (uint64_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT | ESR_IL | ESR_DABT_ISV |
           (uint64_t)sas << ESR_DABT_SAS_SHIFT | (sse ? ESR_DABT_SSE : 0) |
           (uint64_t)srt << ESR_DABT_SRT_SHIFT | (sf ? ESR_DABT_SF : 0) |
           (write ? ESR_DABT_WNR : 0) | 0x06;
}

uint64_t esr_hvc(unsigned imm)
{
    return (uint64_t)ESR_EC_HVC64 << ESR_EC_SHIFT | ESR_IL | (imm & 0xffff);
}

uint64_t esr_smc(unsigned imm)
{
    return (uint64_t)ESR_EC_SMC64 << ESR_EC_SHIFT | ESR_IL | (imm & 0xffff);
}

enum vmm_exit_action run_exit(uint64_t esr, uint64_t addr, uint64_t a0, uint64_t a1, uint64_t a2,
                              uint64_t reply[6], unsigned *len)
{
    const uint64_t w[6] = {esr, addr, 0x40080000, a0, a1, a2};
    for (unsigned i = 0; i < 6; i++)
        reply[i] = 0x5555;
    *len = 99;
    enum vmm_exit_action act = vmm_a64_handle_exit(&a64.vmm, w, reply, len);
    assert_reply_well_formed(reply, *len);
    return act;
}

void assert_reply_well_formed(const uint64_t reply[6], unsigned len)
{
    ck_assert_uint_le(len, 6);
    if (len == 0)
        return;
    uint64_t f = reply[0];
    ck_assert_uint_eq(f & ~(uint64_t)HV_VCPU_RESUME_ALL, 0);
    ck_assert(!((f & HV_VCPU_RESUME_ADVANCE) && (f & HV_VCPU_RESUME_FAULT)));
    if (f & HV_VCPU_RESUME_FAULT)
        ck_assert_uint_eq(f & (HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B), 0);
    if (f & (HV_VCPU_RESUME_ADVANCE | HV_VCPU_RESUME_FAULT))
        ck_assert_uint_ge(len, 2);
    if (f & HV_VCPU_RESUME_SET_A) {
        ck_assert_uint_ge(len, 4);
        ck_assert_uint_le(reply[2], HV_A64_X30);
    }
    if (f & HV_VCPU_RESUME_SET_B) {
        ck_assert(f & HV_VCPU_RESUME_SET_A);
        ck_assert_uint_eq(len, 6);
        ck_assert_uint_le(reply[4], HV_A64_X30);
    }
}

uint64_t fixture_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}
