/* In-QEMU tests of the kernel core at EL0 / ring 3 (duet.test=core): IPC with badges, rights,
 * faults, isolation of capability tables, priorities, budgets, syscall argument checks, the
 * program loader, teardown, I/O ports, device memory, interrupts, and the root-task kit's slots
 * given back. One line per case. */
#include "irq_source.h"
#include "ktest.h"
#include "report.h"
#include <hv/abi/error.h>

#define PRIO_WORKER 100
#define UNMAPPED_VA 0x30000000ull

/* Threads park here for good when their part is done. */
static uint64_t park_ntfn;

static _Noreturn void park(void)
{
    uint64_t bits;
    for (;;)
        hv_wait(park_ntfn, &bits);
}

/* ---- IPC-1: call/reply through badged copies of one endpoint ---- */
static uint64_t ipc_ep_a, ipc_ep_b, ipc_done_a, ipc_done_b;
static volatile uint64_t ipc_reply_a, ipc_reply_b, ipc_err_a, ipc_err_b;

static void ipc_client(uint64_t ep, uint64_t done, uint64_t word, volatile uint64_t *reply,
                       volatile uint64_t *err)
{
    struct hv_msg m = {.info = hv_msginfo(7, 1), .w = {word}};
    *err = (uint64_t)hv_call(ep, &m);
    *reply = m.w[0];
    hv_signal(done);
    park();
}

static void ipc_client_a(void) { ipc_client(ipc_ep_a, ipc_done_a, 1000, &ipc_reply_a, &ipc_err_a); }
static void ipc_client_b(void) { ipc_client(ipc_ep_b, ipc_done_b, 2000, &ipc_reply_b, &ipc_err_b); }

static void test_ipc_badges(void)
{
    uint64_t ep = root_new(HV_OBJ_ENDPOINT, 0);
    uint64_t done = root_new(HV_OBJ_NOTIFICATION, 0);
    ipc_ep_a = root_slot(), ipc_ep_b = root_slot(), ipc_done_a = root_slot(), ipc_done_b = root_slot();
    hv_cap_copy(ep, ROOT_CNODE, ipc_ep_a, HV_RIGHT_WRITE, 0xa1);
    hv_cap_copy(ep, ROOT_CNODE, ipc_ep_b, HV_RIGHT_WRITE, 0xb2);
    hv_cap_copy(done, ROOT_CNODE, ipc_done_a, HV_RIGHT_WRITE, 1);
    hv_cap_copy(done, ROOT_CNODE, ipc_done_b, HV_RIGHT_WRITE, 2);
    root_spawn(ipc_client_a, ROOT_CNODE, 0, PRIO_WORKER, 10, 10);
    root_spawn(ipc_client_b, ROOT_CNODE, 0, PRIO_WORKER, 10, 10);

    /* Serve two calls; each reply carries the word plus the badge it came with. */
    uint64_t seen = 0;
    int ok = 1;
    for (int i = 0; i < 2; i++) {
        struct hv_msg m = {0};
        ok &= hv_recv(ep, &m) == HV_OK && hv_msginfo_label(m.info) == 7;
        ok &= (m.badge == 0xa1 && m.w[0] == 1000) || (m.badge == 0xb2 && m.w[0] == 2000);
        seen |= m.badge;
        struct hv_msg r = {.info = hv_msginfo(0, 1), .w = {m.w[0] + m.badge}};
        ok &= hv_reply(&r) == HV_OK;
    }
    uint64_t bits = 0, all = 0;
    while (all != 3 && hv_wait(done, &bits) == HV_OK)
        all |= bits;
    ok &= seen == (0xa1 | 0xb2) && ipc_err_a == HV_OK && ipc_err_b == HV_OK;
    ok &= ipc_reply_a == 1000 + 0xa1 && ipc_reply_b == 2000 + 0xb2;
    test_check("IPC-1", ok, "two clients called through badges 0xa1/0xb2, replies 0x%lx/0x%lx",
               ipc_reply_a, ipc_reply_b);
}

/* ---- CAP-1: a call through a capability without the write right ---- */
static void test_call_needs_write(void)
{
    uint64_t ep = root_new(HV_OBJ_ENDPOINT, 0), ro = root_slot();
    int copied = hv_cap_copy(ep, ROOT_CNODE, ro, HV_RIGHT_READ, 0);
    struct hv_msg m = {.info = hv_msginfo(1, 0)};
    int err = hv_call(ro, &m);
    test_check("CAP-1", copied == HV_OK && err == HV_EPERM,
               "call through a read-only endpoint cap returned %d (HV_EPERM = %d)", err, HV_EPERM);
}

