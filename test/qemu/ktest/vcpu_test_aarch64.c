/* In-QEMU tests of AArch64 guests (duet.test=vcpu): the test program is the VMM of a tiny EL1
 * guest (vcpu_guest_aarch64.S) and checks exits and replies, injected faults and interrupts,
 * the virtual timer handled by the kernel alone, memory isolation between guest spaces,
 * scheduling and budgets of guests, and capability isolation; duet.bench=exit measures the HVC
 * exit round trip. One line per case (report.h). */
#include "bench.h"
#include "ktest.h"
#include "report.h"
#include "vcpu_test_aarch64.h"
#include "vcpu_guests_aarch64.h"
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>
#include <hv/cycles.h>

#define PRIO_GUEST 100
#define FSC_SYNC_EXTERNAL 0x10
#define TICK_COUNTS 625000 /* one kernel tick (100 Hz) of the 62.5 MHz counter */

extern const char vguest_start[], vguest_end[], vguest_hello[], vguest_mmio[], vguest_fault[],
    vguest_irq[], vguest_timer[], vguest_peek[], vguest_loop[], vguest_spin[], vguest_bench[],

    vguest_vectors[], vguest_dbg_arm[], vguest_dbg_hit[], vguest_dbg_probe[], vguest_dbg_again[];

/* ---- the vcpu calls ---- */

static int vcpu_write(uint64_t vcpu, unsigned reg, uint64_t val)
{
    return hv_sys(HV_SYS_VCPU_WRITE, vcpu, reg, val, 0, 0, 0);
}

static int vcpu_read(uint64_t vcpu, unsigned reg, uint64_t *val)
{
    struct hv_regs regs = {{vcpu, reg}};
    hv_syscall(HV_SYS_VCPU_READ, &regs);
    *val = regs.r[1];
    return (int)regs.r[0];
}

/* ---- guests ---- */


uint64_t exit_ep; /* every guest's fault endpoint, through a copy badged with its id */
static uint64_t ram_va = 0x60000000;

static uint64_t ipa_of(const char *label)
{
    return G_RAM_IPA + (uint64_t)(label - vguest_start);
}

/* A guest: 2 MiB of RAM holding the test code at G_RAM_IPA, a vcpu bound to a thread whose
 * exits come to exit_ep with badge id. */
