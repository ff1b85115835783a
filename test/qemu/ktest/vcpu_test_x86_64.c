/* In-QEMU tests of x86_64 guests (duet.test=vcpu): the test program is the VMM of tiny guests
 * (vcpu_guest_x86_64.S) that it puts in 64-bit mode through vcpu_write, and checks exits,
 * replies, injection, the vcpu timer, #UD for SVM instructions, memory and capability
 * isolation, scheduling and budgets of guests, and the ASID limit (one line per case,
 * report.h); duet.bench=exit measures the VMMCALL exit round trip. */
#include "bench.h"
#include "ktest.h"
#include "report.h"
#include "vcpu_test_x86_64.h"
#include <hv/abi/error.h>
#include <hv/abi/vcpu.h>
#include <hv/cycles.h>

#define PRIO_GUEST 100
#define EXIT_VMMCALL 0x81
#define EXIT_IOIO 0x7b
#define EXIT_CPUID 0x72
#define EXIT_NPF 0x400
#define EXIT_SHUTDOWN 0x7f
#define EXIT_INVALID 0xffffffffffffffffull
#define IOIO_IN 1u
#define IOIO_SZ8 (1u << 4)
#define NPF_FINAL_GPA (1ull << 32)

/* What the guest says in RAX at a VMMCALL (vcpu_guest_x86_64.S). */
enum {
    R_HELLO = 1,
    R_IN_VALUE = 3,
    R_MMIO_VALUE = 5,
    R_CPUID = 7,
    R_READY_FOR_IRQ = 9,
    R_AFTER_IRQ = 10,
    R_AFTER_TIMER = 12,
    R_BENCH = 13,
    R_BENCH_DONE = 14,
    R_PEEK = 0x20,
    R_UD = 0x106,
    R_DB = 0x107,
    R_IRQ = 0x240,
    R_TIMER = 0x241,
    R_UNEXPECTED = 0x1ff,
};
#define IRQ_VECTOR 0x40
#define TIMER_VECTOR 0x41

/* ---- the exits of one guest, as its VMM sees them ---- */

static struct vcpu_guest main_guest;
static struct hv_msg exit_msg;

/* Resumes the guest with a reply of n words (none: the first run) and waits for its next exit;
 * false if what arrived is not an exit of g. */
static bool next_exit(struct vcpu_guest *g, unsigned n, uint64_t w0, uint64_t w1, uint64_t w2,
                      uint64_t w3)
{
    struct hv_msg *m = &exit_msg;
    int r;
    if (n == 0 && !g->started) {
        g->started = true;
        r = hv_thread_resume(g->thread);
        if (!r)
            r = hv_recv(g->ep, m);
    } else {
        *m = (struct hv_msg){.info = hv_msginfo(0, n), .w = {w0, w1, w2, w3}};
        r = hv_reply_recv(g->ep, m);
    }
    return r == HV_OK && hv_msginfo_label(m->info) == HV_FAULT_VCPU && m->badge == g->badge;
}

static uint64_t code(void) { return exit_msg.w[HV_VCPU_W_CODE]; }
static uint64_t rax(void) { return exit_msg.w[HV_X86_W_RAX]; }

/* A VMMCALL saying what; the reply advances past it. */
static bool is_report(unsigned what)
{
    return code() == EXIT_VMMCALL && rax() == what;
}

static bool advance(struct vcpu_guest *g)
{
    return next_exit(g, 2, HV_VCPU_RESUME_ADVANCE, 0, 0, 0);
}

/* ---- VCPU-1..7: the step-by-step guest ---- */

