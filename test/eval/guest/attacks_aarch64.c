/* AArch64 attacks: the machine's own devices that a partition is not given (QEMU virt's
 * virtio-mmio transports, fw_cfg, the PL031 RTC), read at EL1 by their physical addresses. On
 * bare QEMU each answers with its identifying value; in a partition nothing of them may. */
#include <guest/a64.h>
#include <guest/exc.h>
#include <guest/gicv3.h>
#include <guest/psci.h>

#include "attack.h"

#define VIRTIO_MMIO_BASE 0x0a000000ull
#define VIRTIO_MAGIC 0x74726976u /* "virt" */
#define FW_CFG_BASE 0x09020000ull
#define FW_CFG_SELECTOR 0x8
#define FW_CFG_SIGNATURE 0x554d4551u /* "QEMU", read a byte at a time */
#define PL031_BASE 0x09010000ull
#define PL031_PERIPH_ID0 0xfe0
#define PL031_ID0 0x31u

/* DS-3: the first and last virtio-mmio transports' MagicValue. */
ATTACK(ds3_virtio_window, "DS-3")
{
    unsigned answered = 0;
    for (uint64_t a = VIRTIO_MMIO_BASE; a <= VIRTIO_MMIO_BASE + 31 * 0x200; a += 31 * 0x200) {
        uint64_t v;
        if (probe_read(a, 4, &v)) {
            evidence("virtio-mmio transport at 0x%llx reads magic 0x%llx", (unsigned long long)a,
                     (unsigned long long)v);
            answered += v == VIRTIO_MAGIC;
        }
    }
    claim(answered != 0, "%u of 2 physical virtio-mmio transports answered", answered);
}

/* DS-4: fw_cfg, the host's firmware configuration interface: select the signature, read it. */
ATTACK(ds4_fw_cfg, "DS-4")
{
    uint32_t sig = 0;
    bool ok = probe_write(FW_CFG_BASE + FW_CFG_SELECTOR, 2, 0); /* selector 0, big-endian */
    for (unsigned i = 0; ok && i < 4; i++) {
        uint64_t b;
        ok = probe_read(FW_CFG_BASE, 1, &b);
        sig |= (uint32_t)(b & 0xff) << (8 * i);
    }
    if (ok)
        evidence("fw_cfg signature reads 0x%x", sig);
    claim(ok && sig == FW_CFG_SIGNATURE, "fw_cfg %s", ok && sig == FW_CFG_SIGNATURE ?
          "answered with QEMU's signature" : "did not answer");
}

/* DS-5: the PL031 real-time clock's identification register and its time. */
ATTACK(ds5_rtc, "DS-5")
{
    uint64_t id = 0, now = 0;
    bool ok = probe_read(PL031_BASE + PL031_PERIPH_ID0, 4, &id) && probe_read(PL031_BASE, 4, &now);
    if (ok)
        evidence("PL031 PeriphID0 0x%llx, RTCDR %llu", (unsigned long long)id,
                 (unsigned long long)now);
    claim(ok && id == PL031_ID0, "the physical RTC %s", ok && id == PL031_ID0 ? "answered" :
          "did not answer");
}

void arch_exit_once(void)
{
    psci_call(PSCI_VERSION, 0, 0, 0);
}

/* Vectors at an address with nothing behind it: the first exception's vector fetch aborts, and
 * that abort's too, for good. */
void arch_unrecoverable_fault(void)
{
    write_sysreg(vbar_el1, 0x10000000ull);
    isb();
    __asm__ volatile("udf #0");
    for (;;)
        ;
}

#define GITS_BASE 0x08080000ull
#define GITS_IIDR 0x4

/* DS-6: the physical GIC's ITS (the interrupt translation service, which routes MSIs for the
 * whole machine): its implementer register. */
ATTACK(ds6_gic_its, "DS-6")
{
    uint64_t iidr = 0;
    bool ok = probe_read(GITS_BASE + GITS_IIDR, 4, &iidr);
    if (ok)
        evidence("GITS_IIDR reads 0x%llx", (unsigned long long)iidr);
    claim(ok && iidr != 0, "the physical ITS %s", ok && iidr != 0 ? "answered" : "did not answer");
}