static int guest_make(struct guest *g, uint64_t id, unsigned prio, uint32_t budget,
                      uint32_t period, uint64_t marker)
{
    uint64_t badged = root_slot(), guest_copy = root_slot(), sc = 0;
    g->gvs = root_new(HV_OBJ_GUEST_VSPACE, 16);
    g->frame = root_new(HV_OBJ_FRAME, 21);
    g->vcpu = root_new(HV_OBJ_VCPU, 0);
    g->thread = root_new(HV_OBJ_THREAD, 0);
    if (!g->gvs || !g->frame || !g->vcpu || !g->thread)
        return HV_ENOMEM;
    g->ram = (uint8_t *)ram_va;
    ram_va += G_RAM_SIZE;
    int r = hv_map(g->frame, ROOT_VSPACE, (uint64_t)g->ram, HV_MAP_READ | HV_MAP_WRITE);
    if (!r)
        r = hv_cap_copy(g->frame, ROOT_CNODE, guest_copy, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_map(guest_copy, g->gvs, G_RAM_IPA, HV_MAP_READ | HV_MAP_WRITE | HV_MAP_EXEC);
    if (!r)
        r = hv_cap_copy(exit_ep, ROOT_CNODE, badged, HV_RIGHT_WRITE, id);
    if (!r)
        r = root_new_sc(budget, period, &sc);
    if (!r)
        r = hv_thread_configure(g->thread, ROOT_CNODE, ROOT_VSPACE, badged, prio, sc, 0, 0);
    if (!r)
        r = hv_sys(HV_SYS_VCPU_BIND, g->vcpu, g->thread, g->gvs, 0, 0, 0);
    if (r)
        return r;
    /* The guest's instruction fetches see these stores: QEMU models no caches (real
     * hardware would need a clean to the point of coherency first). */
    for (const char *p = vguest_start; p < vguest_end; p++)
        g->ram[p - vguest_start] = (uint8_t)*p;
    *(volatile uint64_t *)(g->ram + G_MARKER_OFF) = marker;
    return vcpu_write(g->vcpu, HV_A64_VBAR_EL1, ipa_of(vguest_vectors));
}

/* Starts phase (an entry point of the guest) and returns its first exit. */
int guest_run(struct guest *g, const char *phase, struct hv_msg *m)
{
    hv_thread_suspend(g->thread); /* whatever it was doing, and any exit we did not answer */
    int r = vcpu_write(g->vcpu, HV_A64_PC, ipa_of(phase));
    if (!r)
        r = hv_thread_resume(g->thread);
    if (!r)
        r = hv_recv(exit_ep, m);
    return r;
}

/* Replies to the last exit with up to 6 words and returns the next exit. */
int guest_reply(struct hv_msg *m, unsigned len, uint64_t w0, uint64_t w1, uint64_t w2,
                       uint64_t w3)
{
    m->info = hv_msginfo(0, len);
    m->w[0] = w0, m->w[1] = w1, m->w[2] = w2, m->w[3] = w3, m->w[4] = m->w[5] = 0;
    return hv_reply_recv(exit_ep, m);
}

int is_hvc(const struct hv_msg *m, uint64_t code)
{
    return hv_msginfo_label(m->info) == HV_FAULT_VCPU && ESR_EC(m->w[HV_VCPU_W_CODE]) == EC_HVC &&
           m->w[HV_A64_W_X0] == code;
}


struct guest ga, gb;

/* ---- VCPU-1: EL1, MMU off, code in a 2 MiB frame; HVC's exit and reply ---- */
static void test_hello(void)
{
    struct hv_msg m = {0};
    int r = guest_run(&ga, vguest_hello, &m);
    int first = r == HV_OK && is_hvc(&m, G_HELLO) && m.w[HV_A64_W_X1] == (1u << 2) &&
                m.w[HV_A64_W_X2] == ipa_of(vguest_hello) &&
                m.w[HV_VCPU_W_PC] == ipa_of(vguest_hello) + 12 && m.badge == 1;
    test_check("VCPU-1", first, "guest at CurrentEL=0x%lx ran from IPA 0x%lx and made an HVC exit",
               m.w[HV_A64_W_X1], m.w[HV_A64_W_X2]);
    r = guest_reply(&m, 4, HV_VCPU_RESUME_SET_A | ADVANCE, 0, HV_A64_X0, 0x1234);
    test_check("VCPU-2", r == HV_OK && is_hvc(&m, G_HELLO_BACK) && m.w[HV_A64_W_X1] == 0x1234,
               "the reply's SET_A x0 and ADVANCE: the guest went on with x0=0x%lx (sent 0x%lx)",
               m.w[HV_A64_W_X1], 0x1234ul);
}

/* ---- VCPU-3: MMIO store and load at an unmapped IPA ---- */
static void test_mmio(void)
{
    struct hv_msg m = {0};
    int r = guest_run(&ga, vguest_mmio, &m);
    uint64_t esr = m.w[HV_VCPU_W_CODE];
    int store = r == HV_OK && ESR_EC(esr) == EC_DABT_LOW && (esr & ESR_ISV) && (esr & ESR_WNR) &&
                ESR_SRT(esr) == 13 && m.w[HV_VCPU_W_ADDR] == G_MMIO_IPA &&
                m.w[HV_A64_W_VALUE] == 0xdeadbeef;
    test_check("VCPU-3", store, "store exit: IPA 0x%lx value 0x%lx", m.w[HV_VCPU_W_ADDR],
               m.w[HV_A64_W_VALUE]);
    r = guest_reply(&m, 2, ADVANCE, 0, 0, 0);
    esr = m.w[HV_VCPU_W_CODE];
    int load = r == HV_OK && ESR_EC(esr) == EC_DABT_LOW && (esr & ESR_ISV) && !(esr & ESR_WNR) &&
               ESR_SRT(esr) == 14 && m.w[HV_VCPU_W_ADDR] == G_MMIO_IPA + 8;
    r = guest_reply(&m, 4, HV_VCPU_RESUME_SET_A | ADVANCE, 0, ESR_SRT(esr), 0xcafe);
    test_check("VCPU-4",
               load && r == HV_OK && is_hvc(&m, G_MMIO_DONE) && m.w[HV_A64_W_X1] == 0xcafe,
               "load exit at IPA 0x%lx, the reply gave the load 0x%lx", G_MMIO_IPA + 8ul,
               m.w[HV_A64_W_X1]);
}

/* ---- VCPU-5: a FAULT reply becomes a synchronous external abort at the guest's VBAR ---- */
static void test_fault(void)
{
    struct hv_msg m = {0};
    int r = guest_run(&ga, vguest_fault, &m);
    int exit_ok = r == HV_OK && m.w[HV_VCPU_W_ADDR] == G_FAULT_IPA;
    r = guest_reply(&m, 1, HV_VCPU_RESUME_FAULT, 0, 0, 0);
    uint64_t esr = m.w[HV_A64_W_X1];
    int taken = r == HV_OK && is_hvc(&m, G_SYNC) && ESR_EC(esr) == EC_DABT_CUR &&
                (esr & 0x3f) == FSC_SYNC_EXTERNAL && m.w[HV_A64_W_X2] == G_FAULT_IPA;
    r = guest_reply(&m, 2, ADVANCE, 0, 0, 0);
    test_check("VCPU-5", exit_ok && taken && r == HV_OK && is_hvc(&m, G_FAULT_DONE),
               "guest's vector got ESR_EL1=0x%lx FAR_EL1=0x%lx and returned", esr,
               m.w[HV_A64_W_X2]);
}

/* ---- VCPU-6: vcpu_inject of an SPI reaches the guest's IRQ vector ---- */
static void test_inject(void)
{
    struct hv_msg m = {0};
    int r = guest_run(&ga, vguest_irq, &m);
    int ready = r == HV_OK && is_hvc(&m, G_IRQ_READY);
    int inj = hv_sys(HV_SYS_VCPU_INJECT, ga.vcpu, G_SPI, HV_A64_INJECT_PRIO(0x80), 0, 0, 0);
    r = guest_reply(&m, 2, ADVANCE, 0, 0, 0);
    uint64_t intid = m.w[HV_A64_W_X1];
    int got = r == HV_OK && is_hvc(&m, G_IRQ) && intid == G_SPI;
    r = guest_reply(&m, 2, ADVANCE, 0, 0, 0);
    test_check("VCPU-6", ready && inj == HV_OK && got && r == HV_OK && is_hvc(&m, G_IRQ_DONE),
               "injected INTID %lu, the guest acknowledged INTID %lu through ICC_IAR1_EL1",
               (uint64_t)G_SPI, intid);
}

/* ---- VCPU-7: the virtual timer wakes a guest in WFI, with no exit to the VMM ---- */
static void test_timer(void)
{
    struct hv_msg m = {0};
    int r = guest_run(&ga, vguest_timer, &m);
    uint64_t late = m.w[HV_A64_W_X1];
    /* The first exit the VMM sees is the report: WFI and the interrupt were the kernel's.
     * Woken at its deadline, not at the next tick: well under a tick late. */
    test_check("VCPU-7", r == HV_OK && is_hvc(&m, G_TIMER_DONE) && late < TICK_COUNTS / 10,
               "timer interrupt in WFI came %lu counter ticks late (a kernel tick is %lu)", late,
               (uint64_t)TICK_COUNTS);
}

/* ---- VCPU-8: two guest spaces, same IPA, different memory; outside RAM is an exit ---- */
static void test_isolation(void)
{
    struct hv_msg m = {0};
    uint64_t seen[2] = {0}, outside[2] = {0};
    struct guest *gs[2] = {&ga, &gb};
    int ok = 1;
    for (unsigned i = 0; i < 2; i++) {
        int r = guest_run(gs[i], vguest_peek, &m);
        ok &= r == HV_OK && is_hvc(&m, G_PEEK) && m.badge == i + 1;
        seen[i] = m.w[HV_A64_W_X1];
        r = guest_reply(&m, 2, ADVANCE, 0, 0, 0);
        ok &= r == HV_OK && ESR_EC(m.w[HV_VCPU_W_CODE]) == EC_DABT_LOW;
        outside[i] = m.w[HV_VCPU_W_ADDR];
        /* The VMM says no: the guest gets an external abort (and reports it). */
        r = guest_reply(&m, 1, HV_VCPU_RESUME_FAULT, 0, 0, 0);
        ok &= r == HV_OK && is_hvc(&m, G_SYNC);
    }
    ok &= seen[0] == 0xaaaa && seen[1] == 0xbbbb;
    ok &= outside[0] == G_RAM_IPA + G_RAM_SIZE && outside[1] == G_RAM_IPA + G_RAM_SIZE;
    test_check("VCPU-8", ok, "at the same IPA guest A read 0x%lx, guest B 0x%lx; past RAM: exits",
               seen[0], seen[1]);
}

/* ---- VCPU-9: two guests interleave on the CPU without seeing each other's memory ---- */
static void test_interleave(void)
{
    const uint64_t iterations = 6000000; /* ~30 ms each: several ticks, so they share */
    struct guest *gs[2] = {&ga, &gb};
    uint64_t mism[2] = {1, 1}, start[2] = {0}, end[2] = {0};
    int ok = 1;
    for (unsigned i = 0; i < 2; i++) {
        hv_thread_suspend(gs[i]->thread);
        ok &= vcpu_write(gs[i]->vcpu, HV_A64_PC, ipa_of(vguest_loop)) == HV_OK;
        ok &= vcpu_write(gs[i]->vcpu, 2, 0x5150 + i) == HV_OK;
        ok &= vcpu_write(gs[i]->vcpu, 3, iterations) == HV_OK;
    }
    for (unsigned i = 0; i < 2; i++)
        ok &= hv_thread_resume(gs[i]->thread) == HV_OK;
    for (unsigned n = 0; n < 2; n++) {
        struct hv_msg m = {0};
        ok &= hv_recv(exit_ep, &m) == HV_OK && is_hvc(&m, G_LOOP_DONE) && m.badge >= 1 &&
              m.badge <= 2;
        unsigned i = (unsigned)(m.badge - 1) & 1;
        mism[i] = m.w[HV_A64_W_X1];
        start[i] = m.w[HV_A64_W_X2];
        /* x3 (the end) is not in an HVC exit's words: read it from the stopped vcpu. */
        ok &= vcpu_read(gs[i]->vcpu, 3, &end[i]) == HV_OK;
    }
    /* On one CPU, overlapping [start, end] runs mean the CPU went back and forth. */
    int overlap = start[0] < end[1] && start[1] < end[0];
    test_check("VCPU-9", ok && overlap && mism[0] == 0 && mism[1] == 0,
               "two guests interleaved over one scratch IPA with %lu and %lu mismatches", mism[0],
               mism[1]);
}

/* ---- VCPU-10: a spinning guest is held to its budget; a task at its priority still runs ---- */
static void test_budget(void)
{
    struct guest gs;
    int r = guest_make(&gs, 3, HV_PRIO_MAX, 2, 10, 0);
    if (!r)
        r = vcpu_write(gs.vcpu, HV_A64_PC, ipa_of(vguest_spin));
    if (!r)
        r = hv_thread_resume(gs.thread);
    /* The root runs at the guest's priority: time it did not get is a gap in its counter
     * reads. Over 3 periods (30 ticks) the guest should have about 2/10 of the CPU. */
    uint64_t freq, t0, prev, gaps = 0;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t0));
    prev = t0;
    uint64_t span = 30 * (freq / 100);
    for (;;) {
        uint64_t now;
        __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(now));
        if (now - prev > freq / 10000) /* 100 us: someone else ran */
            gaps += now - prev;
        prev = now;
        if (now - t0 >= span)
            break;
    }
    hv_thread_suspend(gs.thread);
    uint64_t pct = gaps * 100 / span;
    test_check("VCPU-10", r == HV_OK && pct >= 10 && pct <= 30,
               "spinning guest with budget 2/10 took %lu%% of the CPU beside a task at its "
               "priority (%lu%% allowed)",
               pct, 20ul);
}

