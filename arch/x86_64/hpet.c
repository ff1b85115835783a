/* The HPET's main counter (IA-PC HPET spec 1.0a, 2.3): the free-running counter, and the
 * reference the LAPIC timer is calibrated against. */
#include "intc.h"
#include <arch.h>
#include <hv/abi/error.h>
#include <kernel/printk.h>
#include <platform.h>

#define HPET_GCAP_ID 0x000
#define HPET_GCAP_COUNT_SIZE_CAP (1u << 13) /* the main counter is 64 bits wide */
#define HPET_GCAP_PERIOD 0x004              /* COUNTER_CLK_PERIOD: femtoseconds per tick */
#define HPET_GEN_CONF 0x010
#define HPET_CONF_ENABLE (1u << 0)
#define HPET_CONF_LEG_RT (1u << 1)
#define HPET_MAIN_COUNTER 0x0f0
#define HPET_MAX_PERIOD_FS 100000000u /* spec 2.3.4: at most 100 ns */
#define FS_PER_SECOND 1000000000000000ull

static uint64_t frequency;

static volatile uint32_t *hpet_reg(unsigned off)
{
    return (volatile uint32_t *)((char *)arch_phys_to_virt(pa_init(PLAT_HPET_BASE)) + off);
}

int hpet_init(void)
{
    uint32_t cap = *hpet_reg(HPET_GCAP_ID), period = *hpet_reg(HPET_GCAP_PERIOD);

    if (period == 0 || period > HPET_MAX_PERIOD_FS || !(cap & HPET_GCAP_COUNT_SIZE_CAP)) {
        printk("hpet: unusable (period %u fs, capabilities 0x%x)\n", period, cap);
        return HV_EFORMAT;
    }
    frequency = FS_PER_SECOND / period;
    /* Counting, no legacy replacement routing (the 8254 and RTC keep their IRQs). */
    uint32_t conf = *hpet_reg(HPET_GEN_CONF) & ~HPET_CONF_LEG_RT;
    *hpet_reg(HPET_GEN_CONF) = conf | HPET_CONF_ENABLE;
    return HV_OK;
}

/* Read as two 32-bit halves, high again until it did not change: a 64-bit access may be
 * split, and the low half can wrap between the two. */
uint64_t hpet_now(void)
{
    uint32_t hi, lo;
    do {
        hi = *hpet_reg(HPET_MAIN_COUNTER + 4);
        lo = *hpet_reg(HPET_MAIN_COUNTER);
    } while (*hpet_reg(HPET_MAIN_COUNTER + 4) != hi);
    return (uint64_t)hi << 32 | lo;
}

uint64_t hpet_hz(void)
{
    return frequency;
}
