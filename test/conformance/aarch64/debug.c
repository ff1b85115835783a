/* Self-hosted debug checks (Arm ARM D2 "AArch64 Self-hosted Debug"): the breakpoints and
 * watchpoints ID_AA64DFR0_EL1 advertises exist, and breakpoint, watchpoint and software-step
 * exceptions are taken at EL1 as gdb in a guest needs them. */
#include <guest/a64.h>
#include <guest/check.h>
#include <guest/exc.h>

#define MDSCR_SS (1u << 0)
#define MDSCR_KDE (1u << 13)
#define MDSCR_MDE (1u << 15)
/* DBGBCR: E, PMC = 0b11 (EL1 and EL0), BAS = 0b1111 (an A64 instruction). */
#define BCR_EXEC (1u | 3u << 1 | 0xfu << 5)
/* DBGWCR: E, PAC = 0b11, LSC = 0b10 (stores), BAS = 0xff (the eight bytes at the address). */
#define WCR_STORE8 (1u | 3u << 1 | 2u << 3 | 0xffu << 5)

extern void bp_target(void);
extern void step_probe(void);
extern char step_second[];
extern void step_mmio_probe(uint64_t addr);
extern char step_mmio_second[];
extern void step_idreg_probe(void);
extern char step_idreg_second[];

/* Arm ARM, "AArch64 Self-hosted Debug": debug exceptions are taken at EL1 from EL1 only with the OS
 * lock clear, MDSCR_EL1.KDE set (and MDE for breakpoints and watchpoints), and PSTATE.D clear. */
static void debug_on(uint64_t mdscr)
{
    write_sysreg(oslar_el1, 0);
    write_sysreg(mdscr_el1, mdscr);
    isb();
}

static void debug_off(void)
{
    __asm__ volatile("msr daifset, #8" ::: "memory");
    write_sysreg(dbgbcr0_el1, 0);
    write_sysreg(dbgwcr0_el1, 0);
    write_sysreg(mdscr_el1, 0);
    isb();
}

/* Arm ARM, DBGBVR<n>_EL1 and DBGWVR<n>_EL1: DBGBVR<n>_EL1 and DBGWVR<n>_EL1 are read/write for
 * every n the ID register counts (BRPs + 1, WRPs + 1). */
CHECK(dbg_registers, "DBG-A1")
{
    uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
    unsigned brps = (unsigned)(dfr0 >> 12 & 0xf) + 1, wrps = (unsigned)(dfr0 >> 20 & 0xf) + 1;
    uint64_t bv = (uint64_t)bp_target, wv = 0x40123450;
    write_sysreg(dbgbvr0_el1, bv);
    write_sysreg(dbgwvr0_el1, wv);
    isb();
    uint64_t rb = read_sysreg(dbgbvr0_el1), rw = read_sysreg(dbgwvr0_el1);
    write_sysreg(dbgbvr0_el1, 0);
    write_sysreg(dbgwvr0_el1, 0);
    report(rb == bv && rw == wv,
           "ID_AA64DFR0_EL1 0x%llx: %u BRPs, %u WRPs; DBGBVR0 0x%llx <- 0x%llx, "
           "DBGWVR0 0x%llx <- 0x%llx",
           (unsigned long long)dfr0, brps, wrps, (unsigned long long)rb, (unsigned long long)bv,
           (unsigned long long)rw, (unsigned long long)wv);
}

static void call_target(void *arg)
{
    __asm__ volatile("msr daifclr, #8" ::: "memory");
    bp_target();
}

/* Arm ARM, "Breakpoint exceptions": an address-match breakpoint on bp_target makes the next
 * instruction fetch from it a Breakpoint exception (EC 0x31) with ELR = bp_target. */
CHECK(dbg_breakpoint, "DBG-A2")
{
    struct exc_info e = {0};
    write_sysreg(dbgbvr0_el1, (uint64_t)bp_target);
    write_sysreg(dbgbcr0_el1, BCR_EXEC);
    debug_on(MDSCR_KDE | MDSCR_MDE);
    bool taken = exc_catch(call_target, 0, &e);
    debug_off();
    report(taken && e.kind == EC_BREAKPT_CUR && e.pc == (uint64_t)bp_target,
           "breakpoint at 0x%llx: %s (EC 0x%llx, ELR 0x%llx)", (unsigned long long)bp_target,
           taken ? "exception taken" : "no exception, the function ran", (unsigned long long)e.kind,
           (unsigned long long)e.pc);
}

static volatile uint64_t watched __attribute__((aligned(8)));

static void store_watched(void *arg)
{
    __asm__ volatile("msr daifclr, #8" ::: "memory");
    watched = 0x5a;
}

/* Arm ARM, "Watchpoint exceptions": a store to the eight bytes a watchpoint covers is a Watchpoint
 * exception (EC 0x35) with FAR = the address stored to. */