/* ---- VS-1: touching memory a task was not given faults to its handler ---- */
static void toucher(void)
{
    (void)*(volatile uint64_t *)UNMAPPED_VA;
    park();
}

static void test_fault_to_handler(void)
{
    uint64_t fault_ep = root_new(HV_OBJ_ENDPOINT, 0);
    uint64_t t = root_spawn(toucher, ROOT_CNODE, fault_ep, PRIO_WORKER, 10, 10);
    struct hv_msg m = {0};
    int err = hv_recv(fault_ep, &m);
    int ok = t && err == HV_OK && hv_msginfo_label(m.info) == HV_FAULT_PAGE && m.w[0] == UNMAPPED_VA;
    test_check("VS-1", ok, "handler got fault label %lu at address 0x%lx",
               hv_msginfo_label(m.info), m.w[0]);
    hv_thread_suspend(t);
}

/* ---- VS-2: a task cannot use a frame it holds no capability for ---- */
static uint64_t isolated_frame_slot;
static volatile int64_t isolated_err_named, isolated_err_own;

static void isolated_task(void)
{
    /* Its cnode has 16 slots: the root's frame slot number is out of its range, and its own
     * slot 5 (the root's vspace slot) is empty. */
    isolated_err_named = hv_map(isolated_frame_slot, 5, 0x20000000, HV_MAP_READ);
    isolated_err_own = hv_map(3, 5, 0x20000000, HV_MAP_READ);
    hv_signal(1); /* slot 1 of its own cnode: a copy of the root's done notification */
    for (;;)
        hv_yield();
}

static void test_no_cap_no_map(void)
{
    uint64_t cnode = root_new(HV_OBJ_CNODE, 4);
    uint64_t done = root_new(HV_OBJ_NOTIFICATION, 0);
    isolated_frame_slot = root_new(HV_OBJ_FRAME, 12);
    hv_cap_copy(done, cnode, 1, HV_RIGHT_WRITE, 1);
    uint64_t t = root_spawn(isolated_task, cnode, 0, PRIO_WORKER, 10, 10);
    uint64_t bits = 0;
    hv_wait(done, &bits);
    hv_thread_suspend(t);
    test_check("VS-2", isolated_err_named == HV_ERANGE && isolated_err_own == HV_ENOENT,
               "map of another task's frame: %ld (out of its table), of an empty slot: %ld",
               (uint64_t)isolated_err_named, (uint64_t)isolated_err_own);
}

/* ---- SCHED-1: a low-priority spinner never runs while a higher one is ready ---- */
static volatile uint64_t low_count, low_before, low_moved;
static uint64_t sched_go, sched_done;

/* Wakes the high-priority thread once it has itself been running for a while: from that
 * signal on it must not get the CPU until the high one blocks again. */
static void low_spinner(void)
{
    for (;;)
        if (++low_count == 100000)
            hv_signal(sched_go);
}

static void high_worker(void)
{
    uint64_t bits;
    hv_wait(sched_go, &bits);
    low_before = low_count;
    for (volatile uint64_t i = 0; i < 3000000; i++)
        if (low_count != low_before)
            low_moved++;
    hv_signal(sched_done);
    park();
}

static void test_priorities(void)
{
    sched_go = root_new(HV_OBJ_NOTIFICATION, 0);
    sched_done = root_new(HV_OBJ_NOTIFICATION, 0);
    root_spawn(high_worker, ROOT_CNODE, 0, 200, 10, 10);
    uint64_t low = root_spawn(low_spinner, ROOT_CNODE, 0, 10, 10, 10);
    uint64_t bits;
    hv_wait(sched_done, &bits);
    hv_thread_suspend(low);
    test_check("SCHED-1", low_before >= 100000 && low_moved == 0,
               "priority-10 spinner had counted %lu, then moved in %lu of 3000000 looks by the "
               "priority-200 thread", low_before, low_moved);
}

/* ---- SCHED-2: a spinner with a 20% budget gets 20% of the CPU ---- */
#define CLOCK_PERIOD 20
#define WINDOW_PERIODS 10
static volatile uint64_t count20, count100, window20, window100;
static uint64_t clock_done;

static void spin20(void)
{
    for (;;)
        count20++;
}

static void spin100(void)
{
    for (;;)
        count100++;
}

/* The measurement window's clock, at a higher priority with a budget of one tick per
 * CLOCK_PERIOD: while it runs nobody else does, so when the spinners' counters moved between
 * two of its looks, it was off the CPU: one of its periods passed. */