/* ---- the EL1 physical timer and the timers' PPIs (VCPU-12..14) ---- */
extern const char vguest_ptimer_set[], vguest_ptimer_peek[], vguest_ptimer[], vguest_masked[];

/* ---- VCPU-12: each vcpu has its own EL1 physical timer: B never sees A's CNTP state ---- */
static uint64_t ptimer_a_cval;

static void test_ptimer_isolation(void)
{
    struct hv_msg m = {0};
    int r = guest_run(&ga, vguest_ptimer_set, &m);
    int set = r == HV_OK && is_hvc(&m, G_PTIMER_SET) && (m.w[HV_A64_W_X1] & 3) == 1;
    uint64_t a_ctl = m.w[HV_A64_W_X1], a_cval = m.w[HV_A64_W_X2], k_ctl = 0, k_cval = 0;
    ptimer_a_cval = a_cval;
    /* A stays parked at its exit; the kernel holds its timer, enabled, with its deadline. */
    set &= vcpu_read(ga.vcpu, HV_A64_CNTP_CTL, &k_ctl) == HV_OK && k_ctl == 1;
    set &= vcpu_read(ga.vcpu, HV_A64_CNTP_CVAL, &k_cval) == HV_OK && k_cval == a_cval;
    r = guest_run(&gb, vguest_ptimer_peek, &m);
    uint64_t b_ctl = m.w[HV_A64_W_X1], b_cval = m.w[HV_A64_W_X2], kb_cval = 1;
    int clean = r == HV_OK && is_hvc(&m, G_PTIMER_PEEK) && b_ctl == 0 && b_cval == 0 &&
                vcpu_read(gb.vcpu, HV_A64_CNTP_CVAL, &kb_cval) == HV_OK && kb_cval == 0;
    test_check("VCPU-12", set && clean,
               "guest A set CNTP_CTL 0x%lx CVAL 0x%lx (kernel: 0x%lx); guest B then read CTL 0x%lx "
               "CVAL 0x%lx",
               a_ctl, a_cval, k_cval, b_ctl, b_cval);
}

