/* The victim: a canary in its RAM that no other partition may read or change, and a heartbeat
 * line every HEARTBEAT_US by its own clock, so that a starved or stopped victim shows as gaps.
 * Its lines carry its partition's tag, which no attacker can print (docs/console.md). */
#include <guest/console.h>
#include <guest/time.h>

#include "attack.h"

#define HEARTBEAT_US 25000ull
#define CANARY 0x5a17ca4a12345678ull

/* A page of its own, so an attack that finds the address finds nothing else of the victim's. */
static volatile uint64_t canary[512] __attribute__((aligned(4096)));

int victim_main(void)
{
    /* A word that differs every run beside it: the harness finds the page in host memory by
     * the pair, which no image holds as a constant. */
    uint64_t nonce = time_us() * 0x9e3779b97f4a7c15ull | 1;
    canary[0] = CANARY;
    canary[1] = nonce;
    gprintf("EVAL-VICTIM canary at 0x%llx value 0x%llx nonce 0x%llx\n",
            (unsigned long long)(uintptr_t)canary, (unsigned long long)CANARY,
            (unsigned long long)nonce);
    uint64_t next = time_us();
    for (unsigned n = 1;; n++) {
        next += HEARTBEAT_US;
        while (time_us() < next)
            ;
        uint64_t seen = canary[0];
        /* The victim's clock: the harness measures gaps in it, not in the host's time. */
        gprintf("EVAL-HEARTBEAT %u t=%llu canary=%s\n", n, (unsigned long long)time_us(),
                seen == CANARY ? "ok" : "CHANGED");
        if (seen != CANARY)
            canary[0] = CANARY;
    }
}