static void window_clock(void)
{
    uint64_t last = count20 + count100, periods = 0, start20 = 0, start100 = 0;
    for (;;) {
        uint64_t now = count20 + count100;
        if (now == last)
            continue;
        last = now;
        if (++periods == 2)
            start20 = count20, start100 = count100;
        if (periods == 2 + WINDOW_PERIODS) {
            window20 = count20 - start20, window100 = count100 - start100;
            hv_signal(clock_done);
            park();
        }
    }
}

static void test_budget(void)
{
    clock_done = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t a = root_spawn(spin20, ROOT_CNODE, 0, 150, 2, 10);
    uint64_t b = root_spawn(spin100, ROOT_CNODE, 0, 150, 10, 10);
    root_spawn(window_clock, ROOT_CNODE, 0, 200, 1, CLOCK_PERIOD);
    uint64_t bits;
    hv_wait(clock_done, &bits);
    hv_thread_suspend(a);
    hv_thread_suspend(b);
    uint64_t total = window20 + window100, permille = total ? window20 * 1000 / total : 0;
    test_check("SCHED-2", total && permille >= 150 && permille <= 250,
               "20%%-budget spinner got %lu/1000 of the spinners' CPU (neighbour %lu/1000)",
               permille, total ? 1000 - permille : 0);
}

/* ---- SYS-1..4: bad numbers and arguments are errors, never a crash ---- */
static void test_bad_syscalls(const struct hv_bootinfo *info)
{
    int r1 = hv_sys(HV_SYS_COUNT + 5, 0, 0, 0, 0, 0, 0), r2 = hv_sys(~0ull, 0, 0, 0, 0, 0, 0);
    test_check("SYS-1", r1 == HV_ENOSYS && r2 == HV_ENOSYS,
               "unknown syscall numbers returned %ld and %ld", (uint64_t)r1, (uint64_t)r2);

    uint64_t ep = root_new(HV_OBJ_ENDPOINT, 0);
    int empty = hv_signal(root_slot()), huge = hv_signal(1ull << 40);
    test_check("SYS-2", empty == HV_ENOENT && huge == HV_ERANGE,
               "signal on an empty slot returned %ld, on slot 2^40 %ld", (uint64_t)empty,
               (uint64_t)huge);
    int wrong = hv_signal(ep), null = hv_signal(0);
    /* Slot 0 is every cnode's own header: never a cap (docs/syscalls.md). */
    test_check("SYS-3", wrong == HV_ETYPE && null == HV_ERANGE,
               "signal on an endpoint cap returned %ld, on slot 0 %ld", (uint64_t)wrong,
               (uint64_t)null);

    uint64_t frame = root_new(HV_OBJ_FRAME, 12);
    int unaligned = hv_map(frame, ROOT_VSPACE, 0x20000001, HV_MAP_READ);
    int kernel = hv_map(frame, ROOT_VSPACE, 0xffff000000000000ull, HV_MAP_READ);
    int badtype = hv_retype(ROOT_CNODE, HV_OBJ_FRAME, 12, ROOT_CNODE, root_slot(), 1);
    /* Bad type and bad size on a real untyped (the last RAM one: the allocator's is busy). */
    uint64_t ut = 0;
    for (unsigned i = 0; i < info->untyped_count; i++)
        if (!(info->untyped[i].flags & HV_BOOTINFO_DEVICE))
            ut = info->untyped_first_slot + i;
    int badtype_arg = hv_retype(ut, 99, 0, ROOT_CNODE, root_slot(), 1);
    int badbits = hv_retype(ut, HV_OBJ_FRAME, 13, ROOT_CNODE, root_slot(), 1);
    int putc = hv_sys(HV_SYS_DEBUG_PUTC, ROOT_DEBUG_CONSOLE, 0x1ff, 0, 0, 0, 0);
    test_check("SYS-4", unaligned == HV_EALIGN && kernel == HV_ERANGE && badtype == HV_ETYPE &&
                            badtype_arg == HV_EINVAL && badbits == HV_EINVAL && putc == HV_EINVAL,
               "unaligned map %ld, map over the kernel %ld, retype of a cnode %ld, of type 99 "
               "%ld, of a 2^13 frame %ld, putc 0x1ff %ld",
               (int64_t)unaligned, (int64_t)kernel, (int64_t)badtype, (int64_t)badtype_arg,
               (int64_t)badbits, (int64_t)putc);
}

