/* The victim: a canary in its RAM that no other partition may read or change, its own values
 * in the FP/SIMD and system registers that the sanitization cases look for (regs.h), and a
 * heartbeat line every HEARTBEAT_US by its own clock, so that a starved or stopped victim shows
 * as gaps, and a canary or register changed by someone else shows in the line. Its lines carry
 * its partition's tag, which no attacker can print (docs/console.md). */
#include <guest/console.h>
#include <guest/time.h>

#include "attack.h"
#include "regs.h"

#define HEARTBEAT_US 25000ull
#define CANARY 0x5a17ca4a12345678ull

/* A page of its own, so an attack that finds the address finds nothing else of the victim's. */
static volatile uint64_t canary[512] __attribute__((aligned(4096)));

/* Whether every register still holds the victim's value (the guest's code uses none of them:
 * the test guests are built without FP/SIMD registers). Planted again when not, so that a
 * single change shows once. */
static const char *regs_kept(void (*plant)(uint64_t), unsigned (*count)(uint64_t, unsigned *,
                                                                         char *, size_t))
{
    char found[8];
    unsigned total, n = count(REGS_SEED_VICTIM, &total, found, sizeof(found));
    if (n == total)
        return "ok";
    plant(REGS_SEED_VICTIM);
    return "CHANGED";
}

int victim_main(void)
{
    /* A word that differs every run beside it: the harness finds the page in host memory by
     * the pair, which no image holds as a constant. */
    uint64_t nonce = time_us() * 0x9e3779b97f4a7c15ull | 1;
    canary[0] = CANARY;
    canary[1] = nonce;
    regs_fp_plant(REGS_SEED_VICTIM);
    regs_sys_plant(REGS_SEED_VICTIM);
    gprintf("EVAL-VICTIM canary at 0x%llx value 0x%llx nonce 0x%llx\n",
            (unsigned long long)(uintptr_t)canary, (unsigned long long)CANARY,
            (unsigned long long)nonce);
    uint64_t next = time_us();
    for (unsigned n = 1;; n++) {
        next += HEARTBEAT_US;
        while (time_us() < next)
            ;
        uint64_t seen = canary[0];
        const char *fp = regs_kept(regs_fp_plant, regs_fp_count);
        const char *sys = regs_kept(regs_sys_plant, regs_sys_count);
        /* The victim's clock: the harness measures gaps in it, not in the host's time. */
        gprintf("EVAL-HEARTBEAT %u t=%llu canary=%s fp=%s sys=%s\n", n,
                (unsigned long long)time_us(), seen == CANARY ? "ok" : "CHANGED", fp, sys);
        if (seen != CANARY)
            canary[0] = CANARY;
    }
}
