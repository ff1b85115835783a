/* Sanitization of registers (SA-2..SA-5): what a partition finds in its FP/SIMD and system
 * registers after its own reset, and while the victim keeps its own values in the same
 * registers on the same CPU. The victim (victim.c) plants REGS_SEED_VICTIM's values and checks
 * them at every beat; the attacker plants REGS_SEED_ATTACKER's and looks for either.
 *
 * arg1 selects the step: 0 plants and resets the partition, 1 (typed after the reset) looks,
 * 2 plants and looks without a reset (what a reset that kept the registers would leave; the
 * controls of SA-2/SA-3 run steps 0 and 1 under a VMM built not to reset its vcpu instead,
 * eval-keepregs). For
 * SA-4/SA-5 arg1 = 1 is the control: halfway through, the attacker loads the victim's values
 * itself, as a hypervisor that restored the wrong vcpu's registers would. */
#include <guest/guest.h>
#include <guest/time.h>
#include <hv/string.h>

#include "attack.h"
#include "regs.h"

#define WATCH_US 2000000ull /* SA-4/5: 20 of the victim's budget periods */

void regs_note(char *found, size_t len, const char *name)
{
    size_t n = strlen(found), m = strlen(name);
    if (n + m + 2 >= len)
        return;
    if (n)
        found[n++] = ',';
    memcpy(found + n, name, m + 1);
}

typedef void (*plant_fn)(uint64_t seed);
typedef unsigned (*count_fn)(uint64_t seed, unsigned *total, char *found, size_t len);

/* After the reset (or, as the control, without one): the attacker's own earlier values and
 * the victim's, each register that holds one. */
static void look_after(const char *what, count_fn count)
{
    char mine[72], theirs[72];
    unsigned total, n_mine = count(REGS_SEED_ATTACKER, &total, mine, sizeof(mine));
    unsigned n_theirs = count(REGS_SEED_VICTIM, &total, theirs, sizeof(theirs));
    evidence("%s: %u of %u hold the previous run's values (%s), %u the victim's (%s)", what,
             n_mine, total, n_mine ? mine : "none", n_theirs, n_theirs ? theirs : "none");
    claim(n_mine + n_theirs != 0, "%u %s registers of the previous run or the victim readable",
          n_mine + n_theirs, what);
}

static void after_reset(const char *what, uint64_t step, plant_fn plant, count_fn count)
{
    if (step == 0 || step == 2) {
        plant(REGS_SEED_ATTACKER);
        char found[72];
        unsigned total, n = count(REGS_SEED_ATTACKER, &total, found, sizeof(found));
        evidence("planted %u of %u %s registers%s", n, total, what,
                 step == 0 ? "; resetting" : "; looking without a reset (control)");
        if (step == 0)
            guest_reset();
    }
    look_after(what, count);
}

/* SA-2: the FP/SIMD registers (V0..V31, FPCR/FPSR; XMM0..XMM15, the x87 stack, FCW, MXCSR). */
ATTACK(sa2_fp_after_reset, "SA-2")
{
    after_reset("FP/SIMD", arg1, regs_fp_plant, regs_fp_count);
}

/* SA-3: system registers (TPIDR*, CONTEXTIDR, TTBR0/1, SP_EL0, CNTV_CVAL, DBGBVR0/DBGWVR0;
 * DR0..DR3, CR2, STAR/LSTAR/CSTAR, KERNEL_GS_BASE). */
ATTACK(sa3_sys_after_reset, "SA-3")
{
    after_reset("system", arg1, regs_sys_plant, regs_sys_count);
}

/* SA-4/SA-5: the attacker's registers, watched for WATCH_US of its clock while the victim
 * runs beside it with its values in the same registers: never the victim's, always its own. */
static void beside(const char *what, uint64_t control, plant_fn plant, count_fn count)
{
    char found[72];
    unsigned total, rounds = 0, seen_theirs = 0, lost_mine = 0, mine;
    plant(REGS_SEED_ATTACKER);
    uint64_t start = time_us(), half = start + WATCH_US / 2;
    bool swapped = false;
    while (time_us() - start < WATCH_US) {
        if (control && !swapped && time_us() > half) {
            plant(REGS_SEED_VICTIM); /* the control: the victim's registers handed over */
            swapped = true;
        }
        rounds++;
        if (count(REGS_SEED_VICTIM, &total, found, sizeof(found)) && !seen_theirs++)
            evidence("round %u: the victim's values in %s", rounds, found);
        mine = count(REGS_SEED_ATTACKER, &total, found, sizeof(found));
        if (mine != total && !lost_mine++)
            evidence("round %u: only %u of %u %s registers kept the attacker's values", rounds,
                     mine, total, what);
    }
    evidence("%u rounds over %llu ms: the victim's values seen in %u, own values lost in %u",
             rounds, (unsigned long long)(WATCH_US / 1000), seen_theirs, lost_mine);
    claim(seen_theirs != 0, "the victim's %s registers %s", what,
          seen_theirs ? "SEEN" : "never seen");
}

/* SA-4: the FP/SIMD registers beside the victim. */
ATTACK(sa4_fp_beside, "SA-4")
{
    beside("FP/SIMD", arg1, regs_fp_plant, regs_fp_count);
}

/* SA-5: the system registers beside the victim. */
ATTACK(sa5_sys_beside, "SA-5")
{
    beside("system", arg1, regs_sys_plant, regs_sys_count);
}