/* ---- VCPU-13: the physical timer wakes a guest in WFI at its own deadline, not at the
 * earlier one of another vcpu's, which keeps its own ---- */
static void test_ptimer(void)
{
    struct hv_msg m = {0};
    int r = guest_run(&gb, vguest_ptimer, &m);
    int64_t late = (int64_t)m.w[HV_A64_W_X1];
    uint64_t b_cval = 0, a_cval = 0;
    int ok = r == HV_OK && is_hvc(&m, G_PTIMER_DONE) && late >= 0 && late < TICK_COUNTS / 10;
    ok &= vcpu_read(gb.vcpu, HV_A64_CNTP_CVAL, &b_cval) == HV_OK && ptimer_a_cval < b_cval;
    /* A, run again, finds its own deadline, passed now: ENABLE | ISTATUS. */
    r = guest_run(&ga, vguest_ptimer_peek, &m);
    ok &= r == HV_OK && is_hvc(&m, G_PTIMER_PEEK) && m.w[HV_A64_W_X1] == 5 &&
          m.w[HV_A64_W_X2] == ptimer_a_cval;
    a_cval = m.w[HV_A64_W_X2];
    test_check("VCPU-13", ok,
               "B's physical timer (CVAL 0x%lx) came %ld ticks late in WFI, past A's armed CVAL "
               "0x%lx; A then read CTL 0x%lx CVAL 0x%lx",
               b_cval, late, ptimer_a_cval, m.w[HV_A64_W_X1], a_cval);
}

