/* The three loads of the budget benchmark and the dodger's model of the kernel's tick: one loop
 * for all three, so that a spin and a dodge iteration cost the same instructions and the guest's
 * iteration count can be turned into CPU time with one solo run's rate. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum load_kind { LOAD_SPIN, LOAD_DODGE, LOAD_EXIT };

struct run {
    enum load_kind kind;
    uint64_t prev;       /* the counter at the last iteration */
    uint64_t iterations; /* loop iterations (each with one exit for LOAD_EXIT) */
    uint64_t ran;        /* counter units of steps shorter than own_step: the guest's own time */
    uint64_t own_step;   /* a longer step between two iterations was somebody else's time */
    uint64_t sleeps;     /* the dodger's waits across a tick */
    /* Stalls that began at a tick (within tick_near of one): the ticks the guest was running
     * at, and so was charged for under tick-sampled charging. Counted once the phase is known. */
    uint64_t ticks_met;
    /* The kernel's tick period and the counter value of one tick (learnt), and the stall
     * length that a tick interrupt exceeds. */
    uint64_t tick, tick_at, tick_near, stall;
    bool phase_known;
    /* The dodger: it waits from a tick - before to the tick + after. */
    uint64_t before, after;
    uint64_t sleep_at, wake_at;
    bool slept; /* the next step holds a wait, not a stall */
    unsigned phase_hits, phase_stalls;
};

/* Counter units of a tick, of the dodger's margin before and after it, of the longest step
 * that is the guest's own, of the shortest stall a tick causes: from budget_hz(). */
void load_init(struct run *r, enum load_kind kind, uint64_t tick, uint64_t margin,
               uint64_t own_step, uint64_t stall);

/* Runs the load until the counter passes deadline; with refill_gap, returns earlier, true,
 * as soon as the guest comes back after a stall of at least refill_gap: normally its budget was
 * spent and has just been refilled, i.e. a period of its scheduling context has just begun. */
bool load_run(struct run *r, uint64_t deadline, uint64_t refill_gap);

/* Spins for `duration` and takes the kernel's tick phase from where its own time stalls (a
 * tick interrupt, or another partition run at the tick), as a guest with no other knowledge of
 * the hypervisor would: the dodger's first step, and the spinner's, so that it can count the
 * ticks it meets. */
void tick_learn(struct run *r, uint64_t duration);