#define STORM_SHOWN 1000000u

static volatile unsigned storm_ticks, storm_next = 10;

static void storm_tick(unsigned id, void *frame)
{
    (void)id, (void)frame; /* the condition stays: the timer fires again at once */
    /* Said from the handler: the storm leaves the interrupted loop no instruction to run. A
     * line at 10, 100, 1000, ... interrupts: the storm's rate, in the log's times. */
    if (++storm_ticks == storm_next && storm_next <= STORM_SHOWN) {
        evidence("%u timer interrupts taken; storming on", storm_ticks);
        storm_next *= 10;
    }
}

/* AV-3: the virtual timer's deadline in the past and never moved: an interrupt at every chance. */
void arch_interrupt_storm(void)
{
    gic_init(true);
    irq_set_handler(INTID_VTIMER, storm_tick);
    gic_enable(INTID_VTIMER, true);
    write_sysreg(cntv_cval_el0, 0);
    write_sysreg(cntv_ctl_el0, 1); /* ENABLE, not masked */
    isb();
    irq_enable();
    for (;;)
        __asm__ volatile("" ::: "memory");
}

#define PL061_BASE 0x09030000ull
#define PL061_PERIPH_ID0 0xfe0
#define PL061_ID0 0x61u

/* DS-7: the PL061 GPIO controller (QEMU virt's power button): its identification register. */
ATTACK(ds7_gpio, "DS-7")
{
    uint64_t id = 0;
    bool ok = probe_read(PL061_BASE + PL061_PERIPH_ID0, 4, &id);
    if (ok)
        evidence("PL061 PeriphID0 reads 0x%llx", (unsigned long long)id);
    claim(ok && id == PL061_ID0, "the physical GPIO %s",
          ok && id == PL061_ID0 ? "answered" : "did not answer");
}

uint64_t arch_unclaimed_mmio(void)
{
    return VIRTIO_MMIO_BASE;
}

#define STRADDLE_LOW 0x5717add1e0000001ull
#define STRADDLE_HIGH 0x5717add1e0000002ull

static void store_pair(void *arg)
{
    uint64_t at = *(uint64_t *)arg;
    __asm__ volatile("stp %0, %1, [%2]" ::"r"(STRADDLE_LOW), "r"(STRADDLE_HIGH), "r"(at)
                     : "memory");
}

/* A store pair: 8 bytes in the RAM's last word, 8 past its end. An abort of a pair has no
 * syndrome for the VMM to emulate it by (ESR_EL2.ISV = 0). */
uint64_t arch_straddle_store(uint64_t end)
{
    struct exc_info e;
    uint64_t at = end - 8;
    if (exc_catch(store_pair, &at, &e))
        evidence("stp at 0x%llx: exception %s (syndrome 0x%llx)", (unsigned long long)at,
                 exc_kind_name(e.kind), (unsigned long long)e.syndrome);
    return STRADDLE_HIGH;
}

/* LP-4: the PMU, which counts for the whole machine: its control register says how many
 * counters there are, and the cycle counter, enabled, counts. */
#define PMCR_E 1ull
#define PMCNTENSET_C (1ull << 31)

static void pmu_read(void *arg)
{
    uint64_t *r = arg;
    r[0] = read_sysreg(pmcr_el0);
    write_sysreg(pmcr_el0, r[0] | PMCR_E);
    write_sysreg(pmcntenset_el0, PMCNTENSET_C);
    isb();
    r[1] = read_sysreg(pmccntr_el0);
    for (volatile unsigned i = 0; i < 1000; i++)
        ;
    r[2] = read_sysreg(pmccntr_el0);
}