/* ---- VCPU-14: a timer PPI the VMM's GIC masks (HV_A64_TIMER_MASK) is held back while its
 * level shows (HV_A64_TIMER_LEVEL); unmasked, it is delivered ---- */
static void test_timer_mask(void)
{
    struct hv_msg m = {0};
    uint64_t level = 0;
    int ok = vcpu_write(gb.vcpu, HV_A64_TIMER_MASK, 1ull << G_TIMER_PPI) == HV_OK;
    ok &= vcpu_write(gb.vcpu, HV_A64_TIMER_MASK, 1ull << 26) == HV_EINVAL; /* not a timer's */
    int r = guest_run(&gb, vguest_masked, &m);
    uint64_t taken = m.w[HV_A64_W_X1], ctl = m.w[HV_A64_W_X2];
    ok &= r == HV_OK && is_hvc(&m, G_MASKED) && taken == 0 && ctl == 5; /* ENABLE|ISTATUS */
    ok &= vcpu_read(gb.vcpu, HV_A64_TIMER_LEVEL, &level) == HV_OK &&
          level == 1ull << G_TIMER_PPI;
    ok &= vcpu_write(gb.vcpu, HV_A64_TIMER_MASK, 0) == HV_OK;
    r = guest_reply(&m, 2, ADVANCE, 0, 0, 0);
    uint64_t late = m.w[HV_A64_W_X1];
    /* Held from its deadline until the guest's report, a full G_TIMER_DELTA later. */
    ok &= r == HV_OK && is_hvc(&m, G_TIMER_DONE) && late >= G_TIMER_DELTA;
    test_check("VCPU-14", ok,
               "masked virtual timer: %lu interrupts while it spun, CNTV_CTL 0x%lx, level 0x%lx; "
               "unmasked: came %lu ticks after its deadline",
               taken, ctl, level, late);
}

