/* Unit tests for the AArch64 data-abort decoder and the exit handler's dispatch. */
#include "check_run.h"
#include "vmm_fixture.h"
#include <hv/abi/error.h>
#include <hv/bits.h>
#include <string.h>

/* A scratch device at 0x0a00_0000 (16 bytes) that returns a fixed pattern and records writes. */
#define SCRATCH 0x0a000000ull
static uint64_t scratch_pattern;
static struct {
    uint64_t offset, value;
    unsigned size, count;
} last_write;

static bool scratch_read(void *dev, uint64_t off, unsigned size, uint64_t *v)
{
    *v = scratch_pattern >> (8 * (off % 8));
    return true;
}

static bool scratch_write(void *dev, uint64_t off, unsigned size, uint64_t v)
{
    last_write.offset = off, last_write.value = v, last_write.size = size;
    last_write.count++;
    return true;
}

static const struct vmm_mmio_ops scratch_ops = {.read = scratch_read, .write = scratch_write};

static void setup(void)
{
    fixture_setup();
    ck_assert_int_eq(vmm_bus_add(&a64.vmm.bus, SCRATCH, 16, &scratch_ops, NULL, "scratch"), HV_OK);
    scratch_pattern = 0;
    memset(&last_write, 0, sizeof(last_write));
}

static void assert_fault(enum vmm_exit_action act, const uint64_t *reply, unsigned len)
{
    ck_assert_int_eq(act, VMM_EXIT_RESUME);
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
}

START_TEST(decoder_every_combination)
{
    for (unsigned sas = 0; sas < 4; sas++)
        for (unsigned sse = 0; sse < 2; sse++)
            for (unsigned srt = 0; srt < 32; srt++)
                for (unsigned sf = 0; sf < 2; sf++)
                    for (unsigned wnr = 0; wnr < 2; wnr++) {
                        struct a64_mmio_access a;
                        enum a64_dabt_refusal r =
                            a64_decode_dabt(esr_dabt(sas, sse, srt, sf, wnr), &a);
                        bool impossible = (sas == 3 && (!sf || sse)) || (wnr && sse);
                        if (impossible) {
                            ck_assert_int_eq(r, A64_DABT_MALFORMED);
                            continue;
                        }
                        ck_assert_int_eq(r, A64_DABT_OK);
                        ck_assert_uint_eq(a.size, 1u << sas);
                        ck_assert_uint_eq(a.reg, srt);
                        ck_assert_int_eq(a.sign_extend, sse);
                        ck_assert_int_eq(a.reg64, sf);
                        ck_assert_int_eq(a.write, wnr);
                        ck_assert(!a.acq_rel);
                    }
}
END_TEST

START_TEST(decoder_reads_qemus_sample_syndrome)
{
    /* A store to an unmapped IPA as QEMU 7.2 reports it: str w13, [..] (qemu-facts.md). */
    struct a64_mmio_access a;
    ck_assert_int_eq(a64_decode_dabt(0x938d0046, &a), A64_DABT_OK);
    ck_assert_uint_eq(a.size, 4);
    ck_assert_uint_eq(a.reg, 13);
    ck_assert(a.write && !a.reg64 && !a.sign_extend);
}
END_TEST

START_TEST(decoder_acquire_release_is_reported)
{
    struct a64_mmio_access a;
    ck_assert_int_eq(a64_decode_dabt(esr_dabt(2, 0, 1, 1, 0) | ESR_DABT_AR, &a), A64_DABT_OK);
    ck_assert(a.acq_rel);
}
END_TEST

