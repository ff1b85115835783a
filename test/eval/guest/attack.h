/* The attack guest's case table and the helpers every attack uses: an attack is one function
 * with the catalogue's stable ID (test/eval/catalogue.py), run when the harness types its ID. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct attack {
    const char *id; /* the catalogue's ID: "DS-1" */
    void (*run)(uint64_t arg1, uint64_t arg2);
};

/* ATTACK(fn, "ID") { ... } defines an attack; the section "attacks" collects them. The two
 * arguments are the numbers the harness typed after the ID (0 when absent). */
#define ATTACK(fn, attack_id)                                                                      \
    static void fn(uint64_t arg1, uint64_t arg2);                                                  \
    static const struct attack fn##_attack                                                         \
        __attribute__((section("attacks"), used)) = {.id = attack_id, .run = fn};                  \
    static void fn(uint64_t arg1, uint64_t arg2)

/* What the attacker saw, one line each: evidence for the report, never the verdict (the
 * harness judges from lines the attacker can't write). */
void evidence(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The attacker's own reading of what happened: "breach" when the protection did not hold. */
void claim(bool breach, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A load or store that may fault: true when it completed (*value read), false when it raised
 * an exception, which is described in the evidence. */
bool probe_read(uint64_t addr, unsigned size, uint64_t *value);
bool probe_write(uint64_t addr, unsigned size, uint64_t value);

/* Each arch: one exit to the hypervisor that does nothing for the guest (AV-2's flood). */
void arch_exit_once(void);
/* Each arch: an exception the guest can't handle, ending in the CPU's own failure path (FI-3). */
__attribute__((noreturn)) void arch_unrecoverable_fault(void);

/* Each arch: the guest's own timer interrupt, due at once and for good, taken without end (AV-3). */
__attribute__((noreturn)) void arch_interrupt_storm(void);

int attacker_main(void);
int victim_main(void);

/* Each arch: a guest-physical address in a device window the partition is not given, which its
 * VMM audits on every access (AV-5's flood). */
uint64_t arch_unclaimed_mmio(void);
/* Each arch: one store whose bytes straddle end (the end of its RAM): the part at end and
 * above holds the low 32 bits of the returned value if the store went through (DS-8). */
uint64_t arch_straddle_store(uint64_t end);