static void test_long_mode(struct vcpu_guest *g)
{
    bool ok = next_exit(g, 0, 0, 0, 0, 0);
    uint64_t rbx = vcpu_reg(g, HV_X86_RBX), efer = vcpu_reg(g, HV_X86_EFER);
    ok &= is_report(R_HELLO) && rbx == 0x123456789abcdef0ull && (efer & 0x500) == 0x500;
    ok &= exit_msg.w[HV_X86_W_NEXT_RIP] == exit_msg.w[HV_VCPU_W_PC] + 3;
    test_check("VCPU-1", ok, "64-bit guest in a 2 MiB frame: VMMCALL exit, RBX=0x%lx, EFER=0x%lx",
               rbx, efer);
}

static void test_port_io(struct vcpu_guest *g)
{
    /* out %al, $0x80 with AL=0xab; then in $0x71, %al answered 0x5a. */
    bool out_ok = advance(g) && code() == EXIT_IOIO &&
                  exit_msg.w[HV_X86_W_EXITINFO1] == (0x80u << 16 | IOIO_SZ8) &&
                  (rax() & 0xff) == 0xab &&
                  exit_msg.w[HV_X86_W_NEXT_RIP] == exit_msg.w[HV_VCPU_W_PC] + 2;
    uint64_t info_out = exit_msg.w[HV_X86_W_EXITINFO1];
    bool in_ok = advance(g) && code() == EXIT_IOIO &&
                 exit_msg.w[HV_X86_W_EXITINFO1] == (0x71u << 16 | IOIO_SZ8 | IOIO_IN);
    in_ok &= next_exit(g, 4, HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE, 0, HV_X86_RAX, 0x5a);
    uint64_t got = vcpu_reg(g, HV_X86_RBX);
    in_ok &= is_report(R_IN_VALUE) && (got & 0xff) == 0x5a;
    test_check("VCPU-2", out_ok && in_ok,
               "OUT exit EXITINFO1=0x%lx; IN answered by the reply read 0x%lx", info_out,
               got & 0xff);
}

static void test_mmio(struct vcpu_guest *g)
{
    bool ok = advance(g) && code() == EXIT_NPF;
    uint64_t gpa = exit_msg.w[HV_VCPU_W_ADDR], info = exit_msg.w[HV_X86_W_EXITINFO1];
    ok &= gpa == 0x3fe00010 && (info & NPF_FINAL_GPA) && !(info & 1);
    /* mov (%rdi), %eax is two bytes: the VMM decoded it (no decode assists under QEMU). */
    ok &= next_exit(g, 4, HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE, 2, HV_X86_RAX,
                    0xfeedface) &&
          is_report(R_MMIO_VALUE) && vcpu_reg(g, HV_X86_RBX) == 0xfeedface;
    test_check("VCPU-3", ok, "read of unmapped GPA exits as NPF at 0x%lx (EXITINFO1 0x%lx), the "
               "reply's value reached the guest", gpa, info);
}

static void test_cpuid(struct vcpu_guest *g)
{
    bool ok = advance(g) && code() == EXIT_CPUID && rax() == 0 &&
              exit_msg.w[HV_X86_W_NEXT_RIP] == exit_msg.w[HV_VCPU_W_PC] + 2;
    struct hv_msg *m = &exit_msg;
    *m = (struct hv_msg){.info = hv_msginfo(0, 6),
                         .w = {HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_SET_B |
                                   HV_VCPU_RESUME_ADVANCE,
                               0, HV_X86_RAX, 0x1234, HV_X86_RBX, 0x5678}};
    ok &= hv_reply_recv(g->ep, m) == HV_OK && is_report(R_CPUID);
    uint64_t rcx = vcpu_reg(g, HV_X86_RCX), rbx = vcpu_reg(g, HV_X86_RBX);
    test_check("VCPU-4", ok && rcx == 0x1234 && rbx == 0x5678,
               "CPUID exit answered by the VMM: guest got RAX=0x%lx RBX=0x%lx", rcx, rbx);
}