/* ---- LOAD-1: a program of the boot archive runs in its own address space ---- */
static void test_program_loader(void)
{
    struct root_program server;
    uint64_t ep = root_new(HV_OBJ_ENDPOINT, 0);
    int r = echo_server_start(ep, PRIO_WORKER);
    struct hv_msg m = {.info = hv_msginfo(5, 1), .w = {42}};
    int call = r ? r : hv_call(ep, &m);
    int missing = root_load_program("no-such-program", &server);
    test_check("LOAD-1", r == HV_OK && call == HV_OK && missing == HV_ENOENT,
               "bench_server loaded into its own address space answered a call (%ld); a missing "
               "program is %ld", (uint64_t)call, (uint64_t)missing);
}

/* ---- TEAR-1: a program is destroyed by revoking its memory, and rebuilt in the same memory
 * while the rest of the system runs ---- */
#define TEAR_UNTYPED_BITS 17 /* one program fits, two do not: the rebuild reuses the memory */

static int start_and_call(uint64_t sub, uint64_t *ep_out)
{
    struct root_program p;
    uint64_t previous = root_use_untyped(sub);
    /* The address space first: it is the one object with a large alignment. */
    int r = root_load_program("bench_server", &p);
    uint64_t ep = r ? 0 : root_new(HV_OBJ_ENDPOINT, 0);
    root_use_untyped(previous);
    if (!r && !ep)
        r = HV_ENOMEM;
    if (!r)
        r = hv_cap_copy(ep, p.cnode, BENCH_SERVER_EP_SLOT, HV_RIGHT_READ, 0);
    if (!r)
        r = root_start_program(&p, PRIO_WORKER, HV_SC_INHERIT);
    struct hv_msg m = {.info = hv_msginfo(1, 0)};
    *ep_out = ep;
    return r ? r : hv_call(ep, &m);
}

static void test_teardown(void)
{
    uint64_t sub = root_new(HV_OBJ_UNTYPED, TEAR_UNTYPED_BITS), ep1 = 0, ep2 = 0;
    int first = sub ? start_and_call(sub, &ep1) : HV_ENOMEM;
    int revoked = hv_cap_revoke(sub);
    struct hv_msg m = {.info = hv_msginfo(1, 0)};
    int gone = hv_call(ep1, &m);
    int second = start_and_call(sub, &ep2);
    test_check(
        "TEAR-1", first == HV_OK && revoked == HV_OK && gone == HV_ENOENT && second == HV_OK,
        "program rebuilt in its revoked 128 KiB (call after revoke: %ld, after rebuild: %ld)",
        (uint64_t)gone, (uint64_t)second);
}

/* ---- IO-1: port I/O only through a cap, and never to the kernel's own ports ---- */
static void test_ioports(void)
{
    uint32_t v = 0;
    int cmos = hv_ioport_in(ROOT_IOPORT, 0x71, 1, &v); /* the root's all-ports cap */
    int pit = hv_ioport_out(ROOT_IOPORT, 0x43, 1, 0);  /* the kernel's 8254 mode register */
    int exit = hv_ioport_out(ROOT_IOPORT, 0xf4, 1, 0); /* isa-debug-exit */
    int nocap = hv_ioport_in(ROOT_CNODE, 0x71, 1, &v);
    if (cmos == HV_ENOSYS) {
        test_skip("IO-1", "this arch has no I/O ports");
        return;
    }
    test_check("IO-1", cmos == HV_OK && pit == HV_EPERM && exit == HV_EPERM && nocap == HV_ETYPE,
               "CMOS port read %ld; the PIT and the debug-exit port refused: %ld", (uint64_t)cmos,
               (uint64_t)pit);
}

/* ---- DEV-1: device memory only ever becomes frames (or smaller device untyped), never
 * kernel objects: every kernel object type is refused from each device untyped ---- */
