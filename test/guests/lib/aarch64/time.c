/* The guest's clock: the virtual counter CNTVCT_EL0 at CNTFRQ_EL0 (Arm ARM, "The Generic Timer in
 * AArch64 state"), which EL1 may read in a partition and on bare QEMU alike. */
#include <guest/a64.h>
#include <guest/time.h>

static uint64_t freq = 62500000; /* QEMU virt's, until CNTFRQ_EL0 says otherwise */

void arch_time_init(void)
{
    uint64_t f = read_sysreg(cntfrq_el0) & 0xffffffffu;
    if (f)
        freq = f;
}

uint64_t time_us(void)
{
    isb(); /* the counter read is not ordered with earlier instructions without it */
    uint64_t c = read_sysreg(cntvct_el0);
    return c / freq * 1000000 + c % freq * 1000000 / freq;
}

void delay_us(uint64_t us)
{
    uint64_t end = time_us() + us;
    for (unsigned i = 0; i < WAIT_MAX_SPINS && time_us() < end; i++)
        ;
}