ATTACK(lp4_pmu, "LP-4")
{
    struct exc_info e;
    uint64_t r[3] = {0, 0, 0};
    bool faulted = exc_catch(pmu_read, r, &e);
    if (faulted)
        evidence("PMU access: exception %s (syndrome 0x%llx)", exc_kind_name(e.kind),
                 (unsigned long long)e.syndrome);
    else
        evidence("PMCR_EL0 0x%llx (%llu counters), cycle counter %llu then %llu",
                 (unsigned long long)r[0], (unsigned long long)((r[0] >> 11) & 0x1f),
                 (unsigned long long)r[1], (unsigned long long)r[2]);
    bool got = !faulted && (((r[0] >> 11) & 0x1f) != 0 || r[2] != r[1]);
    claim(got, "the PMU %s", got ? "ANSWERED" : "was refused");
}

/* LP-5: firmware calls outside the set a partition is offered. Each is an HVC or SMC with x0 a
 * function ID; the call's answer comes back in x0, or the call raises an exception. */
enum fw_conduit { FW_HVC0, FW_HVC1, FW_SMC0 };
#define PSR_DAIF (0xfull << 6)
#define PSR_EL0T_DAIF PSR_DAIF /* M = EL0t (0), every exception masked */

struct fw_call {
    enum fw_conduit how;
    uint64_t fn, x0;
};

static void fw_call_body(void *arg)
{
    struct fw_call *c = arg;
    register uint64_t x0 __asm__("x0") = c->fn;
    register uint64_t x1 __asm__("x1") = 0;
    register uint64_t x2 __asm__("x2") = 0;
    register uint64_t x3 __asm__("x3") = 0;
#define FW_CLOBBERS "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", \
                    "x16", "x17", "memory"
    switch (c->how) {
    case FW_HVC0:
        __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : FW_CLOBBERS);
        break;
    case FW_HVC1:
        __asm__ volatile("hvc #1" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : FW_CLOBBERS);
        break;
    default:
        __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : FW_CLOBBERS);
        break;
    }
#undef FW_CLOBBERS
    c->x0 = x0;
}

/* Whether the call was answered NOT_SUPPORTED (SMCCC's answer to an unknown function); an
 * exception or any other answer is described in the evidence. */
static bool fw_not_supported(enum fw_conduit how, uint64_t fn)
{
    static const char *const names[] = {"hvc #0", "hvc #1", "smc #0"};
    struct fw_call c = {.how = how, .fn = fn};
    struct exc_info e;
    if (exc_catch(fw_call_body, &c, &e)) {
        evidence("%s fn 0x%llx: exception %s (syndrome 0x%llx)", names[how],
                 (unsigned long long)fn, exc_kind_name(e.kind), (unsigned long long)e.syndrome);
        return false;
    }
    if ((int64_t)c.x0 == PSCI_NOT_SUPPORTED)
        return true;
    evidence("%s fn 0x%llx: answered 0x%llx", names[how], (unsigned long long)fn,
             (unsigned long long)c.x0);
    return false;
}

/* Function IDs no partition is offered (SMCCC DEN0028, PSCI DEN0022): PSCI MIGRATE,
 * SYSTEM_SUSPEND, PSCI_STAT_COUNT, SYSTEM_RESET2, MEM_PROTECT and the range's end; the Arm
 * architecture workarounds; the SiP, OEM and vendor-hypervisor services (32 and 64 bit);
 * yielding calls and IDs with bits that must be zero. */
static const uint32_t fw_unknown[] = {
    0x84000005u, 0x8400000eu, 0x84000011u, 0x84000012u, 0x84000013u, 0x8400001fu,
    0x80008000u, 0x80007fffu, 0x82000000u, 0xc2000000u, 0x83000000u, 0xc3000000u,
    0x86000000u, 0xc6000000u, 0x86000001u, 0xbf00ff01u, 0x04000000u, 0x44000000u,
    0x84ff0000u, 0xffffffffu,
};
#define FW_UNKNOWN_COUNT (sizeof(fw_unknown) / sizeof(fw_unknown[0]))

