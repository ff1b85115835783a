/* CR8 checks (Intel SDM Vol. 3A 10.8.6.1 "Interaction of Task Priorities
 * between CR8 and APIC"; AMD APM Vol. 2, "CR8 and the TPR"): in 64-bit mode CR8 is an alias of the
 * local APIC's task priority: MOV to CR8 sets TPR[7:4] (TPR[3:0] cleared), and CR8 reads
 * TPR[7:4]. */
#include <guest/check.h>
#include <guest/lapic.h>
#include <guest/x86.h>

CHECK(cr8_to_tpr, "CR8-X1")
{
    write_cr(8, 5);
    uint32_t tpr = lapic_read(LAPIC_TPR);
    write_cr(8, 0);
    report(tpr == 0x50, "MOV CR8 <- 5: TPR reads 0x%x (expected 0x50)", tpr);
}

CHECK(tpr_to_cr8, "CR8-X2")
{
    lapic_write(LAPIC_TPR, 0x30);
    uint64_t cr8 = read_cr(8);
    lapic_write(LAPIC_TPR, 0);
    report(cr8 == 3, "TPR <- 0x30: CR8 reads %llu (expected 3)", (unsigned long long)cr8);
}
