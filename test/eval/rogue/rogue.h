/* The rogue VMM's shared parts: its console lines (through the console server, tagged as its
 * partition's: `[attacker] `), and the attack table (rogue_attacks.c): an attack is a function
 * with the catalogue's stable ID, as in the attack guest (test/eval/guest/attack.h). A table,
 * not a linker section: the programs' link script keeps no section it does not name. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct rogue_attack {
    const char *id;
    void (*run)(uint64_t arg1, uint64_t arg2);
};

/* DS-21, the storage client (rogue_storage.c). */
void ds21_storage(uint64_t arg1, uint64_t arg2);

extern const struct rogue_attack rogue_attacks[];
extern const unsigned rogue_nattacks;

#define ROGUE_ATTACK(fn, attack_id) static void fn(uint64_t arg1, uint64_t arg2)

/* A whole line on the partition's console (the guest-output call, HV_CONSOLE_WRITE). */
void rogue_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The raw bytes of a write call, as the rogue chooses them (IF-12). */
int rogue_write(const uint8_t *bytes, unsigned n);
/* Evidence and the attacker's claim, as the attack guest's (evidence, never the verdict). */
void evidence(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void claim(bool breach, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
