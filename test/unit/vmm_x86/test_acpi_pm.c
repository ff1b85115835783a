/* The ACPI PM timer as a guest reads it through IN exits: 24 bits at 3.579545 MHz, and a
 * dword read whose bytes all come from one instant (the bus splits it into four byte reads,
 * and the clock moves between them). */
#include "check_run.h"
#include "x86_64/devices/acpi_pm.h"
#include "x86_64/x86_time.h"
#include "x86_fixture.h"

static uint32_t ticks_at(uint64_t ns)
{
    return (uint32_t)x86_muldiv(ns, ACPI_PM_TMR_HZ, NS_PER_S, false) & 0xffffff;
}

/* The first instant whose count is t (mod nothing: t below 2^24). */
static uint64_t ns_of_tick(uint64_t t)
{
    return x86_muldiv(t, NS_PER_S, ACPI_PM_TMR_HZ, true);
}

/* Reads the timer's low `size` bytes with the clock moving step_ns at every look, starting at
 * tick `from`, and checks the value is the count at one of the instants the clock gave out. */
static void read_at_one_instant(uint64_t from, uint64_t step_ns, unsigned size)
{
    uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    fx.now_ns = ns_of_tick(from);
    fx.now_step_ns = step_ns;
    uint64_t t0 = fx.now_ns;
    uint32_t v = fx_in(ACPI_PM_TMR, size);
    uint64_t t1 = fx.now_ns;
    ck_assert_uint_lt(v, 1u << 24);
    bool seen = false;
    for (uint64_t t = t0; t < t1 && !seen; t += step_ns)
        seen = (ticks_at(t) & mask) == v;
    ck_assert_msg(seen, "from tick 0x%lx: read 0x%x, counts 0x%x..0x%x", (unsigned long)from, v,
                  ticks_at(t0), ticks_at(t1));
}

/* Around each byte's carry, and the 24-bit wrap: a read that took its bytes at different
 * instants would combine, say, 0xfe from before bit 16 carried with 0x01 from after. */
START_TEST(dword_read_is_one_instant)
{
    static const uint64_t carries[] = {0x100, 0x10000, 0x1000000};
    for (unsigned c = 0; c < 3; c++)
        for (uint64_t t = carries[c] - 24; t < carries[c] + 8; t++)
            read_at_one_instant(t, 300, 4); /* ~1.07 ticks a look */
}
END_TEST

START_TEST(word_read_is_one_instant)
{
    for (uint64_t t = 0x100 - 24; t < 0x100 + 8; t++)
        read_at_one_instant(t, 300, 2);
}
END_TEST

START_TEST(counts_at_3_579545_mhz)
{
    fx.now_ns = 1000;
    uint32_t a = fx_in(ACPI_PM_TMR, 4);
    fx.now_ns += 1000000000ull;
    uint32_t b = fx_in(ACPI_PM_TMR, 4);
    ck_assert_uint_eq((b - a) & 0xffffff, ACPI_PM_TMR_HZ);
    fx.now_ns = ns_of_tick(0xfffffe) + 1000000; /* past the 24-bit wrap */
    ck_assert_uint_eq(fx_in(ACPI_PM_TMR, 4), ticks_at(fx.now_ns));
    ck_assert_uint_eq(fx_in(ACPI_PM_TMR + 3, 1), 0);
}
END_TEST

/* The sample is per access: a byte read after a dword read sees the clock of its own time. */
START_TEST(no_stale_sample_after_a_wide_read)
{
    fx.now_ns = ns_of_tick(0x123456);
    (void)fx_in(ACPI_PM_TMR, 4);
    fx.now_ns += 1000000; /* 3,579 ticks later */
    ck_assert_uint_eq(fx_in(ACPI_PM_TMR, 1), ticks_at(fx.now_ns) & 0xff);
    ck_assert_uint_eq(fx_in(ACPI_PM_TMR + 1, 1), (ticks_at(fx.now_ns) >> 8) & 0xff);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("acpi_pm");
    TCase *tc = tcase_create("pm_timer");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, dword_read_is_one_instant);
    tcase_add_test(tc, word_read_is_one_instant);
    tcase_add_test(tc, counts_at_3_579545_mhz);
    tcase_add_test(tc, no_stale_sample_after_a_wide_read);
    suite_add_tcase(s, tc);
    return check_run(s);
}