START_TEST(decoder_refusals)
{
    struct a64_mmio_access a;
    uint64_t ok = esr_dabt(2, 0, 3, 0, 0);
    ck_assert_int_eq(a64_decode_dabt(ok & ~(uint64_t)ESR_DABT_ISV, &a), A64_DABT_NO_ISV);
    ck_assert_int_eq(a64_decode_dabt(ok | ESR_DABT_S1PTW, &a), A64_DABT_S1PTW);
    ck_assert_int_eq(a64_decode_dabt(ok | ESR_DABT_CM, &a), A64_DABT_CACHE_OP);
    ck_assert_int_eq(a64_decode_dabt(ok | ESR_DABT_EA, &a), A64_DABT_EXTERNAL);
    ck_assert_int_eq(a64_decode_dabt(ok | ESR_DABT_FNV, &a), A64_DABT_FAR_INVALID);
    ck_assert_int_eq(a64_decode_dabt(ok | ESR_DABT_VNCR, &a), A64_DABT_MALFORMED);
    ck_assert_int_eq(a64_decode_dabt(ok | 1ull << 40, &a), A64_DABT_MALFORMED);
    /* A load's permission fault, access-flag, alignment and external faults are not MMIO. */
    static const unsigned dfsc[] = {0x00, 0x03, 0x09, 0x0c, 0x0d, 0x0f, 0x10, 0x21, 0x30, 0x3f};
    for (unsigned i = 0; i < sizeof(dfsc) / sizeof(dfsc[0]); i++)
        ck_assert_int_eq(a64_decode_dabt((ok & ~0x3full) | dfsc[i], &a), A64_DABT_NOT_TRANSLATION);
    for (unsigned lvl = 0; lvl < 4; lvl++)
        ck_assert_int_eq(a64_decode_dabt((ok & ~0x3full) | (4 + lvl), &a), A64_DABT_OK);
    /* A store's permission fault is: the register page is read-only to the guest. */
    uint64_t store = esr_dabt(2, 0, 3, 0, 1);
    for (unsigned lvl = 0; lvl < 4; lvl++) {
        ck_assert_int_eq(a64_decode_dabt((store & ~0x3full) | (0x0c + lvl), &a), A64_DABT_OK);
        ck_assert(a.write);
    }
    ck_assert_int_eq(a64_decode_dabt((store & ~0x3full) | 0x09, &a), A64_DABT_NOT_TRANSLATION);
    /* Same-EL aborts and other classes are not guest data aborts. */
    ck_assert_int_eq(a64_decode_dabt((ok & ~(0x3full << 26)) | (uint64_t)ESR_EC_DABT_CUR << 26, &a),
                     A64_DABT_NOT_DABT);
}
END_TEST

START_TEST(load_result_sign_and_width)
{
    struct a64_mmio_access a = {.size = 1, .sign_extend = true, .reg64 = true};
    ck_assert_uint_eq(a64_load_result(&a, 0x80), 0xffffffffffffff80ull);
    ck_assert_uint_eq(a64_load_result(&a, 0x7f), 0x7f);
    a.reg64 = false;
    ck_assert_uint_eq(a64_load_result(&a, 0x80), 0xffffff80ull);
    a = (struct a64_mmio_access){.size = 2, .sign_extend = true, .reg64 = true};
    ck_assert_uint_eq(a64_load_result(&a, 0x8001), 0xffffffffffff8001ull);
    a = (struct a64_mmio_access){.size = 4, .sign_extend = true, .reg64 = true};
    ck_assert_uint_eq(a64_load_result(&a, 0x80000000), 0xffffffff80000000ull);
    a.sign_extend = false;
    ck_assert_uint_eq(a64_load_result(&a, 0x80000000), 0x80000000ull);
    a = (struct a64_mmio_access){.size = 2, .reg64 = false};
    ck_assert_uint_eq(a64_load_result(&a, 0xffff1234), 0x1234); /* junk above the size */
    a = (struct a64_mmio_access){.size = 8, .reg64 = true};
    ck_assert_uint_eq(a64_load_result(&a, 0x8000000000000001ull), 0x8000000000000001ull);
}
END_TEST

START_TEST(mmio_loads_of_every_shape_reach_the_register)
{
    scratch_pattern = 0x8877665544332291ull;
    for (unsigned sas = 0; sas < 4; sas++)
        for (unsigned sse = 0; sse < 2; sse++)
            for (unsigned sf = 0; sf < 2; sf++)
                for (unsigned srt = 0; srt < 32; srt += 3) {
                    uint64_t reply[6];
                    unsigned len;
                    uint64_t esr = esr_dabt(sas, sse, srt, sf, false);
                    struct a64_mmio_access a;
                    bool valid = a64_decode_dabt(esr, &a) == A64_DABT_OK;
                    enum vmm_exit_action act = run_exit(esr, SCRATCH, 0, 0, 0, reply, &len);
                    ck_assert_int_eq(act, VMM_EXIT_RESUME);
                    if (!valid) {
                        assert_fault(act, reply, len);
                        continue;
                    }
                    if (srt == 31) { /* xzr: the load happens, nothing is written */
                        ck_assert_uint_eq(len, 2);
                        ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
                        continue;
                    }
                    ck_assert_uint_eq(len, 4);
                    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE);
                    ck_assert_uint_eq(reply[1], 0);
                    ck_assert_uint_eq(reply[2], srt);
                    ck_assert_uint_eq(
                        reply[3], a64_load_result(&a, scratch_pattern & hv_size_mask(1u << sas)));
                }
}
END_TEST

