/* The budget benchmark's guest (scripts/bench-budget): reads its load and window from the
 * command line, runs the load over whole periods of its partition's budget, prints what it saw
 * and powers off. The benchmark's oracle is the kernel's charge, which the root task prints;
 * this guest's own counts are the cross-check.
 *
 * Command line: budget.load=spin|dodge|exit budget.ms=<window> budget.align=0|1
 * With align=1 (a partition with a budget below its period) the window starts and ends when
 * the guest comes back from a stall as long as a spent budget's, i.e. at the start of a period,
 * so that the run covers whole periods and the root task's figure (which ends there too) holds
 * no part-period. */
#include <guest/console.h>
#include <guest/guest.h>
#include <hv/cmdline.h>
#include <hv/string.h>

#include "budget.h"
#include "load.h"

#define TICK_HZ 100              /* the kernel's tick (docs/architecture.md) */
#define DODGE_MARGIN_US 100      /* the dodger waits from 100 us before a tick to 100 us after */
#define LEARN_MS 300             /* 30 ticks to learn their phase from */
#define STALL_NS 300             /* a tick interrupt costs the guest more than this */
#define OWN_STEP_US 50           /* a longer stall was somebody else's time, not an exit's */
/* A stall this long is a spent budget coming back refilled: a partition waits one 10 ms tick
 * behind another of its priority, a spent one until its next period (of 100 ms). Not always
 * with the exit load: a partner that exits often can keep the CPU for its whole budget
 * (docs/testing.md, "The budget benchmark"), and then the window may end inside a period. */
#define REFILL_GAP_US 20000
#define ALIGN_MAX_MS 1000

struct options {
    enum load_kind kind;
    const char *name;
    uint64_t ms;
    uint64_t align;
};

static bool parse(struct options *o)
{
    static const char *const names[] = {[LOAD_SPIN] = "spin", [LOAD_DODGE] = "dodge",
                                        [LOAD_EXIT] = "exit"};
    const char *line = guest_cmdline();
    char load[8];
    if (cmdline_get(line, "budget.load", load, sizeof(load)) ||
        cmdline_get_u64(line, "budget.ms", &o->ms) ||
        cmdline_get_u64(line, "budget.align", &o->align) || o->ms == 0 || o->ms > 600000)
        return false;
    for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        if (strcmp(load, names[k]) == 0) {
            o->kind = (enum load_kind)k;
            o->name = names[k];
            return true;
        }
    }
    return false;
}

static uint64_t units(uint64_t ns)
{
    return ns * (budget_hz() / 1000) / 1000000;
}

static uint64_t to_us(uint64_t u)
{
    uint64_t hz = budget_hz();
    return u / hz * 1000000 + u % hz * 1000000 / hz;
}

int guest_main(void)
{
    struct options o;
    if (!parse(&o)) {
        gprintf("BUDGET-GUEST-FAIL: command line '%s': need budget.load=spin|dodge|exit "
                "budget.ms=N budget.align=0|1\n",
                guest_cmdline());
        budget_poweroff();
    }
    struct run r;
    load_init(&r, o.kind, budget_hz() / TICK_HZ, units(DODGE_MARGIN_US * 1000),
              units(OWN_STEP_US * 1000), units(STALL_NS));
    if (o.kind == LOAD_DODGE)
        budget_timer_init();
    if (o.kind != LOAD_EXIT) {
        tick_learn(&r, units(LEARN_MS * 1000000ull));
        gprintf("BUDGET-PHASE: a tick at %llu us, %u of %u stalls within 2%% of its period\n",
                (unsigned long long)to_us(r.tick_at), r.phase_hits, r.phase_stalls);
    }
    /* The second refill: the first period is its partition's start-up, in which the VMMs'
     * set-up (above the guests' priority) can stall a guest for as long as a spent budget. */
    uint64_t refill = o.align ? units(REFILL_GAP_US * 1000ull) : 0;
    uint64_t align_max = units(ALIGN_MAX_MS * 1000000ull);
    bool aligned = true;
    for (unsigned i = 0; o.align && i < 2; i++)
        aligned &= load_run(&r, r.prev + align_max, refill);
    r.iterations = r.ran = r.sleeps = r.ticks_met = 0;
    uint64_t start = r.prev;
    load_run(&r, start + units(o.ms * 1000000), 0);
    if (o.align)
        aligned &= load_run(&r, r.prev + align_max, refill);
    uint64_t end = r.prev;
    gprintf("BUDGET-GUEST: load=%s window_us=%llu iterations=%llu ran_us=%llu sleeps=%llu "
            "ticks_met=%llu aligned=%d\n",
            o.name, (unsigned long long)to_us(end - start), (unsigned long long)r.iterations,
            (unsigned long long)to_us(r.ran), (unsigned long long)r.sleeps,
            (unsigned long long)r.ticks_met, aligned);
    budget_poweroff();
}
