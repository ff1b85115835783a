/* Unit tests for PSCI 1.1 / SMCCC 1.1 over HVC: each function, both conventions, malformed
 * IDs and arguments, and the exit handler's replies for them. */
#include "check_run.h"
#include "vmm_fixture.h"
#include <hv/abi/error.h>

#define NOT_SUPPORTED ((uint64_t)(int64_t)PSCI_NOT_SUPPORTED)
#define INVALID ((uint64_t)(int64_t)PSCI_INVALID_PARAMETERS)

static void setup(void)
{
    fixture_setup();
}

/* An HVC #0 with x0..x2; checks the reply sets only x0 and moves past the HVC. */
static uint64_t hvc(uint64_t x0, uint64_t x1, uint64_t x2)
{
    uint64_t reply[6];
    unsigned len;
    ck_assert_int_eq(run_exit(esr_hvc(0), 0, x0, x1, x2, reply, &len), VMM_EXIT_RESUME);
    ck_assert_uint_eq(len, 4);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[2], HV_A64_X0);
    return reply[3];
}

START_TEST(versions)
{
    ck_assert_uint_eq(hvc(PSCI_VERSION, 0, 0), 0x10001);
    ck_assert_uint_eq(hvc(SMCCC_VERSION, 0, 0), 0x10001);
    /* The upper half of X0 is not part of the function ID. */
    ck_assert_uint_eq(hvc(0xdead000000000000ull | PSCI_VERSION, 0, 0), 0x10001);
}
END_TEST

START_TEST(features)
{
    static const uint32_t yes[] = {
        PSCI_VERSION,           PSCI_CPU_ON,        PSCI_64(PSCI_CPU_ON),
        PSCI_CPU_OFF,           PSCI_AFFINITY_INFO, PSCI_64(PSCI_AFFINITY_INFO),
        PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,    PSCI_SYSTEM_RESET,
        PSCI_FEATURES,          SMCCC_VERSION};
    for (unsigned i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        ck_assert_uint_eq(hvc(PSCI_FEATURES, yes[i], 0), PSCI_SUCCESS);
    static const uint32_t no[] = {PSCI_CPU_SUSPEND, PSCI_64(PSCI_CPU_SUSPEND),
                                  PSCI_MIGRATE,     PSCI_64(PSCI_VERSION),
                                  0x8400000e,       0xc400000e,
                                  0x84000012,       0x80008000,
                                  0x12345678,       0};
    for (unsigned i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        ck_assert_uint_eq(hvc(PSCI_FEATURES, no[i], 0), NOT_SUPPORTED);
    /* PSCI_FEATURES is an SMC32 function: only W1 counts. */
    ck_assert_uint_eq(hvc(PSCI_FEATURES, 0xffffffff00000000ull | PSCI_VERSION, 0), PSCI_SUCCESS);
    ck_assert_uint_eq(hvc(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0), PSCI_SUCCESS);
    ck_assert_uint_eq(hvc(SMCCC_ARCH_FEATURES, 0x80008000, 0), NOT_SUPPORTED); /* WORKAROUND_1 */
    ck_assert_uint_eq(hvc(SMCCC_ARCH_FEATURES, 0x80007fff, 0), NOT_SUPPORTED); /* WORKAROUND_2 */
    ck_assert_uint_eq(hvc(SMCCC_ARCH_FEATURES, 0x80000002, 0), NOT_SUPPORTED); /* SOC_ID */
}
END_TEST

START_TEST(cpu_on_for_one_vcpu)
{
    ck_assert_uint_eq(hvc(PSCI_CPU_ON, 0, 0x40080000), (uint64_t)(int64_t)PSCI_ALREADY_ON);
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_CPU_ON), 0, 0x40080000), (uint64_t)(int64_t)PSCI_ALREADY_ON);
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_CPU_ON), 1, 0x40080000), INVALID);
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_CPU_ON), 0x100, 0), INVALID);           /* Aff1 1 */
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_CPU_ON), 0x80000000, 0), INVALID);      /* not affinity */
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_CPU_ON), 0xff00000000ull, 0), INVALID); /* Aff3 */
    /* SMC32: the target is W1, so Aff3 in the upper half does not count. */
    ck_assert_uint_eq(hvc(PSCI_CPU_ON, 0xff00000000ull, 0), (uint64_t)(int64_t)PSCI_ALREADY_ON);
}
END_TEST

START_TEST(affinity_info)
{
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_AFFINITY_INFO), 0, 0), PSCI_AFF_ON);
    ck_assert_uint_eq(hvc(PSCI_AFFINITY_INFO, 0, 0), PSCI_AFF_ON);
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_AFFINITY_INFO), 0, 1), INVALID); /* level 1 */
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_AFFINITY_INFO), 0, ~0ull), INVALID);
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_AFFINITY_INFO), 5, 0), INVALID);
    /* SMC32 ignores the upper half of the level too. */
    ck_assert_uint_eq(hvc(PSCI_AFFINITY_INFO, 0, 1ull << 32), PSCI_AFF_ON);
}
END_TEST