/* The same calls from EL0 (user mode): the MMU is off, so EL0 may run the guest's code where it
 * is. ERET to EL0 at the call; the call raises an exception to EL1 (caught), or returns to EL0,
 * where an SVC brings it back (EC 0x15: the call did something at EL0). */
#define EC_UNKNOWN_INSN 0x00u
#define EC_SVC64_INSN 0x15u

static uint64_t el0_stack[64] __attribute__((aligned(16)));

struct el0_call {
    enum fw_conduit how;
    uint64_t fn;
};

static void el0_call_body(void *arg)
{
    struct el0_call *c = arg;
    register uint64_t x0 __asm__("x0") = c->fn;
    uint64_t sp = (uint64_t)(uintptr_t)(el0_stack + 64);
    uint64_t spsr = PSR_EL0T_DAIF;
#define EL0_ENTER "adr x9, 1f\n msr elr_el1, x9\n msr sp_el0, %1\n msr spsr_el1, %2\n eret\n 1: "
    switch (c->how) {
    case FW_HVC0:
        __asm__ volatile(EL0_ENTER "hvc #0\n svc #0\n b ." : "+r"(x0) : "r"(sp), "r"(spsr)
                         : "x9", "memory");
        break;
    case FW_HVC1:
        __asm__ volatile(EL0_ENTER "hvc #1\n svc #0\n b ." : "+r"(x0) : "r"(sp), "r"(spsr)
                         : "x9", "memory");
        break;
    default:
        __asm__ volatile(EL0_ENTER "smc #0\n svc #0\n b ." : "+r"(x0) : "r"(sp), "r"(spsr)
                         : "x9", "memory");
        break;
    }
#undef EL0_ENTER
}

/* Whether the call from EL0 was undefined (taken to EL1 as an unknown instruction). */
static bool el0_undefined(enum fw_conduit how, uint64_t fn)
{
    static const char *const names[] = {"hvc #0", "hvc #1", "smc #0"};
    struct el0_call c = {.how = how, .fn = fn};
    struct exc_info e;
    if (!exc_catch(el0_call_body, &c, &e)) {
        evidence("EL0 %s fn 0x%llx: never left EL1", names[how], (unsigned long long)fn);
        return false;
    }
    unsigned ec = (unsigned)(e.syndrome >> 26) & 0x3f;
    if (ec == EC_UNKNOWN_INSN)
        return true;
    evidence("EL0 %s fn 0x%llx: %s (ESR 0x%llx)", names[how], (unsigned long long)fn,
             ec == EC_SVC64_INSN ? "RETURNED to EL0" : "another exception",
             (unsigned long long)e.syndrome);
    return false;
}

/* LP-5: the unknown IDs over HVC #0 (the conduit), the offered calls over conduits that are not
 * (HVC with another immediate, SMC), last SYSTEM_OFF over HVC #1: outside the allowed set, each
 * must be answered as unknown and do nothing (bare QEMU takes HVC #1 for its PSCI conduit and
 * powers the machine off). */
ATTACK(lp5_unknown_fw_calls, "LP-5")
{
    /* First from EL0, where HVC and SMC are undefined instructions: none reaches EL2. */
    static const uint32_t from_user[] = {PSCI_VERSION, 0x86000000u, PSCI_SYSTEM_RESET,
                                         PSCI_SYSTEM_OFF};
    unsigned undefined = 0, tried = 0;
    for (unsigned i = 0; i < 4; i++)
        for (unsigned how = FW_HVC0; how <= FW_SMC0; how++, tried++)
            undefined += el0_undefined((enum fw_conduit)how, from_user[i]);
    evidence("from EL0: %u of %u HVC/SMC calls undefined", undefined, tried);
    unsigned answered = 0, total = 0;
    for (unsigned i = 0; i < FW_UNKNOWN_COUNT; i++, total++)
        answered += fw_not_supported(FW_HVC0, fw_unknown[i]);
    evidence("%u of %u unknown function IDs over HVC #0 answered NOT_SUPPORTED", answered,
             (unsigned)FW_UNKNOWN_COUNT);
    bool smc_refused = true;
    static const uint32_t offered[] = {PSCI_VERSION, PSCI_FEATURES, SMCCC_VERSION};
    for (unsigned i = 0; i < 3; i++) {
        total++;
        answered += fw_not_supported(FW_HVC1, offered[i]);
        struct fw_call c = {.how = FW_SMC0, .fn = offered[i]};
        struct exc_info e;
        if (!exc_catch(fw_call_body, &c, &e)) {
            evidence("smc #0 fn 0x%x: answered 0x%llx", offered[i], (unsigned long long)c.x0);
            smc_refused = false;
        }
    }
    evidence("SMC (not the conduit): %s", smc_refused ? "undefined each time" : "ANSWERED");
    total++;
    answered += fw_not_supported(FW_HVC1, PSCI_SYSTEM_OFF);
    bool breach = answered != total || !smc_refused || undefined != tried;
    claim(breach, "EL0: %u of %u undefined; EL1: %u of %u answered NOT_SUPPORTED, SMC %s",
          undefined, tried, answered, total, smc_refused ? "undefined" : "ANSWERED");
}