static void test_no_nesting(struct vcpu_guest *g)
{
    /* VMRUN, then STGI: each a #UD the kernel injects, seen here only as the handler's report. */
    bool ok = advance(g) && is_report(R_UD);
    uint64_t rip1 = vcpu_reg(g, HV_X86_RBX);
    ok &= advance(g) && is_report(R_UD);
    uint64_t rip2 = vcpu_reg(g, HV_X86_RBX);
    test_check("VCPU-5", ok && rip2 == rip1 + 3,
               "VMRUN at 0x%lx and STGI at 0x%lx raised #UD in the guest, no exit to the VMM", rip1,
               rip2);
}

/* A single step: the kernel intercepts the #DB (so a #DB loop can't hang the CPU) and reflects
 * it; the guest's handler sees DR6.BS and the RIP after the stepped instruction. */
static void test_debug(struct vcpu_guest *g)
{
    uint64_t before = vcpu_reg(g, HV_X86_REFLECTED);
    bool ok = advance(g) && is_report(R_DB);
    uint64_t dr6 = vcpu_reg(g, HV_X86_RBX), rip = vcpu_reg(g, HV_X86_RCX);
    uint64_t want = vcpu_reg(g, HV_X86_R8), after = vcpu_reg(g, HV_X86_REFLECTED);
    ok &= (dr6 & (1u << 14)) && rip == want && after == before + 1;
    test_check("VCPU-15", ok, "single step: #DB reflected by the kernel (DR6 0x%lx, %lu reflected)",
               dr6, after - before);
}

/* The pending-interrupt bitmap word that holds vector v, and v's bit in it. */
#define PENDING_REG(v) (HV_X86_INTR_PENDING + (v) / 64)
#define PENDING_BIT(v) (1ull << ((v) % 64))

static void test_inject(struct vcpu_guest *g)
{
    bool ok = advance(g) && is_report(R_READY_FOR_IRQ);
    int bad = vcpu_inject(g->vcpu, 0x10, HV_X86_INJECT_INTR);
    ok &= vcpu_inject(g->vcpu, IRQ_VECTOR, HV_X86_INJECT_INTR) == HV_OK;
    /* VCPU-16: pending until the guest takes it, then no longer. */
    uint64_t before = vcpu_reg(g, PENDING_REG(IRQ_VECTOR)), other = 0;
    for (unsigned n = 0; n < 4; n++)
        if (HV_X86_INTR_PENDING + n != PENDING_REG(IRQ_VECTOR))
            other |= vcpu_reg(g, HV_X86_INTR_PENDING + n);
    /* The handler's report comes before the guest's next step. */
    ok &= advance(g) && is_report(R_IRQ);
    uint64_t during = vcpu_reg(g, PENDING_REG(IRQ_VECTOR));
    ok &= advance(g) && is_report(R_AFTER_IRQ);
    test_check("VCPU-6", ok && bad == HV_EINVAL,
               "vector 0x%lx injected reached the guest's IDT handler (vector 0x10 refused: %lu)",
               (uint64_t)IRQ_VECTOR, (uint64_t)bad);
    test_check("VCPU-16", ok && before == PENDING_BIT(IRQ_VECTOR) && other == 0 && during == 0,
               "HV_X86_INTR_PENDING: 0x%lx (word %u) injected, 0x%lx in the handler, other words "
               "0x%lx",
               before, (unsigned)(IRQ_VECTOR / 64), during, other);
}

static void test_timer(struct vcpu_guest *g)
{
    uint64_t hz = vcpu_reg(g, HV_X86_TSC_HZ), deadline = hv_cycles() + hz / 200; /* 5 ms */
    bool ok = hz > 0 && vcpu_write(g->vcpu, HV_X86_TIMER_VECTOR, TIMER_VECTOR) == HV_OK &&
              vcpu_write(g->vcpu, HV_X86_TIMER_DEADLINE, deadline) == HV_OK;
    /* The guest halts; only the timer can wake it. */
    ok &= advance(g) && is_report(R_TIMER);
    uint64_t ran = vcpu_reg(g, HV_X86_RBX), late_us = (ran - deadline) * 1000000 / (hz ? hz : 1);
    ok &= ran >= deadline && vcpu_reg(g, HV_X86_TIMER_DEADLINE) == 0;
    ok &= advance(g) && is_report(R_AFTER_TIMER);
    test_check("VCPU-7", ok && late_us < 20000,
               "HLT-ed guest woken by its timer vector, %lu us after the deadline (TSC %lu Hz)",
               late_us, hz);
}