START_TEST(migrate_info_and_unsupported)
{
    ck_assert_uint_eq(hvc(PSCI_MIGRATE_INFO_TYPE, 0, 0), PSCI_MIGRATE_NOT_REQUIRED);
    ck_assert_uint_eq(hvc(PSCI_MIGRATE_INFO_UP_CPU, 0, 0), NOT_SUPPORTED);
    ck_assert_uint_eq(hvc(PSCI_MIGRATE, 0, 0), NOT_SUPPORTED);
    ck_assert_uint_eq(hvc(PSCI_CPU_SUSPEND, 0, 0), NOT_SUPPORTED);
    ck_assert_uint_eq(hvc(0x8400000e, 0, 0), NOT_SUPPORTED); /* SYSTEM_SUSPEND */
    ck_assert_uint_eq(hvc(0xc4000012, 0, 0), NOT_SUPPORTED); /* SYSTEM_RESET2 */
}
END_TEST

START_TEST(malformed_function_ids)
{
    ck_assert_uint_eq(hvc(PSCI_VERSION & ~SMCCC_FAST_CALL, 0, 0), NOT_SUPPORTED); /* yielding */
    ck_assert_uint_eq(hvc(PSCI_VERSION | 0x00010000, 0, 0), NOT_SUPPORTED);       /* MBZ bits */
    ck_assert_uint_eq(hvc(PSCI_SYSTEM_OFF | 0x00ff0000, 0, 0), NOT_SUPPORTED);
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_SYSTEM_OFF), 0, 0), NOT_SUPPORTED); /* no SMC64 form */
    ck_assert_uint_eq(hvc(0xffffffff, ~0ull, ~0ull), NOT_SUPPORTED);
    ck_assert_uint_eq(hvc(0x86000000, 0, 0), NOT_SUPPORTED); /* vendor hypervisor service */
    ck_assert_uint_eq(env.power_calls, 0);
}
END_TEST

START_TEST(hvc_with_an_immediate_is_unknown)
{
    uint64_t reply[6];
    unsigned len;
    run_exit(esr_hvc(1), 0, PSCI_SYSTEM_OFF, 0, 0, reply, &len);
    ck_assert_uint_eq(reply[3], NOT_SUPPORTED);
    ck_assert_uint_eq(env.power_calls, 0);
}
END_TEST

START_TEST(system_off_and_reset_stop_the_partition)
{
    uint64_t reply[6];
    unsigned len;
    ck_assert_int_eq(run_exit(esr_hvc(0), 0, PSCI_SYSTEM_OFF, 0, 0, reply, &len), VMM_EXIT_STOP);
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(env.power_calls, 1);
    ck_assert_int_eq(env.last_power, VMM_POWER_OFF);
    ck_assert_int_eq(run_exit(esr_hvc(0), 0, PSCI_SYSTEM_RESET, 0, 0, reply, &len), VMM_EXIT_STOP);
    ck_assert_uint_eq(env.power_calls, 2);
    ck_assert_int_eq(env.last_power, VMM_POWER_RESET);
}
END_TEST

START_TEST(cpu_off_stops_the_vcpu)
{
    uint64_t reply[6];
    unsigned len;
    ck_assert_int_eq(run_exit(esr_hvc(0), 0, PSCI_CPU_OFF, 0, 0, reply, &len), VMM_EXIT_STOP_CPU);
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(env.power_calls, 0);
    ck_assert_int_eq(a64.psci.state[0], PSCI_CPU_IS_OFF);
}
END_TEST

/* SMP shape: vcpu 1 is off until CPU_ON, which goes through start_cpu. */
static unsigned started_cpu;
static uint64_t started_entry, started_ctx;
static int fake_start(void *ctx, unsigned cpu, uint64_t entry, uint64_t context)
{
    started_cpu = cpu, started_entry = entry, started_ctx = context;
    return PSCI_SUCCESS;
}

START_TEST(cpu_on_of_a_second_vcpu)
{
    const uint64_t mpidr[2] = {0x0, 0x1};
    fixture_setup_cpus(2, mpidr);
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_AFFINITY_INFO), 1, 0), PSCI_AFF_OFF);
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_CPU_ON), 1, 0x40100000),
                      (uint64_t)(int64_t)PSCI_INTERNAL_FAILURE);
    a64.psci.start_cpu = fake_start;
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_CPU_ON), 1, 0x40100000), PSCI_SUCCESS);
    ck_assert_uint_eq(started_cpu, 1);
    ck_assert_uint_eq(started_entry, 0x40100000);
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_AFFINITY_INFO), 1, 0), PSCI_AFF_ON_PENDING);
    ck_assert_uint_eq(hvc(PSCI_64(PSCI_CPU_ON), 1, 0x40100000), (uint64_t)(int64_t)PSCI_ON_PENDING);
}
END_TEST

static Suite *psci_suite(void)
{
    Suite *s = suite_create("psci");
    TCase *t = tcase_create("psci");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, versions);
    tcase_add_test(t, features);
    tcase_add_test(t, cpu_on_for_one_vcpu);
    tcase_add_test(t, affinity_info);
    tcase_add_test(t, migrate_info_and_unsupported);
    tcase_add_test(t, malformed_function_ids);
    tcase_add_test(t, hvc_with_an_immediate_is_unknown);
    tcase_add_test(t, system_off_and_reset_stop_the_partition);
    tcase_add_test(t, cpu_off_stops_the_vcpu);
    tcase_add_test(t, cpu_on_of_a_second_vcpu);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(psci_suite());
}