/* ---- VCPU-11: without the vcpu cap, or with a read-only one, nothing but reads ---- */
static uint64_t iso_vcpu_slot;
static volatile int64_t iso_named, iso_ro_read, iso_ro_write, iso_ro_inject, iso_ro_bind;

static void isolated_task(void)
{
    uint64_t v;
    /* Slot 2 of its cnode: a read-only copy of the vcpu. The root's slot number is out of its
     * 16-slot table. */
    iso_named = hv_sys(HV_SYS_VCPU_WRITE, iso_vcpu_slot, HV_A64_PC, 0, 0, 0, 0);
    iso_ro_read = vcpu_read(2, HV_A64_PC, &v);
    iso_ro_write = vcpu_write(2, HV_A64_PC, 0);
    iso_ro_inject = hv_sys(HV_SYS_VCPU_INJECT, 2, G_SPI, 0, 0, 0, 0);
    iso_ro_bind = hv_sys(HV_SYS_VCPU_BIND, 2, 0, 0, 0, 0, 0);
    hv_signal(1);
    for (;;)
        hv_yield();
}

static void test_cap_isolation(void)
{
    uint64_t cnode = root_new(HV_OBJ_CNODE, 4), done = root_new(HV_OBJ_NOTIFICATION, 0);
    iso_vcpu_slot = ga.vcpu;
    int ok = hv_cap_copy(done, cnode, 1, HV_RIGHT_WRITE, 0) == HV_OK &&
             hv_cap_copy(ga.vcpu, cnode, 2, HV_RIGHT_READ, 0) == HV_OK;
    uint64_t t = root_spawn(isolated_task, cnode, 0, PRIO_GUEST, 10, 10), bits;
    hv_wait(done, &bits);
    hv_thread_suspend(t);
    ok &= iso_named == HV_ERANGE && iso_ro_read == HV_OK && iso_ro_write == HV_EPERM &&
          iso_ro_inject == HV_EPERM && iso_ro_bind == HV_EPERM;
    test_check("VCPU-11", ok,
               "a task without the cap: %ld; with a read-only copy write/inject/bind: "
               "%ld (reads work)",
               (uint64_t)iso_named, (uint64_t)iso_ro_write);
}

