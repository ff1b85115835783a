/* The attacks that are the same on both arches: memory outside the partition's RAM (DS),
 * memory left over from before a reset (SA), the machine's power (FI) and the CPU (AV). The
 * harness types each with its addresses, which it knows from the manifest (docs/eval.md). */
#include <guest/exc.h>
#include <guest/guest.h>

#include "attack.h"

#define WRITTEN 0xbad0bad0bad0bad0ull
#define PLANT 0x9e3779b97f4a7c15ull
#define PLANT_WORDS 8192 /* 64 KiB */

/* DS-1: the victim's canary at the host-physical address its RAM has (arg1), read and then
 * overwritten, as if the attacker's guest-physical space reached it. arg2: the canary's value. */
ATTACK(ds1_victim_ram, "DS-1")
{
    uint64_t v = 0, after = 0;
    bool read = probe_read(arg1, 8, &v);
    if (read)
        evidence("read 8 bytes at 0x%llx: 0x%llx", (unsigned long long)arg1,
                 (unsigned long long)v);
    bool wrote = probe_write(arg1, 8, WRITTEN);
    bool reread = probe_read(arg1, 8, &after);
    if (reread)
        evidence("after writing 0x%llx there it reads 0x%llx", (unsigned long long)WRITTEN,
                 (unsigned long long)after);
    bool leaked = read && v == arg2;
    bool changed = wrote && reread && after == WRITTEN;
    claim(leaked || changed, "canary %s, overwrite %s", leaked ? "READ" : "not read",
          changed ? "STUCK" : "did not stick");
}

/* DS-2: the guest-physical addresses just past the end of its RAM (arg1) and 1 MiB further:
 * written, then read back. Memory that keeps what was written there is memory it was not given. */
ATTACK(ds2_past_ram, "DS-2")
{
    unsigned stuck = 0;
    for (uint64_t a = arg1; a <= arg1 + (1u << 20); a += 1u << 20) {
        uint64_t v = 0;
        bool wrote = probe_write(a, 8, WRITTEN ^ a);
        bool read = probe_read(a, 8, &v);
        if (read)
            evidence("0x%llx reads 0x%llx after the write", (unsigned long long)a,
                     (unsigned long long)v);
        stuck += wrote && read && v == (WRITTEN ^ a);
    }
    claim(stuck != 0, "%u of 2 writes past the RAM's end read back", stuck);
}

/* SA-1, in two runs of the same partition: arg2 = 0 plants 64 KiB of a pattern at arg1 (inside
 * its own RAM) and resets its machine; arg2 = 1, typed after the reset, counts what survived. */
ATTACK(sa1_leftovers, "SA-1")
{
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)arg1;
    if (arg2 == 0) {
        for (unsigned i = 0; i < PLANT_WORDS; i++)
            p[i] = PLANT ^ i;
        evidence("planted %u words at 0x%llx; resetting", PLANT_WORDS, (unsigned long long)arg1);
        guest_reset();
    }
    unsigned found = 0;
    for (unsigned i = 0; i < PLANT_WORDS; i++)
        found += p[i] == (PLANT ^ i);
    evidence("%u of %u planted words at 0x%llx survived the reset", found, PLANT_WORDS,
             (unsigned long long)arg1);
    claim(found != 0, "%u words of the previous run readable", found);
}

/* AV-1: spin with interrupts masked, for good. */
ATTACK(av1_spin_masked, "AV-1")
{
    irq_disable();
    for (;;)
        __asm__ volatile("" ::: "memory");
}

/* AV-2: exits as fast as the CPU makes them, for good. */
ATTACK(av2_exit_flood, "AV-2")
{
    irq_disable();
    for (;;)
        arch_exit_once();
}

/* AV-3: an interrupt storm of its own timer, for good. */
ATTACK(av3_interrupt_storm, "AV-3")
{
    arch_interrupt_storm();
}

/* FI-1: power the machine off (AArch64 PSCI SYSTEM_OFF; PC: isa-debug-exit, then ACPI S5). */
ATTACK(fi1_power_off, "FI-1")
{
    guest_exit(0);
}

/* FI-2: reset the machine (PSCI SYSTEM_RESET; PC: the reset control register 0xcf9). */
ATTACK(fi2_reset, "FI-2")
{
    guest_reset();
}

/* FI-3: an exception the guest can't take (a triple fault; AArch64: vectors nowhere). */
ATTACK(fi3_unrecoverable, "FI-3")
{
    arch_unrecoverable_fault();
}

#define FLOOD_SHOWN 1000000u

static void quiet_read(void *arg)
{
    (void)*(volatile uint32_t *)(uintptr_t)*(uint64_t *)arg;
}

/* AV-5: the VMM's audit log, flooded: an access it must record as unclaimed, for good, each one
 * an exit and a decode in the VMM. A line at 1000, 10000, ... accesses: the flood's rate. */
ATTACK(av5_audit_flood, "AV-5")
{
    uint64_t addr = arch_unclaimed_mmio();
    for (unsigned n = 1, next = 1000;; n++) {
        struct exc_info e;
        exc_catch(quiet_read, &addr, &e); /* probe_read would log each abort: the attacker's flood */
        if (n == next && next <= FLOOD_SHOWN) {
            evidence("%u unclaimed accesses at 0x%llx; flooding on", n, (unsigned long long)addr);
            next *= 10;
        }
    }
}

/* DS-8: one store across the end of its RAM (arg1): part in its RAM, part past it. The part past
 * the end must go nowhere: reading there must not give it back. */
ATTACK(ds8_straddle, "DS-8")
{
    uint64_t past = 0, want = arch_straddle_store(arg1) & 0xffffffffu;
    bool read = probe_read(arg1, 4, &past);
    if (read)
        evidence("after the straddling store, 0x%llx reads 0x%llx (the store's part: 0x%llx)",
                 (unsigned long long)arg1, (unsigned long long)past, (unsigned long long)want);
    claim(read && past == want, "the store's part past the RAM's end %s",
          read && past == want ? "STUCK" : "went nowhere");
}
