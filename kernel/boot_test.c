/* The kernel's boot self-test (duet.test=boot): one PASS/FAIL line per property, then SUMMARY.
 * Format: docs/testing.md. */
#include <arch.h>
#include <hv/fmt.h>
#include <kernel/boot_test.h>
#include <hv/cmdline.h>
#include <kernel/printk.h>
#include <kernel/tick.h>

#define TIMER_TEST_TICKS 20

struct report {
    unsigned tests, failures;
};

static void check(struct report *r, const char *id, bool ok, const char *what)
{
    r->tests++;
    if (!ok)
        r->failures++;
    printk("%s: %s: %s\n", ok ? "PASS" : "FAIL", id, what);
}

static void check_arch(struct report *r, const char *id, void (*probe)(struct arch_check *))
{
    struct arch_check c = {false, ""};
    probe(&c);
    check(r, id, c.ok, c.what);
}

/* The RAM the loader described must be what QEMU was given (duet.expect_ram_mib); firmware
 * may keep a little of it (x86 keeps the top pages and a hole below 1 MiB). */
static void check_ram(struct report *r, const struct boot_info *bi)
{
    char what[96];
    uint64_t expect, found = boot_info_ram_total(bi) >> 20;

    if (cmdline_get_u64(bi->cmdline, "duet.expect_ram_mib", &expect)) {
        r->tests++;
        printk("SKIP: BOOT-3: no duet.expect_ram_mib on the command line\n");
        return;
    }
    fmt_snprintf(what, sizeof(what), "RAM found %lu MiB in %u region(s), QEMU gave %lu MiB",
                 found, bi->nram, expect);
    check(r, "BOOT-3", found <= expect && found + 2 >= expect, what);
}

/* Ticks must come at the programmed rate as measured by the free-running counter: never
 * early, and late by at most a loaded host's scheduling noise. */
static void check_timer(struct report *r)
{
    char what[96];
    tick_wait(1); /* start on a tick edge */
    uint64_t t0 = arch_counter_now();
    uint64_t n = tick_wait(TIMER_TEST_TICKS);
    uint64_t elapsed_us = (arch_counter_now() - t0) * 1000000 / arch_counter_hz();
    uint64_t nominal_us = TIMER_TEST_TICKS * 1000000ull / TICK_HZ;

    fmt_snprintf(what, sizeof(what), "%lu ticks at %u Hz took %lu us (nominal %lu us)", n,
                 TICK_HZ, elapsed_us, nominal_us);
    check(r, "BOOT-4", elapsed_us * 10 >= nominal_us * 9 && elapsed_us <= nominal_us * 5, what);
}

/* An interrupt that is pending when the CPU goes idle must end the idle at once, not the
 * next one after it: the timer's, made pending with interrupts masked, must bring arch_idle
 * back within half a tick. With the wait and the unmask the wrong way round (AArch64 before
 * this test), the handler ran first and the wait then slept to the next tick. */
static void check_idle_wakeup(struct report *r)
{
    char what[96];
    uint64_t hz = arch_counter_hz(), half_tick_us = 500000 / TICK_HZ;
    tick_wait(1); /* just after a tick: the next is a whole tick away */
    arch_irq_disable();
    uint64_t t0 = arch_counter_now();
    tick_wake_at(t0);
    while (arch_counter_now() < t0 + hz / 10000)
        ; /* 100 us: the timer's interrupt is pending by now */
    uint64_t t1 = arch_counter_now();
    arch_idle();
    uint64_t idle_us = (arch_counter_now() - t1) * 1000000 / hz;
    arch_irq_enable();
    fmt_snprintf(what, sizeof(what), "a pending interrupt ended the idle after %lu us (bound %lu us)",
                 idle_us, half_tick_us);
    check(r, "BOOT-6", idle_us < half_tick_us, what);
}

unsigned boot_test_run(const struct boot_info *bi)
{
    struct report r = {0, 0};

    check_arch(&r, "BOOT-1", arch_check_privilege);
    check_arch(&r, "BOOT-2", arch_check_mmu);
    check_ram(&r, bi);
    check_timer(&r);
    check_arch(&r, "BOOT-5", arch_check_virt);
    check_idle_wakeup(&r);
    printk("SUMMARY: %u tests, %u unexpected failures\n", r.tests, r.failures);
    return r.failures;
}