START_TEST(mmio_store_takes_the_value_word_truncated)
{
    uint64_t reply[6];
    unsigned len;
    run_exit(esr_dabt(1, 0, 5, 0, true), SCRATCH + 2, 0xabcd1234, 0, 0, reply, &len);
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(last_write.count, 1);
    ck_assert_uint_eq(last_write.offset, 2);
    ck_assert_uint_eq(last_write.size, 2);
    ck_assert_uint_eq(last_write.value, 0x1234);
}
END_TEST

START_TEST(mmio_store_of_xzr_writes_zero)
{
    uint64_t reply[6];
    unsigned len;
    run_exit(esr_dabt(3, 0, 31, 1, true), SCRATCH + 8, 0xffffffffffffffffull, 0, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(last_write.count, 1);
    ck_assert_uint_eq(last_write.value, 0);
}
END_TEST

START_TEST(mmio_refusals_become_faults)
{
    uint64_t reply[6];
    unsigned len;
    uint64_t ok = esr_dabt(2, 0, 1, 0, false);
    assert_fault(run_exit(ok & ~(uint64_t)ESR_DABT_ISV, SCRATCH, 0, 0, 0, reply, &len), reply, len);
    assert_fault(run_exit(ok | ESR_DABT_S1PTW, SCRATCH, 0, 0, 0, reply, &len), reply, len);
    assert_fault(run_exit(ok | ESR_DABT_CM, SCRATCH, 0, 0, 0, reply, &len), reply, len);
    /* Nobody at the address; an access running past the end of the device. */
    assert_fault(run_exit(ok, 0x10000000, 0, 0, 0, reply, &len), reply, len);
    assert_fault(run_exit(esr_dabt(3, 0, 1, 1, false), SCRATCH + 12, 0, 0, 0, reply, &len), reply,
                 len);
    assert_fault(run_exit(esr_dabt(3, 0, 1, 1, true), SCRATCH + 12, 0, 0, 0, reply, &len), reply,
                 len);
    ck_assert_uint_eq(last_write.count, 0);
    /* The top of the address space does not wrap into a device. */
    assert_fault(run_exit(esr_dabt(3, 0, 1, 1, false), ~0ull - 3, 0, 0, 0, reply, &len), reply,
                 len);
    ck_assert_uint_eq(a64.vmm.guest_faults, 7);
}
END_TEST

START_TEST(other_exception_classes)
{
    uint64_t reply[6];
    unsigned len;
    /* SMC, unknown, instruction abort, AArch32 HVC, same-EL data abort: UNDEFINED / abort. */
    static const unsigned ecs[] = {ESR_EC_SMC64,
                                   ESR_EC_UNKNOWN,
                                   ESR_EC_IABT_LOW,
                                   ESR_EC_HVC32,
                                   ESR_EC_SMC32,
                                   ESR_EC_DABT_CUR,
                                   0x07,
                                   0x3f};
    for (unsigned i = 0; i < sizeof(ecs) / sizeof(ecs[0]); i++)
        assert_fault(run_exit((uint64_t)ecs[i] << ESR_EC_SHIFT | ESR_IL, 0, 0, 0, 0, reply, &len),
                     reply, len);
    /* WFI/WFE that reach the VMM complete at once. */
    run_exit((uint64_t)ESR_EC_WFX << ESR_EC_SHIFT | ESR_IL, 0, 0, 0, 0, reply, &len);
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    /* Reserved syndrome bits. */
    assert_fault(run_exit(esr_hvc(0) | 1ull << 50, 0, PSCI_VERSION, 0, 0, reply, &len), reply, len);
}
END_TEST

START_TEST(trapped_sysregs_other_than_sgi_are_undefined)
{
    uint64_t reply[6];
    unsigned len;
    /* MRS x0, ICC_SGI1R_EL1 (write-only register) and MSR to an unrelated register. */
    uint64_t sgi1r = (uint64_t)ESR_EC_SYS64 << ESR_EC_SHIFT | ESR_IL | 3u << ESR_SYS_OP0_SHIFT |
                     5u << ESR_SYS_OP2_SHIFT | 12u << ESR_SYS_CRN_SHIFT | 11u << ESR_SYS_CRM_SHIFT;
    assert_fault(run_exit(sgi1r | ESR_SYS_READ, 0, 0, 0, 0, reply, &len), reply, len);
    assert_fault(run_exit(sgi1r ^ 1u << ESR_SYS_CRN_SHIFT, 0, 0, 0, 0, reply, &len), reply, len);
    run_exit(sgi1r, 0, 1, 0, 0, reply, &len); /* a write: emulated */
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
}
END_TEST

START_TEST(debug_and_pmu_registers_read_as_zero)
{
    uint64_t reply[6];
    unsigned len;
    /* MRS x5, MDSCR_EL1 (Op0 2, Op1 0, CRn 0, CRm 2, Op2 2): zero into x5. */
    uint64_t mdscr = (uint64_t)ESR_EC_SYS64 << ESR_EC_SHIFT | ESR_IL | 2u << ESR_SYS_OP0_SHIFT |
                     2u << ESR_SYS_OP2_SHIFT | 2u << ESR_SYS_CRM_SHIFT | 5u << ESR_SYS_RT_SHIFT;
    run_exit(mdscr | ESR_SYS_READ, 0, 0, 0, 0, reply, &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[2], 5);
    ck_assert_uint_eq(reply[3], 0);
    /* MSR MDSCR_EL1, x5: ignored. MRS xzr: nothing to set. */
    run_exit(mdscr, 0, 0x8000, 0, 0, reply, &len);
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
    run_exit(mdscr | ESR_SYS_READ | 31u << ESR_SYS_RT_SHIFT, 0, 0, 0, 0, reply, &len);
    ck_assert_uint_eq(len, 2);
    /* MRS x1, PMCR_EL0 (Op0 3, Op1 3, CRn 9, CRm 12, Op2 0). */
    uint64_t pmcr = (uint64_t)ESR_EC_SYS64 << ESR_EC_SHIFT | ESR_IL | 3u << ESR_SYS_OP0_SHIFT |
                    3u << ESR_SYS_OP1_SHIFT | 9u << ESR_SYS_CRN_SHIFT | 12u << ESR_SYS_CRM_SHIFT |
                    1u << ESR_SYS_RT_SHIFT | ESR_SYS_READ;
    run_exit(pmcr, 0, 0, 0, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE);
    ck_assert_uint_eq(reply[3], 0);
    ck_assert_uint_eq(a64.vmm.guest_faults, 0);
}
END_TEST

START_TEST(kernel_exits_resume_unchanged)
{
    uint64_t reply[6];
    unsigned len;
    ck_assert_int_eq(run_exit(HV_VCPU_EXIT_KERNEL | 12345, 0, 0, 0, 0, reply, &len),
                     VMM_EXIT_RESUME);
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_ge(env.log_lines, 1);
}
END_TEST

START_TEST(exit_of_a_vcpu_that_does_not_exist)
{
    uint64_t reply[6];
    unsigned len;
    const uint64_t w[6] = {esr_hvc(0), 0, 0, PSCI_VERSION, 0, 0};
    ck_assert_int_eq(vmm_a64_handle_exit_cpu(&a64.vmm, 7, w, reply, &len), VMM_EXIT_RESUME);
    assert_reply_well_formed(reply, len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_FAULT);
}
END_TEST

START_TEST(log_is_rate_limited)
{
    uint64_t reply[6];
    unsigned len;
    for (unsigned i = 0; i < 1000; i++)
        run_exit(esr_smc(0), 0, 0, 0, 0, reply, &len);
    /* Counts 1, 2, 4, ..., 512: ten lines for a thousand. */
    ck_assert_uint_eq(env.log_lines, 10);
}
END_TEST

static Suite *exit_suite(void)
{
    Suite *s = suite_create("a64_exit");
    TCase *dec = tcase_create("decoder");
    tcase_add_checked_fixture(dec, setup, NULL);
    tcase_add_test(dec, decoder_every_combination);
    tcase_add_test(dec, decoder_reads_qemus_sample_syndrome);
    tcase_add_test(dec, decoder_acquire_release_is_reported);
    tcase_add_test(dec, decoder_refusals);
    tcase_add_test(dec, load_result_sign_and_width);
    suite_add_tcase(s, dec);

    TCase *ex = tcase_create("exits");
    tcase_add_checked_fixture(ex, setup, NULL);
    tcase_add_test(ex, mmio_loads_of_every_shape_reach_the_register);
    tcase_add_test(ex, mmio_store_takes_the_value_word_truncated);
    tcase_add_test(ex, mmio_store_of_xzr_writes_zero);
    tcase_add_test(ex, mmio_refusals_become_faults);
    tcase_add_test(ex, other_exception_classes);
    tcase_add_test(ex, trapped_sysregs_other_than_sgi_are_undefined);
    tcase_add_test(ex, debug_and_pmu_registers_read_as_zero);
    tcase_add_test(ex, kernel_exits_resume_unchanged);
    tcase_add_test(ex, exit_of_a_vcpu_that_does_not_exist);
    tcase_add_test(ex, log_is_rate_limited);
    suite_add_tcase(s, ex);
    return s;
}

int main(void)
{
    return check_run(exit_suite());
}
