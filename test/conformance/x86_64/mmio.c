/* Instructions on emulated MMIO: a memory operand in device memory is still a memory operand
 * (SDM 10.4.1: the local APIC's registers take any 128-bit-aligned 32-bit load or store), so
 * instructions other than MOV reach the device too: Linux uses MOV (readl/writel), other guests
 * and compilers do not always. */
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/lapic.h>
#include <guest/x86.h>

static void test_version(void *arg)
{
    uint8_t nz;
    __asm__ volatile("testl $0xff, %1; setnz %0"
                     : "=r"(nz)
                     : "m"(*(volatile uint32_t *)(LAPIC_BASE + LAPIC_VERSION)));
    *(uint8_t *)arg = nz;
}

/* TEST with the version register (0x50014 on both) as its operand: a 32-bit load; ZF clear. */
CHECK(mmio_test, "MMIO-X1")
{
    struct exc_info e;
    uint8_t nz = 0;
    bool t = exc_catch(test_version, &nz, &e);
    report(!t && nz, "TEST $0xff, [LAPIC version]: %s",
           t    ? exc_kind_name(e.kind)
           : nz ? "non-zero"
                : "zero");
}

static void or_tpr(void *arg)
{
    __asm__ volatile("orl $0x20, %0" : "+m"(*(volatile uint32_t *)(LAPIC_BASE + LAPIC_TPR)));
}

/* OR to the TPR: a 32-bit read-modify-write; the TPR then reads 0x20. */
CHECK(mmio_or, "MMIO-X2")
{
    struct exc_info e;
    lapic_write(LAPIC_TPR, 0);
    bool t = exc_catch(or_tpr, 0, &e);
    uint32_t tpr = lapic_read(LAPIC_TPR);
    lapic_write(LAPIC_TPR, 0);
    report(!t && tpr == 0x20, "OR $0x20, [TPR]: %s, TPR reads 0x%x",
           t ? exc_kind_name(e.kind) : "done", tpr);
}