/* ---- VDBG-1, VDBG-2: a guest's breakpoints and watchpoints are its own ---- */
#define PROBE_DONE 0x77 /* the probe task's message label: it ran unhindered */

static volatile uint64_t dbg_watched;
static uint64_t dbg_probe_ep;

__attribute__((noinline)) static void dbg_host_target(void)
{
    __asm__ volatile("nop");
}

/* Runs the code and touches the data the guest set its breakpoint and watchpoint on. */
static void dbg_host_task(void)
{
    dbg_host_target();
    dbg_watched = dbg_watched + 1;
    struct hv_msg m = {0};
    m.info = hv_msginfo(PROBE_DONE, 1);
    m.w[0] = dbg_watched;
    hv_send(dbg_probe_ep, &m);
    for (;;)
        hv_yield();
}

static void test_debug(void)
{
    struct hv_msg m = {0}, probe = {0};
    uint64_t host_bp = (uint64_t)dbg_host_target, host_wp = (uint64_t)&dbg_watched;
    /* Read before A arms anything: from here only the probe task touches the data, so a
     * watchpoint leaking to the host stops that task (a fault message), not the test. */
    uint64_t before = dbg_watched;
    /* A arms a breakpoint and a watchpoint on the host task's addresses, at every EL. */
    hv_thread_suspend(ga.thread);
    int ok = vcpu_write(ga.vcpu, 1, host_bp) == HV_OK && vcpu_write(ga.vcpu, 2, host_wp) == HV_OK;
    int r = guest_run(&ga, vguest_dbg_arm, &m);
    uint64_t own_esr = m.w[HV_A64_W_X1], own_elr = 0;
    vcpu_read(ga.vcpu, 3, &own_elr); /* the vector's x3: ELR_EL1, not among the exit words */
    bool own = r == HV_OK && is_hvc(&m, G_SYNC) && ESR_EC(own_esr) == EC_BREAKPT_CUR &&
               own_elr == ipa_of(vguest_dbg_hit);
    r = guest_reply(&m, 2, ADVANCE, 0, 0, 0);
    ok &= r == HV_OK && is_hvc(&m, G_DBG_ARMED);
    /* While A waits in that exit, a host task runs the code and touches the data. A fault
     * (a breakpoint or watchpoint exception at EL2) comes to the same endpoint. */
    dbg_probe_ep = root_new(HV_OBJ_ENDPOINT, 0);
    uint64_t t = dbg_probe_ep ? root_spawn(dbg_host_task, ROOT_CNODE, dbg_probe_ep, PRIO_GUEST,
                                           10, 10)
                              : 0;
    int pr = t ? hv_recv(dbg_probe_ep, &probe) : HV_ENOMEM;
    if (t)
        hv_thread_suspend(t);
    bool host_ok = pr == HV_OK && hv_msginfo_label(probe.info) == PROBE_DONE &&
                   probe.w[0] == before + 1;
    test_check("VDBG-1", ok && own && host_ok,
               "guest A took its own breakpoint (EC 0x%lx at 0x%lx); a host task ran over its "
               "breakpoint 0x%lx and watchpoint 0x%lx: recv %ld, label 0x%lx (0x77: unaffected)",
               ESR_EC(own_esr), own_elr, host_bp, host_wp, (int64_t)pr,
               hv_msginfo_label(probe.info));

    /* B runs over A's breakpoint at the same IPA with its own debug exceptions on: its state
     * is its own (MDSCR 0, DBGBVR1 0), nothing fires. Then A again: still armed, values kept. */
    r = guest_run(&gb, vguest_dbg_probe, &m);
    bool b_ok = r == HV_OK && is_hvc(&m, G_DBG_PROBE) && m.w[HV_A64_W_X1] == 1 &&
                m.w[HV_A64_W_X2] == 0;
    uint64_t b_code = ESR_EC(m.w[HV_VCPU_W_CODE]) == EC_HVC ? m.w[HV_A64_W_X0] : 0;
    uint64_t b_bvr1 = m.w[HV_A64_W_X2];
    uint64_t b_mdscr = 0;
    vcpu_read(gb.vcpu, 3, &b_mdscr);
    b_ok &= b_mdscr == 0;
    r = guest_run(&ga, vguest_dbg_again, &m);
    bool again = r == HV_OK && is_hvc(&m, G_SYNC) && ESR_EC(m.w[HV_A64_W_X1]) == EC_BREAKPT_CUR;
    r = guest_reply(&m, 2, ADVANCE, 0, 0, 0);
    uint64_t bvr0 = 0, wvr0 = 0, mdscr = 0;
    vcpu_read(ga.vcpu, 1, &bvr0);
    vcpu_read(ga.vcpu, 2, &wvr0);
    vcpu_read(ga.vcpu, 3, &mdscr);
    again &= r == HV_OK && is_hvc(&m, G_DBG_DONE) && bvr0 == host_bp && wvr0 == host_wp &&
             mdscr == 0xa000;
    test_check("VDBG-2", b_ok && again,
               "guest B (code %lu) read MDSCR 0x%lx, DBGBVR1 0x%lx and ran over A's breakpoint; "
               "A's still fired, DBGBVR0 0x%lx DBGWVR0 0x%lx MDSCR 0x%lx kept",
               b_code, b_mdscr, b_bvr1, bvr0, wvr0, mdscr);
}