/* Collects the guest's BENCH_BATCHES timings (per round trip); false on a surprise. The exit
 * in hand is the guest's first VMMCALL of the benchmark. */
static bool bench_batches(struct vcpu_guest *g, uint64_t per_op[BENCH_BATCHES])
{
    for (unsigned b = 0; b < BENCH_BATCHES; b++) {
        for (unsigned i = 0; i < BENCH_ROUNDS; i++)
            if (!is_report(R_BENCH) || !advance(g))
                return false;
        if (!is_report(R_BENCH_DONE) || (b + 1 < BENCH_BATCHES && !advance(g)))
            return false;
        per_op[b] = vcpu_reg(g, HV_X86_RBX) / BENCH_ROUNDS;
    }
    return true;
}

static void test_bench(struct vcpu_guest *g)
{
    uint64_t per_op[BENCH_BATCHES] = {0};
    bool ok = advance(g) && bench_batches(g, per_op);
    bench_sort(per_op);
    test_check("VCPU-8", ok && per_op[0] > 0,
               "11000 VMMCALL exits answered by the VMM, median %lu TSC ticks per round trip",
               per_op[BENCH_BATCHES / 2]);
}

bool vcpu_bench_run(void)
{
    const char *name = "vcpu-exit-round-trip";
    struct vcpu_guest g;
    uint64_t per_op[BENCH_BATCHES] = {0};
    int r = vcpu_guest_create(&g, 5, guest_x86_bench, PRIO_GUEST, 10, 10);
    bool ok = r == HV_OK && next_exit(&g, 0, 0, 0, 0, 0) && bench_batches(&g, per_op);
    if (ok)
        bench_print(name, per_op,
                    "TSC ticks = instructions under -icount shift=0; VMMCALL exit, VMM reply, "
                    "back in the guest");
    else
        bench_fail(name, "the exit benchmark's guest failed", r);
    vcpu_guest_stop(&g);
    return ok;
}

/* ---- VCPU-9: a guest can't reach another guest's memory ---- */

