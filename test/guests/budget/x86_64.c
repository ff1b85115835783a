/* The budget guest on x86_64: the TSC at the rate the hypervisor states (CPUID 0x4000_0010),
 * the local APIC's TSC-deadline timer (SDM 10.5.4.1), COM1's line status register as the exit,
 * and ACPI S5 straight away as the way out. */
#include <guest/acpi.h>
#include <guest/console.h>
#include <guest/exc.h>
#include <guest/guest.h>
#include <guest/lapic.h>
#include <guest/x86.h>

#include "budget.h"

#define VEC_TIMER 0x60
#define COM1_LSR (0x3f8 + 5)
#define CPUID_HV_BASE 0x40000000u
#define CPUID_HV_TIMING 0x40000010u /* EAX: the TSC's rate in kHz */
#define SLP_EN (1u << 13)
#define SLEEP_MAX_WAKES 1000

static volatile bool fired;

uint64_t budget_now(void)
{
    return rdtsc();
}

/* The hypervisor's statement of the TSC rate is exact; the library's own measurement against
 * the PM timer is off by the PM timer's resolution, which the dodger cannot afford. */
uint64_t budget_hz(void)
{
    static uint64_t hz;
    if (!hz) {
        bool hv = cpuid(1, 0).c >> 31 & 1;
        uint32_t khz = hv && cpuid(CPUID_HV_BASE, 0).a >= CPUID_HV_TIMING
                           ? cpuid(CPUID_HV_TIMING, 0).a
                           : 0;
        hz = khz ? khz * 1000ull : x86_tsc_khz() * 1000;
    }
    return hz;
}

static void timer_irq(unsigned vec, void *frame)
{
    fired = true; /* the library ends it with an EOI */
}

void budget_timer_init(void)
{
    if (!(cpuid(1, 0).c >> 24 & 1)) {
        gprintf("BUDGET-GUEST-FAIL: no TSC-deadline timer (CPUID.01H:ECX[24])\n");
        budget_poweroff(); /* a wait with no timer would never end */
    }
    irq_set_handler(VEC_TIMER, timer_irq);
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | VEC_TIMER);
}

void budget_sleep_until(uint64_t t)
{
    fired = false;
    wrmsr(MSR_IA32_TSC_DEADLINE, t);
    /* STI's one-instruction shadow: an interrupt due before the HLT wakes it, none is lost. */
    for (unsigned i = 0; i < SLEEP_MAX_WAKES && !fired; i++)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
}

void budget_exit_read(void)
{
    (void)inb(COM1_LSR);
}

void budget_poweroff(void)
{
    if (acpi.pm1a_cnt && acpi.s5_found)
        outw(acpi.pm1a_cnt, (uint16_t)((unsigned)acpi.s5_typ << 10 | SLP_EN));
    guest_exit(0); /* the library's way, if S5 did not stop it */
}