/* FI-5: illegal exception returns. An ERET at EL1 to a mode EL1 can't return to (EL2, EL3, an
 * AArch32 mode, a reserved encoding) is an illegal return: the CPU stays at EL1, sets PSTATE.IL,
 * and the first instruction at the target raises an Illegal Execution State exception. */
#define EC_ILLEGAL_STATE 0x0eu

struct bad_return {
    uint64_t spsr, landed_el; /* landed_el: CurrentEL at the target, if it ran */
    bool landed;
};

static void bad_return_body(void *arg)
{
    struct bad_return *b = arg;
    uint64_t el;
    __asm__ volatile("adr x9, 1f\n"
                     "msr elr_el1, x9\n"
                     "msr spsr_el1, %1\n"
                     "eret\n"
                     "1: mrs %0, currentel\n"
                     : "=r"(el)
                     : "r"(b->spsr)
                     : "x9", "memory");
    b->landed = true;
    b->landed_el = (el >> 2) & 3;
}

ATTACK(fi5_illegal_eret, "FI-5")
{
    /* EL2h, EL2t, EL3h, AArch32 SVC, AArch32 HYP, reserved EL1 encoding 0b0110, EL1h with IL */
    static const uint64_t modes[] = {0x9, 0x8, 0xd, 0x13, 0x1a, 0x6, 0x5 | (1ull << 20)};
    unsigned illegal = 0, n = sizeof(modes) / sizeof(modes[0]);
    for (unsigned i = 0; i < n; i++) {
        struct bad_return b = {.spsr = modes[i] | PSR_DAIF};
        struct exc_info e;
        if (!exc_catch(bad_return_body, &b, &e)) {
            evidence("ERET with SPSR 0x%llx: RETURNED, at EL%llu", (unsigned long long)b.spsr,
                     (unsigned long long)b.landed_el);
        } else if (e.kind != EC_ILLEGAL_STATE) {
            evidence("ERET with SPSR 0x%llx: exception %s (syndrome 0x%llx)",
                     (unsigned long long)b.spsr, exc_kind_name(e.kind),
                     (unsigned long long)e.syndrome);
        } else {
            illegal++;
        }
    }
    uint64_t el = (read_sysreg(currentel) >> 2) & 3;
    evidence("%u of %u illegal returns raised the Illegal Execution State exception; at EL%llu",
             illegal, n, (unsigned long long)el);
    claim(illegal != n || el != 1, "%u of %u illegal returns stayed at EL1 as illegal state",
          illegal, n);
    if (arg1 != 1)
        return;
    /* Then one it can't recover from: the vectors moved to nothing, an illegal return to EL2. */
    evidence("an illegal return with no vectors: spinning in its own exceptions");
    write_sysreg(vbar_el1, 0x10000000ull);
    isb();
    struct bad_return last = {.spsr = 0x9 | PSR_DAIF};
    bad_return_body(&last);
    for (;;)
        ;
}