static void test_memory_isolation(void)
{
    struct vcpu_guest b;
    main_guest.ram[0x9008 / 8] = 0x5ec7e7;
    bool ok = vcpu_guest_create(&b, 1, guest_x86_peek, PRIO_GUEST, 10, 10) == HV_OK &&
              next_exit(&b, 0, 0, 0, 0, 0) && is_report(R_PEEK);
    uint64_t seen = vcpu_reg(&b, HV_X86_RBX);
    ok &= seen == 0 && advance(&b) && code() == EXIT_NPF;
    uint64_t gpa = exit_msg.w[HV_VCPU_W_ADDR];
    /* Then a triple fault: UD2 with an empty IDT. The VMM is told, nothing else happens. */
    b.ram[0x9100 / 8] = 0x0b0f; /* ud2 */
    ok &= vcpu_write(b.vcpu, HV_X86_IDTR_LIMIT, 0) == HV_OK;
    ok &= next_exit(&b, 4, HV_VCPU_RESUME_SET_A, 0, HV_X86_RIP, 0x9100) &&
          code() == EXIT_SHUTDOWN;
    test_check("VCPU-9", ok && gpa == 0x200000,
               "guest B saw 0x%lx where guest A keeps a secret, NPF at GPA 0x%lx past its RAM; its "
               "triple fault exited as SHUTDOWN", seen, gpa);

    /* VCPU-14: after a reset, the guest sets CR4.VMXE itself (a bit qemu64 lacks). Hardware
     * raises #GP; QEMU 7.2 exits with VMEXIT_INVALID instead. Either way the host goes on and
     * the VMM can make it the guest's #GP. */
    static const uint8_t set_vmxe[] = {0x0f, 0x20, 0xe0,             /* mov %cr4, %rax */
                                       0x48, 0x0f, 0xba, 0xe8, 0x0d, /* bts $13, %rax */
                                       0x0f, 0x22, 0xe0};            /* mov %rax, %cr4 */
    volatile uint8_t *at = (volatile uint8_t *)b.ram + 0x9200;
    for (unsigned i = 0; i < sizeof(set_vmxe); i++)
        at[i] = set_vmxe[i];
    ok = vcpu_guest_reset(&b, 0x9200) == HV_OK &&
         next_exit(&b, 4, HV_VCPU_RESUME_SET_A, 0, HV_X86_RIP, 0x9200);
    uint64_t first = code();
    ok &= first == EXIT_INVALID ? next_exit(&b, 2, HV_VCPU_RESUME_FAULT, 0, 0, 0) : true;
    ok &= is_report(R_UNEXPECTED) && vcpu_reg(&b, HV_X86_RBX) == 0; /* #GP(0) */
    test_check("VCPU-14", ok, "a guest setting CR4.VMXE: exit 0x%lx, then #GP(0) in the guest",
               first);
    vcpu_guest_stop(&b);
}

/* ---- VCPU-10, VCPU-11: guests share the CPU by priority and budget ---- */

#define CLOCK_PERIOD 20
#define WINDOW_PERIODS 10
static volatile uint64_t *count_a, *count_b;
static volatile uint64_t window_a, window_b, task_count;
static uint64_t clock_done;

/* As SCHED-2 (core_tests.c): at a higher priority with one tick per CLOCK_PERIOD, it sees the
 * counters move only when a period passed; it measures WINDOW_PERIODS of them. */
static void window_clock(void)
{
    uint64_t last = *count_a + *count_b, periods = 0, start_a = 0, start_b = 0;
    for (;;) {
        uint64_t now = *count_a + *count_b;
        if (now == last)
            continue;
        last = now;
        if (++periods == 2)
            start_a = *count_a, start_b = *count_b;
        if (periods == 2 + WINDOW_PERIODS) {
            window_a = *count_a - start_a, window_b = *count_b - start_b;
            hv_signal(clock_done);
            for (;;)
                hv_yield();
        }
    }
}

/* The same two instructions as guest_x86_spin, so counts compare. */
static void task_spin(void)
{
    __asm__ volatile("1: incq (%0); jmp 1b" ::"r"(&task_count) : "memory");
}

static uint64_t measure(volatile uint64_t *a, volatile uint64_t *b)
{
    count_a = a, count_b = b;
    clock_done = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t clock = root_spawn(window_clock, ROOT_CNODE, 0, 200, 1, CLOCK_PERIOD), bits;
    if (!clock_done || !clock || hv_wait(clock_done, &bits))
        return 0;
    hv_thread_suspend(clock);
    uint64_t total = window_a + window_b;
    return total ? window_a * 1000 / total : 0;
}

static void test_interleave(void)
{
    struct vcpu_guest c, d;
    bool ok = vcpu_guest_create(&c, 2, guest_x86_spin, 150, 10, 10) == HV_OK &&
              vcpu_guest_create(&d, 3, guest_x86_spin, 150, 10, 10) == HV_OK &&
              hv_thread_resume(c.thread) == HV_OK && hv_thread_resume(d.thread) == HV_OK;
    uint64_t permille = ok ? measure(&c.ram[GUEST_COUNTER / 8], &d.ram[GUEST_COUNTER / 8]) : 0;
    vcpu_guest_stop(&c);
    vcpu_guest_stop(&d);
    test_check("VCPU-10", ok && permille >= 350 && permille <= 650,
               "two spinning guests at one priority interleave: %lu/1000 and %lu/1000 of the CPU",
               permille, 1000 - permille);
}

