/* Relocating the local APIC (Intel SDM Vol. 3A 10.4.5 "Relocating the Local APIC Registers"):
 * IA32_APIC_BASE[51:12] holds the base of the 4-KByte register page, and writing it moves the
 * page. The checks put it back where they found it. */
#include <guest/check.h>
#include <guest/lapic.h>
#include <guest/x86.h>

/* Above QEMU's 1-MiB APIC/MSI window (0xfee0_0000) and below its firmware: nothing is there on
 * q35 (nor in a partition), so whatever answers after the move is the APIC. */
#define NEW_BASE 0xfef00000ul
#define BASE_MASK 0x000ffffffffff000ull

static uint32_t read_at(uintptr_t base, uint32_t reg)
{
    uint32_t v;
    __asm__ volatile("movl %1, %0" : "=r"(v) : "m"(*(volatile uint32_t *)(base + reg)));
    return v;
}

/* IA32_APIC_BASE moved to NEW_BASE and back: what the MSR read in between, and the version
 * register at the new and the old base. */
struct moved {
    uint64_t saved, readback;
    uint32_t version, at_new, at_old, back;
};

static struct moved move_and_back(void)
{
    struct moved m = {.saved = rdmsr(MSR_IA32_APIC_BASE), .version = lapic_read(LAPIC_VERSION)};
    wrmsr(MSR_IA32_APIC_BASE, (m.saved & ~BASE_MASK) | NEW_BASE);
    m.readback = rdmsr(MSR_IA32_APIC_BASE);
    m.at_new = read_at(NEW_BASE, LAPIC_VERSION);
    m.at_old = read_at(LAPIC_BASE, LAPIC_VERSION);
    wrmsr(MSR_IA32_APIC_BASE, m.saved);
    m.back = lapic_read(LAPIC_VERSION);
    return m;
}

/* SDM 10.4.4, figure "IA32_APIC_BASE MSR": the APIC base field (bits 12 up to MAXPHYADDR) is
 * read/write: the MSR reads back the base written, with the flags as they were. */
CHECK(apic_base_reads_back, "LAPIC-X6")
{
    struct moved m = move_and_back();
    report(m.readback == ((m.saved & ~BASE_MASK) | NEW_BASE) && m.back == m.version,
           "IA32_APIC_BASE 0x%llx <- base 0x%lx: reads 0x%llx; written back: version 0x%x",
           (unsigned long long)m.saved, NEW_BASE, (unsigned long long)m.readback, m.back);
}

/* SDM 10.4.5: the register page follows IA32_APIC_BASE. The version register (LAPIC-X1) is
 * what identifies the page at either address. */
CHECK(apic_base_moves, "LAPIC-X7")
{
    struct moved m = move_and_back();
    report(m.at_new == m.version && m.back == m.version,
           "base 0x%lx: version 0x%x at the new base, 0x%x at the old; moved back: 0x%x",
           NEW_BASE, m.at_new, m.at_old, m.back);
}