CHECK(dbg_watchpoint, "DBG-A3")
{
    struct exc_info e = {0};
    write_sysreg(dbgwvr0_el1, (uint64_t)&watched);
    write_sysreg(dbgwcr0_el1, WCR_STORE8);
    debug_on(MDSCR_KDE | MDSCR_MDE);
    bool taken = exc_catch(store_watched, 0, &e);
    debug_off();
    report(taken && e.kind == EC_WATCHPT_CUR && e.addr == (uint64_t)&watched,
           "watchpoint on 0x%llx: %s (EC 0x%llx, FAR 0x%llx)", (unsigned long long)&watched,
           taken ? "exception taken" : "no exception, the store completed",
           (unsigned long long)e.kind, (unsigned long long)e.addr);
}

static void run_step(void *arg)
{
    step_probe();
}

/* Arm ARM, "Software Step exceptions": with MDSCR_EL1.SS = 1, an ERET with SPSR.SS = 1 executes one
 * instruction, then takes a Software Step exception (EC 0x33) whose ELR is the next instruction. */
CHECK(dbg_single_step, "DBG-A4")
{
    struct exc_info e = {0};
    debug_on(MDSCR_KDE | MDSCR_SS);
    bool taken = exc_catch(run_step, 0, &e);
    debug_off();
    report(taken && e.kind == EC_SOFTSTP_CUR && e.pc == (uint64_t)step_second,
           "single step: %s (EC 0x%llx, ELR 0x%llx, expected 0x%llx)",
           taken ? "exception taken" : "no exception, the code ran on", (unsigned long long)e.kind,
           (unsigned long long)e.pc, (unsigned long long)step_second);
}

/* Arm ARM, OSLAR_EL1 and OSLSR_EL1: a write of OSLK to OSLAR_EL1 sets or clears the OS lock,
 * OSLSR_EL1.OSLK (bit 1) reads it back, and OSLSR_EL1.OSLM (bits 3 and 0) is 0b10: the OS lock
 * is implemented, as it must be from Armv8.0. */
CHECK(dbg_os_lock, "DBG-A5")
{
    write_sysreg(oslar_el1, 1);
    isb();
    uint64_t locked = read_sysreg(oslsr_el1);
    write_sysreg(oslar_el1, 0);
    isb();
    uint64_t unlocked = read_sysreg(oslsr_el1);
    unsigned oslm = (unsigned)((locked >> 3 & 1) << 1 | (locked & 1));
    report((locked & 2) && !(unlocked & 2) && oslm == 2,
           "OSLSR_EL1 0x%llx with OSLAR_EL1 <- 1, 0x%llx with OSLAR_EL1 <- 0 (OSLM %u, want 2)",
           (unsigned long long)locked, (unsigned long long)unlocked, oslm);
}

/* Arm ARM, "The effect of the OS Lock on debug exceptions": while the OS lock is locked,
 * breakpoint, watchpoint and software step exceptions are not generated. The same breakpoint
 * as DBG-A2, armed under the lock: the function runs. */
CHECK(dbg_os_lock_holds, "DBG-A6")
{
    struct exc_info e = {0};
    write_sysreg(dbgbvr0_el1, (uint64_t)bp_target);
    write_sysreg(dbgbcr0_el1, BCR_EXEC);
    write_sysreg(mdscr_el1, MDSCR_KDE | MDSCR_MDE);
    write_sysreg(oslar_el1, 1);
    isb();
    bool taken = exc_catch(call_target, 0, &e);
    write_sysreg(oslar_el1, 0);
    debug_off();
    report(!taken, "breakpoint at 0x%llx with the OS lock locked: %s (EC 0x%llx)",
           (unsigned long long)bp_target,
           taken ? "exception taken" : "no exception, the function ran",
           (unsigned long long)e.kind);
}

static void run_step_mmio(void *arg)
{
    step_mmio_probe(VIRT_UART + 0xfe0); /* PL011 UARTPeriphID0: a read without side effects */
}

static void run_step_idreg(void *arg)
{
    step_idreg_probe();
}

/* "Software Step exceptions": the stepped instruction completes, then the step exception is
 * taken with ELR = the next instruction, whatever the instruction was. A device load (which a
 * hypervisor emulates) and an ID register read (which it may trap) are instructions too. */
static void step_over(const char *what, void (*run)(void *), const char *second)
{
    struct exc_info e = {0};
    debug_on(MDSCR_KDE | MDSCR_SS);
    bool taken = exc_catch(run, 0, &e);
    debug_off();
    report(taken && e.kind == EC_SOFTSTP_CUR && e.pc == (uint64_t)second,
           "single step over %s: %s (EC 0x%llx, ELR 0x%llx, expected 0x%llx)", what,
           taken ? "exception taken" : "no exception, the code ran on", (unsigned long long)e.kind,
           (unsigned long long)e.pc, (unsigned long long)second);
}

CHECK(dbg_step_mmio, "DBG-A7")
{
    step_over("a PL011 register load", run_step_mmio, step_mmio_second);
}

CHECK(dbg_step_idreg, "DBG-A8")
{
    step_over("an ID_AA64DFR0_EL1 read", run_step_idreg, step_idreg_second);
}