/* ---- BENCH: HVC -> VMM -> reply -> guest round trip ---- */
static bool bench_exit(void)
{
    const char *name = "vcpu_hvc_exit_roundtrip";
    uint64_t per[BENCH_BATCHES];
    struct hv_msg m = {0};
    int r = guest_run(&ga, vguest_bench, &m);
    for (unsigned b = 0; b < BENCH_BATCHES && r == HV_OK; b++) {
        uint64_t t0 = hv_cycles();
        for (unsigned i = 0; i < BENCH_ROUNDS && r == HV_OK; i++) {
            m.info = hv_msginfo(0, 2);
            m.w[0] = ADVANCE, m.w[1] = 0;
            r = hv_reply_recv(exit_ep, &m);
        }
        per[b] = (hv_cycles() - t0) / BENCH_ROUNDS;
    }
    if (r) {
        bench_fail(name, "an exit round trip failed", r);
        return false;
    }
    bench_print(name, per, "instructions");
    return true;
}

/* The two guests every test uses, A and B. */
static int setup(void)
{
    exit_ep = root_new(HV_OBJ_ENDPOINT, 0);
    int r = exit_ep ? guest_make(&ga, 1, PRIO_GUEST, 10, 10, 0xaaaa) : HV_ENOMEM;
    if (!r)
        r = guest_make(&gb, 2, PRIO_GUEST, 10, 10, 0xbbbb);
    return r;
}

void vcpu_tests_run(const struct hv_bootinfo *info)
{
    (void)info;
    int r = setup();
    if (r) {
        test_check("VCPU-0", false, "could not build the test guests (error %d)", r);
        return;
    }
    test_hello();
    test_mmio();
    vcpu_doorbell_test();
    test_fault();
    test_inject();
    test_timer();
    test_isolation();
    test_ptimer_isolation();
    test_ptimer();
    test_timer_mask();
    test_interleave();
    test_budget();
    test_cap_isolation();
    test_debug();
    hv_thread_suspend(ga.thread);
    hv_thread_suspend(gb.thread);
}

bool vcpu_bench_run(void)
{
    int r = setup();
    if (r) {
        bench_fail("vcpu_hvc_exit_roundtrip", "could not build the guests", r);
        return false;
    }
    bool ok = bench_exit() && vcpu_doorbell_bench();
    hv_thread_suspend(ga.thread);
    return ok;
}