static void test_budget(void)
{
    struct vcpu_guest e;
    bool ok = vcpu_guest_create(&e, 4, guest_x86_spin, 150, 2, 10) == HV_OK &&
              hv_thread_resume(e.thread) == HV_OK;
    uint64_t task = root_spawn(task_spin, ROOT_CNODE, 0, 150, 10, 10);
    uint64_t permille = ok && task ? measure(&e.ram[GUEST_COUNTER / 8], &task_count) : 0;
    hv_thread_suspend(task);
    vcpu_guest_stop(&e);
    test_check("VCPU-11", ok && task && permille >= 150 && permille <= 250,
               "a spinning guest with a 20%% budget got %lu/1000, the task beside it %lu/1000",
               permille, 1000 - permille);
}

/* ---- VCPU-12: capabilities ---- */

/* A task of its own cnode (slot 1: a notification to say it is done, nothing else) tries to read
 * the guest's pending interrupts through the root's vcpu slot number and through an empty slot
 * of its own. */
static uint64_t iso_vcpu_slot;
static volatile int64_t iso_named = HV_OK, iso_empty = HV_OK;

static void isolated_task(void)
{
    uint64_t v;
    iso_named = vcpu_read(iso_vcpu_slot, HV_X86_INTR_PENDING + 1, &v);
    iso_empty = vcpu_read(2, HV_X86_INTR_PENDING + 1, &v);
    hv_signal(1);
    for (;;)
        hv_yield();
}

/* True when the task found nothing it could read; *named, *empty its two results. */
static bool task_without_cap(struct vcpu_guest *g, int64_t *named, int64_t *empty)
{
    uint64_t cnode = root_new(HV_OBJ_CNODE, 4), done = root_new(HV_OBJ_NOTIFICATION, 0), bits;
    iso_vcpu_slot = g->vcpu;
    if (hv_cap_copy(done, cnode, 1, HV_RIGHT_WRITE, 0) != HV_OK)
        return false;
    uint64_t t = root_spawn(isolated_task, cnode, 0, PRIO_GUEST, 10, 10);
    if (!t)
        return false;
    hv_wait(done, &bits);
    hv_thread_suspend(t);
    *named = iso_named, *empty = iso_empty;
    return iso_named != HV_OK && iso_empty != HV_OK;
}

