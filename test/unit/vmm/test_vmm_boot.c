/* Unit tests for the VMM's reading of the root task's configuration (vmm_boot.h) and the
 * AArch64 platform glue main.c uses (vmm_target.h). */
#include "check_run.h"
#include "vmm_target.h"
#include "vmm_fixture.h"
#include <hv/abi/error.h>
#include <string.h>

static struct hv_vmm_config cfg;
static struct vmm_boot boot;

static void setup(void)
{
    memset(&env, 0, sizeof(env));
    memset(&cfg, 0, sizeof(cfg));
    cfg.ncpus = 1;
    cfg.prio = 20;
    strcpy(cfg.part.name, "personal");
    cfg.part.ram_gpa = 0x40000000;
    cfg.part.ram_size = 0x8000000;
    cfg.part.boot = HV_PT_BOOT_ARM64_IMAGE;
    cfg.part.entry = 0x40200000;
    cfg.part.args[0] = 0x48000000; /* the DTB */
}

static uint64_t reg_value(uint32_t reg)
{
    for (unsigned i = 0; i < boot.nregs; i++)
        if (boot.regs[i].reg == reg)
            return boot.regs[i].value;
    ck_abort_msg("register %u not set", reg);
    return 0;
}

START_TEST(a_good_configuration)
{
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert_int_eq(vmm_target_boot_regs(&cfg.part, &boot), HV_OK);
    ck_assert_str_eq(boot.name, "personal");
    ck_assert_uint_eq(boot.ncpus, 1);
    ck_assert_uint_eq(boot.ram_gpa, 0x40000000);
    ck_assert_uint_eq(reg_value(HV_A64_PC), 0x40200000);
    ck_assert_uint_eq(reg_value(HV_A64_X0), 0x48000000);
    ck_assert_uint_eq(reg_value(HV_A64_X0 + 1), 0);
    ck_assert_uint_eq(reg_value(HV_A64_X0 + 3), 0);
    ck_assert_uint_eq(reg_value(HV_A64_PSTATE), HV_A64_PSTATE_EL1H_MASKED);
    ck_assert_uint_eq(reg_value(HV_A64_MPIDR) & 0xff00ffffffull, 0); /* Aff0 = vcpu 0 */
    /* The GIC model resets with the timers' PPIs disabled: the kernel holds them back. */
    ck_assert_uint_eq(reg_value(HV_A64_TIMER_MASK), HV_A64_TIMER_PPIS);
    ck_assert_uint_eq(vmm_target_arch, HV_PT_ARCH_AARCH64);
    cfg.part.boot = HV_PT_BOOT_ELF;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert_int_eq(vmm_target_boot_regs(&cfg.part, &boot), HV_OK);
}
END_TEST

START_TEST(bad_counts_and_names)
{
    cfg.ncpus = 0;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
    cfg.ncpus = HV_VMM_MAX_VCPUS + 1;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
    cfg.ncpus = 1;
    memset(cfg.part.name, 'a', sizeof(cfg.part.name)); /* no NUL */
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
    cfg.part.name[0] = '\0';
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
}
END_TEST

START_TEST(bad_ram_and_entry)
{
    cfg.part.ram_size = 0;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
    cfg.part.ram_size = 0x8000000 + 0x1000;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
    cfg.part.ram_size = 0x8000000;
    cfg.part.ram_gpa = 0x40001000;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
    cfg.part.ram_gpa = 0xffffffffffe00000ull; /* wraps */
    cfg.part.entry = cfg.part.ram_gpa;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
    cfg.part.ram_gpa = 0x40000000;
    cfg.part.entry = 0x40000000 + 0x8000000; /* one past the end */
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
    cfg.part.entry = 0x3ffffffc;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
}
END_TEST

START_TEST(x86_protocol_is_not_aarch64s)
{
    cfg.part.boot = HV_PT_BOOT_X86_BZIMAGE;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert_int_eq(vmm_target_boot_regs(&cfg.part, &boot), HV_EINVAL);
    cfg.part.boot = 77;
    ck_assert_int_eq(vmm_target_boot_regs(&cfg.part, &boot), HV_EINVAL);
}
END_TEST

START_TEST(register_list_is_bounded)
{
    for (unsigned i = 0; i < VMM_BOOT_MAX_REGS; i++)
        ck_assert(vmm_boot_add_reg(&boot, i, i));
    ck_assert(!vmm_boot_add_reg(&boot, 99, 0));
    ck_assert_int_eq(vmm_target_boot_regs(&cfg.part, &boot), HV_EINVAL);
}
END_TEST

START_TEST(platform_create_builds_and_resets)
{
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    struct vmm *vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_ptr_nonnull(vmm);
    ck_assert_str_eq(vmm->name, "personal");
    uint64_t v;
    ck_assert_int_eq(vmm_bus_write(&vmm->bus, PL011_BASE + UARTIMSC, 4, UART_INT_TX), VMM_BUS_OK);
    /* An exit through the glue. */
    uint64_t reply[6];
    unsigned len;
    const uint64_t w[6] = {esr_hvc(0), 0, 0, PSCI_VERSION, 0, 0};
    ck_assert_int_eq(vmm_target_exit(vmm, 0, w, reply, &len), VMM_EXIT_RESUME);
    ck_assert_uint_eq(reply[3], PSCI_VERSION_1_1);
    /* Created again (a guest reset): every model is back at reset. */
    vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_int_eq(vmm_bus_read(&vmm->bus, PL011_BASE + UARTIMSC, 4, &v), VMM_BUS_OK);
    ck_assert_uint_eq(v, 0);
    boot.ncpus = 0;
    ck_assert_ptr_null(vmm_target_create(&fake_ops, &env, &boot));
}
END_TEST

static Suite *boot_suite(void)
{
    Suite *s = suite_create("vmm_boot");
    TCase *t = tcase_create("boot");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, a_good_configuration);
    tcase_add_test(t, bad_counts_and_names);
    tcase_add_test(t, bad_ram_and_entry);
    tcase_add_test(t, x86_protocol_is_not_aarch64s);
    tcase_add_test(t, register_list_is_bounded);
    tcase_add_test(t, platform_create_builds_and_resets);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(boot_suite());
}
