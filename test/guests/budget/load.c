/* The loads: a spinner, a tick dodger (it spins between the kernel's ticks and waits across
 * each, so that under tick-sampled charging it was never the one charged), and an exit-heavy
 * loop (one UART status read per iteration, each handled by the VMM on the partition's time). */
#include "load.h"
#include "budget.h"

/* A bound on every loop besides the counter, far beyond any window (hours of QEMU). */
#define LOAD_MAX_ITERATIONS (1ull << 40)
#define PHASE_BINS 100

void load_init(struct run *r, enum load_kind kind, uint64_t tick, uint64_t margin,
               uint64_t own_step, uint64_t stall)
{
    *r = (struct run){
        .kind = kind,
        .prev = budget_now(),
        .own_step = own_step,
        .tick = tick,
        .tick_near = margin / 5,
        .stall = stall,
        .before = margin,
        .after = margin,
        .sleep_at = UINT64_MAX, /* only the dodger sleeps */
        .wake_at = 0,
    };
}

/* The dodger's next wait: across the first tick after now (now itself may already be inside
 * the wait's span, then the next iteration waits at once). */
static void dodge_plan(struct run *r, uint64_t now)
{
    uint64_t next = r->tick_at + ((now - r->tick_at) / r->tick + 1) * r->tick;
    r->sleep_at = next - r->before;
    r->wake_at = next + r->after;
}

/* The wait shows as the next step, longer than own_step (not the guest's time) and, when the
 * budget was spent just before it, as long as a refill gap. */
static void dodge_sleep(struct run *r, uint64_t now)
{
    if (now < r->wake_at) {
        budget_sleep_until(r->wake_at);
        r->sleeps++;
        r->slept = true;
    }
    dodge_plan(r, budget_now());
}

/* Whether a stall that began at `at` began at a tick. */
static bool at_tick(const struct run *r, uint64_t at)
{
    uint64_t off = (at - r->tick_at) % r->tick;
    return off < r->tick_near || r->tick - off < r->tick_near;
}

/* A step that was no iteration's own: a tick met? (Not for the exit load: its phase is not
 * learnt, and its every step is a stall.) */
static void stalled(struct run *r, uint64_t from)
{
    if (r->phase_known && !r->slept && from >= r->tick_at && at_tick(r, from))
        r->ticks_met++;
    r->slept = false;
}

bool load_run(struct run *r, uint64_t deadline, uint64_t refill_gap)
{
    for (uint64_t i = 0; i < LOAD_MAX_ITERATIONS; i++) {
        uint64_t now = budget_now(), from = r->prev;
        uint64_t step = now - from;
        if (step >= r->stall)
            stalled(r, from);
        r->prev = now;
        r->iterations++;
        if (step < r->own_step)
            r->ran += step;
        else if (refill_gap && step >= refill_gap)
            return true;
        if (now >= deadline)
            return false;
        if (r->kind == LOAD_EXIT)
            budget_exit_read();
        else if (now >= r->sleep_at)
            dodge_sleep(r, now);
    }
    return false;
}

void tick_learn(struct run *r, uint64_t duration)
{
    /* Where in the tick period each stall began, in PHASE_BINS bins. */
    static unsigned count[PHASE_BINS];
    static uint64_t sum[PHASE_BINS];
    uint64_t origin = budget_now(), prev = origin;
    unsigned stalls = 0;
    for (uint64_t i = 0; i < LOAD_MAX_ITERATIONS; i++) {
        uint64_t now = budget_now();
        if (now - prev >= r->stall) {
            uint64_t off = (prev - origin) % r->tick;
            unsigned b = (unsigned)(off * PHASE_BINS / r->tick);
            count[b]++;
            sum[b] += off;
            stalls++;
        }
        prev = now;
        if (now - origin >= duration)
            break;
    }
    /* The densest pair of neighbouring bins (a tick near a bin's edge lands in either); its
     * mean, with the second bin unwrapped when it is bin 0. */
    unsigned best = 0, best_n = 0;
    for (unsigned b = 0; b < PHASE_BINS; b++) {
        unsigned n = count[b] + count[(b + 1) % PHASE_BINS];
        if (n > best_n) {
            best = b;
            best_n = n;
        }
    }
    unsigned next = (best + 1) % PHASE_BINS;
    uint64_t s = sum[best] + sum[next] + (next == 0 ? (uint64_t)count[next] * r->tick : 0);
    r->tick_at = origin + (best_n ? s / best_n : 0);
    r->phase_hits = best_n;
    r->phase_stalls = stalls;
    r->phase_known = best_n > 0;
    r->prev = budget_now();
    if (r->kind == LOAD_DODGE)
        dodge_plan(r, r->prev);
}