static void test_caps(void)
{
    struct vcpu_guest *g = &main_guest;
    uint64_t ro = root_slot(), wo = root_slot(), v;
    hv_cap_copy(g->vcpu, ROOT_CNODE, ro, HV_RIGHT_READ, 0);
    hv_cap_copy(g->vcpu, ROOT_CNODE, wo, HV_RIGHT_WRITE, 0);
    uint64_t rip = vcpu_reg(g, HV_X86_RIP);
    int w_ro = vcpu_write(ro, HV_X86_RIP, 0), i_ro = vcpu_inject(ro, 0x40, 0);
    int r_wo = vcpu_read(wo, HV_X86_RIP, &v), r_ro = vcpu_read(ro, HV_X86_RIP, &v);
    int type = vcpu_read(g->thread, HV_X86_RIP, &v);
    int bind_task_vs = vcpu_bind(root_new_anywhere(HV_OBJ_VCPU, 0), root_new(HV_OBJ_THREAD, 0),
                                 ROOT_VSPACE);
    int bind_bound = vcpu_bind(g->vcpu, g->thread, g->vspace);
    int bad_rip = vcpu_write(g->vcpu, HV_X86_RIP, 0x0000800000000000ull);
    int vmxe = vcpu_write(g->vcpu, HV_X86_CR4, vcpu_reg(g, HV_X86_CR4) | 1u << 13);
    int unknown = vcpu_write(g->vcpu, 200, 0);
    /* The pending-interrupt words: read with R only, never written, nothing without a cap. */
    uint64_t empty = root_slot();
    int pend_wo = vcpu_read(wo, HV_X86_INTR_PENDING, &v);
    int pend_ro = vcpu_read(ro, HV_X86_INTR_PENDING + 3, &v);
    int pend_none = vcpu_read(empty, HV_X86_INTR_PENDING, &v);
    int pend_write = vcpu_write(g->vcpu, HV_X86_INTR_PENDING + 1, 0);
    int pend_beyond = vcpu_read(g->vcpu, HV_X86_INTR_PENDING + 4, &v);
    int64_t task_named = HV_OK, task_empty = HV_OK;
    bool task_refused = task_without_cap(g, &task_named, &task_empty);
    uint64_t frame = root_new(HV_OBJ_FRAME, 12);
    int beyond = hv_map(frame, g->vspace, 1ull << 52, HV_MAP_READ);
    bool ok = w_ro == HV_EPERM && i_ro == HV_EPERM && r_wo == HV_EPERM && r_ro == HV_OK &&
              type == HV_ETYPE && bind_task_vs == HV_ETYPE && bind_bound == HV_EBUSY &&
              bad_rip == HV_EINVAL && vmxe == HV_EINVAL && unknown == HV_ERANGE &&
              beyond == HV_ERANGE && vcpu_reg(g, HV_X86_RIP) == rip;
    ok &= pend_wo == HV_EPERM && pend_ro == HV_OK && pend_none != HV_OK &&
          pend_write == HV_EINVAL && pend_beyond == HV_ERANGE && task_refused;
    test_check("VCPU-12", ok, "rights, types and values checked (write without W: %lu, CR4.VMXE: "
               "%lu; INTR_PENDING without R %lu, no cap %lu, written %lu; a task without the cap: "
               "%ld, %ld), the guest unchanged",
               (uint64_t)w_ro, (uint64_t)vmxe, (uint64_t)pend_wo, (uint64_t)pend_none,
               (uint64_t)pend_write, (long)task_named, (long)task_empty);
}

/* ---- VCPU-13: 15 ASIDs for guest address spaces, then HV_EBUSY ---- */

static void test_asids(void)
{
    uint64_t made[16];
    unsigned n = 0;
    int r = HV_OK;
    while (n < 16 && r == HV_OK) {
        uint64_t slot = root_slot();
        r = root_retype_at(HV_OBJ_GUEST_VSPACE, 15, slot);
        if (r == HV_OK)
            made[n++] = slot;
    }
    /* The ones alive besides these: main_guest's (the others were deleted). */
    bool ok = r == HV_EBUSY && n + 1 == 15 && hv_cap_delete(made[0]) == HV_OK &&
              root_retype_at(HV_OBJ_GUEST_VSPACE, 15, made[0]) == HV_OK;
    for (unsigned i = 0; i < n; i++)
        hv_cap_delete(made[i]);
    test_check("VCPU-13", ok, "%lu more guest vspaces besides one, then %lu (HV_EBUSY); a freed "
               "ASID is reused", (uint64_t)n, (uint64_t)r);
}

void vcpu_tests_run(const struct hv_bootinfo *info)
{
    struct vcpu_guest *g = &main_guest;
    int r = vcpu_guest_create(g, 0, guest_x86_main, PRIO_GUEST, 10, 10);
    if (r) {
        test_check("VCPU-0", false, "could not make a guest: %lu", (uint64_t)r);
    } else {
        test_long_mode(g);
        test_port_io(g);
        test_mmio(g);
        test_cpuid(g);
        test_no_nesting(g);
        test_debug(g);
        test_inject(g);
        test_timer(g);
        test_bench(g);
        test_memory_isolation();
        test_interleave();
        test_budget();
        test_caps();
        test_asids();
    }
}