static void test_device_untyped(const struct hv_bootinfo *info)
{
    static const struct {
        unsigned type, bits;
    } kernel_objects[] = {
        {HV_OBJ_CNODE, 4},        {HV_OBJ_THREAD, 0},         {HV_OBJ_ENDPOINT, 0},
        {HV_OBJ_NOTIFICATION, 0}, {HV_OBJ_VSPACE, 16},        {HV_OBJ_VCPU, 0},
        {HV_OBJ_GUEST_VSPACE, 16}, {HV_OBJ_SCHED_CONTEXT, 0},
    };
    unsigned devices = 0, refused = 0, tried = 0;
    int first_bad = HV_OK;
    uint64_t slot = root_slot();
    for (unsigned i = 0; i < info->untyped_count; i++) {
        if (!(info->untyped[i].flags & HV_BOOTINFO_DEVICE))
            continue;
        devices++;
        for (unsigned k = 0; k < sizeof(kernel_objects) / sizeof(kernel_objects[0]); k++) {
            if (kernel_objects[k].bits > info->untyped[i].size_bits)
                continue;
            int r = hv_retype(info->untyped_first_slot + i, kernel_objects[k].type,
                              kernel_objects[k].bits, ROOT_CNODE, slot, 1);
            tried++;
            if (r == HV_ETYPE)
                refused++;
            else if (first_bad == HV_OK)
                first_bad = r ? r : -1;
        }
    }
    root_slot_free(slot);
    if (!devices) {
        test_skip("DEV-1", "this platform hands the root task no device memory");
        return;
    }
    test_check("DEV-1", tried > 0 && refused == tried,
               "%u kernel objects of %u device untyped refused of %u tried (first other "
               "answer %d)", refused, devices, tried, first_bad);
}

/* ---- IRQ-1: a device interrupt reaches a user handler as a notification ---- */
static void test_irq_to_notification(const struct hv_bootinfo *info)
{
    unsigned irq;
    int r = irq_source_prepare(info, &irq);
    if (r == HV_ENOSYS) {
        test_skip("IRQ-1", "no device on this platform can be made to interrupt yet");
        return;
    }
    uint64_t ntfn = root_new(HV_OBJ_NOTIFICATION, 0), badged = root_slot();
    uint64_t handler = root_slot(), stolen = root_slot();
    int reserved = hv_sys(HV_SYS_IRQ_GET, ROOT_IRQ_CONTROL, irq_kernel_line, ROOT_CNODE, stolen,
                          0, 0);
    if (!r)
        r = hv_cap_copy(ntfn, ROOT_CNODE, badged, HV_RIGHT_WRITE, 0x40);
    if (!r)
        r = hv_sys(HV_SYS_IRQ_GET, ROOT_IRQ_CONTROL, irq, ROOT_CNODE, handler, 0, 0);
    if (!r)
        r = hv_sys(HV_SYS_IRQ_BIND, handler, badged, 0, 0, 0, 0);
    uint64_t bits = 0;
    if (!r) {
        irq_source_fire();
        r = hv_wait(ntfn, &bits);
    }
    bool raised = irq_source_raised();
    irq_source_clear();
    int acked = hv_sys(HV_SYS_IRQ_ACK, handler, 0, 0, 0, 0, 0);
    test_check("IRQ-1", r == HV_OK && bits == 0x40 && raised && acked == HV_OK && reserved != HV_OK,
               "line woke the handler with bits 0x%lx (a line the kernel keeps refused: %ld)", bits,
               (uint64_t)reserved);
}

/* ---- KIT-1: a slot given back to the root-task kit is handed out again, empty ---- */
#define KIT_CYCLES 3000 /* more than the root cnode's 2048 slots */
#define KIT_FIXED_SLOT 60 /* below the kit's first slot: the kernel's, never the kit's */

static void test_slot_reuse(void)
{
    uint64_t ntfn = root_new(HV_OBJ_NOTIFICATION, 0), first = ntfn;
    unsigned cycles = 0;
    for (; ntfn == first && cycles < KIT_CYCLES; cycles++) {
        root_slot_free(ntfn); /* deletes the notification on the way back */
        ntfn = root_new(HV_OBJ_NOTIFICATION, 0);
    }
    root_slot_free(ntfn);
    root_slot_free(ntfn); /* twice: handed out once all the same */
    root_slot_free(KIT_FIXED_SLOT);
    uint64_t a = root_slot(), b = root_slot();
    int empty = hv_signal(a);
    test_check("KIT-1",
               first && cycles == KIT_CYCLES && a == first && b != first && b != KIT_FIXED_SLOT &&
                   empty == HV_ENOENT,
               "%u make/give-back cycles used slot %lu only (then %lu, %lu; signal on it: %d)",
               cycles, first, a, b, empty);
}

void core_tests_run(const struct hv_bootinfo *info)
{
    park_ntfn = root_new(HV_OBJ_NOTIFICATION, 0);
    test_ipc_badges();
    test_call_needs_write();
    test_fault_to_handler();
    test_no_cap_no_map();
    test_priorities();
    test_budget();
    test_bad_syscalls(info);
    test_program_loader();
    test_teardown();
    test_ioports();
    test_device_untyped(info);
    test_irq_to_notification(info);
    test_slot_reuse();
}
