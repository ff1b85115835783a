/* The rogue VMM's attacks (docs/eval.md): what a VMM's authority lets it try against the
 * kernel, the root task, the console server and the other partition. Each that succeeds where
 * the kernel must refuse is counted as "got through" in the claim; arg1 = 1 is the control,
 * the same attack aimed at what the rogue was given on purpose (a cap with the right, a live
 * slot, its own RAM), which must get through: it shows the case can see a breach. */
#include <hv/abi/error.h>
#include <hv/proto/partition.h>
#include <hv/sys.h>

#include "rogue.h"

#define CNODE_SLOTS 64 /* libhv/root/loader.c PROGRAM_CNODE_BITS */
#define SLOT_SCRATCH 60
#define SLOT_SCRATCH2 61

/* One operation that must fail, and the errors it may fail with. */
static unsigned got_through;

static void expect(const char *what, int r)
{
    if (r == HV_OK) {
        got_through++;
        evidence("%s: GOT THROUGH", what);
    } else {
        evidence("%s: refused (error %d)", what, r);
    }
}

static int copy(uint64_t src, uint64_t dst, unsigned rights, uint64_t badge)
{
    return hv_cap_copy(src, HV_SLOT_SELF_CNODE, dst, rights, badge);
}

/* IF-10: IPC and cap operations on caps without the right they need. Each would return at
 * once if allowed, except the last: a receive on the console server's endpoint, which would
 * take the other partition's console calls (its heartbeat would stop). */
ROGUE_ATTACK(if10_rights, "IF-10")
{
    got_through = 0;
    expect("signal its console notification (read only)", hv_signal(HV_VMM_SLOT_EVENTS));
    expect("copy the console endpoint with the victim's badge (no grant)",
           copy(HV_VMM_SLOT_CONSOLE, SLOT_SCRATCH, HV_RIGHTS_ALL, 2));
    expect("copy the root's endpoint with another badge (no grant)",
           copy(HV_VMM_SLOT_ROOT, SLOT_SCRATCH, HV_RIGHTS_ALL, 2));
    expect("copy its own endpoint (read, no grant)", copy(HV_VMM_SLOT_EP, SLOT_SCRATCH,
                                                          HV_RIGHTS_ALL, 0));
    expect("configure its input thread above its own priority (255)",
           hv_thread_configure(HV_VMM_SLOT_INPUT_THREAD, HV_SLOT_SELF_CNODE, HV_VMM_SLOT_VSPACE,
                               0, 255, HV_SC_INHERIT, 0x1000, 0x2000));
    /* Device authority on every slot it has: the kernel's console, an I/O port, an interrupt
     * line (irq_get wants irq control), a device frame's bus address, mapping as a frame. */
    unsigned putc_ok = 0, ioport_ok = 0, irq_ok = 0, dma_ok = 0, map_ok = 0;
    for (uint64_t s = 0; s < CNODE_SLOTS; s++) {
        putc_ok += hv_debug_putc(s, '\n') == HV_OK;
        uint32_t v;
        ioport_ok += hv_ioport_in(s, 0x3f8, 1, &v) == HV_OK;
        irq_ok += hv_sys(HV_SYS_IRQ_GET, s, 33, HV_SLOT_SELF_CNODE, SLOT_SCRATCH, 0, 0) == HV_OK;
        uint64_t bus;
        dma_ok += hv_dma_map(s, s, &bus) == HV_OK;
        map_ok += hv_map(s, HV_VMM_SLOT_VSPACE, 0x50000000ull + s * 0x1000, HV_MAP_READ) == HV_OK;
    }
    evidence("of %u slots: debug_putc worked on %u, ioport_in on %u, irq_get on %u, dma_map on "
             "%u, map on %u", CNODE_SLOTS, putc_ok, ioport_ok, irq_ok, dma_ok, map_ok);
    got_through += putc_ok + ioport_ok + irq_ok + dma_ok + map_ok;
    if (arg1 == 1) /* the control: a cap it holds with grant */
        expect("control: copy its address-space cap (all rights)",
               copy(HV_VMM_SLOT_VSPACE, SLOT_SCRATCH, HV_RIGHTS_ALL, 0));
    claim(got_through != 0, "%u operations without the right got through", got_through);
    if (arg1 == 1)
        return;
    /* Last: blocks if allowed (and is then judged by the victim's heartbeat). */
    struct hv_msg m = {0};
    expect("receive on the console server's endpoint (write only)",
           hv_recv(HV_VMM_SLOT_CONSOLE, &m));
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static bool filled(uint64_t s)
{
    return s == HV_SLOT_SELF_CNODE || s == HV_SLOT_SELF_THREAD ||
           (s >= HV_VMM_SLOT_EP && s <= HV_VMM_SLOT_ROOT) || s == HV_VMM_SLOT_VCPU0 ||
           s == HV_VMM_SLOT_THREAD0;
}

/* IF-11: slots that hold nothing it may use: the storage server's (the manifest gives the
 * attacker no disk: a channel it does not list), slot 0, past the cnode, a slot whose cap it
 * deleted, one revoked and reused for another type, and 4,096 random ones. */
ROGUE_ATTACK(if11_slots, "IF-11")
{
    got_through = 0;
    struct hv_msg m = {.info = hv_msginfo(1, 0)};
    expect("call the storage server (no disk in the manifest)", hv_call(HV_VMM_SLOT_STORAGE, &m));
    expect("ring the storage server's doorbell", hv_signal(HV_VMM_SLOT_STORAGE_BELL));
    expect("signal slot 0 (the cnode's header)", hv_signal(0));
    expect("signal past the cnode", hv_signal(CNODE_SLOTS));
    expect("read a vcpu register through slot 2^40", hv_sys(HV_SYS_VCPU_READ, 1ull << 40, 0, 0,
                                                             0, 0, 0));
    /* Deleted: a copy made and deleted, then used. */
    int r = copy(HV_VMM_SLOT_VSPACE, SLOT_SCRATCH, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_cap_delete(SLOT_SCRATCH);
    evidence("copy and delete at slot %u: error %d", SLOT_SCRATCH, r);
    expect("map through the deleted slot", hv_map(SLOT_SCRATCH, HV_VMM_SLOT_VSPACE, 0x40000000,
                                                  HV_MAP_READ));
    /* Revoked: a copy under its address-space cap, revoked from there, then the slot reused
     * for the address space again and used as an endpoint. */
    r = copy(HV_VMM_SLOT_VSPACE, SLOT_SCRATCH2, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_cap_revoke(HV_VMM_SLOT_VSPACE);
    evidence("copy to slot %u and revoke its parent: error %d", SLOT_SCRATCH2, r);
    expect("signal through the revoked slot", hv_signal(SLOT_SCRATCH2));
    r = copy(HV_VMM_SLOT_VSPACE, SLOT_SCRATCH2, HV_RIGHTS_ALL, 0);
    evidence("slot %u reused for its address space: error %d", SLOT_SCRATCH2, r);
    expect("call the reused slot as an endpoint", hv_call(SLOT_SCRATCH2, &m));
    /* Its root endpoint deleted, then called. */
    hv_cap_delete(HV_VMM_SLOT_ROOT);
    expect("call the root through its deleted slot", hv_call(HV_VMM_SLOT_ROOT, &m));
    unsigned random_ok = 0;
    for (unsigned i = 0; i < 4096; i++) {
        uint64_t s = next_random() % (i < 2048 ? CNODE_SLOTS : 1ull << 32);
        if (filled(s) || s == SLOT_SCRATCH2)
            continue;
        uint64_t bits;
        random_ok += hv_signal(s) == HV_OK;
        random_ok += hv_poll(s, &bits) == HV_OK;
        random_ok += hv_sys(HV_SYS_VCPU_READ, s, 0, 0, 0, 0, 0) == HV_OK;
        random_ok += hv_sys(HV_SYS_SC_CONSUMED, s, 0, 0, 0, 0, 0) == HV_OK;
    }
    evidence("4,096 random slots: %u operations worked", random_ok);
    got_through += random_ok;
    if (arg1 == 1) /* the control: a slot that holds what the operation needs */
        expect("control: read a register of its own vcpu",
               hv_sys(HV_SYS_VCPU_READ, HV_VMM_SLOT_VCPU0, 0, 0, 0, 0, 0));
    claim(got_through != 0, "%u operations on empty, deleted, revoked or random slots got "
          "through", got_through);
}

/* IF-12: the console server's tags and focus, from its client's side: lines that start like
 * another writer's (in the guest-output call and the log call), the focus key sequence in
 * output, and a write call that says more bytes than it carries. */
ROGUE_ATTACK(if12_console, "IF-12")
{
    static const char *const forged[] = {
        "\r[victim] EVAL-FORGERY output that passes as the victim's\n",
        "\x1b[2K\r[duet] EVAL-FORGERY focus: victim\n",
        "\nroot: EVAL-FORGERY partition victim stopped\n",
    };
    for (unsigned i = 0; i < 3; i++) {
        const char *s = forged[i];
        unsigned n = 0;
        while (s[n])
            n++;
        rogue_write((const uint8_t *)s, n);
    }
    struct hv_msg m = {0};
    const char log[] = "victim: EVAL-FORGERY a log line for the victim's VMM";
    for (unsigned i = 0; i < sizeof(log) - 1 && i < HV_CONSOLE_WRITE_MAX; i++)
        m.w[i / 8] |= (uint64_t)(uint8_t)log[i] << (8 * (i % 8));
    unsigned n = sizeof(log) - 1 < HV_CONSOLE_WRITE_MAX ? sizeof(log) - 1 : HV_CONSOLE_WRITE_MAX;
    m.info = hv_msginfo(hv_console_log_label(n, true), (n + 7) / 8);
    evidence("log call: error %d", hv_call(HV_VMM_SLOT_CONSOLE, &m));
    static const uint8_t focus[] = {HV_CONSOLE_FOCUS_KEY, '2', HV_CONSOLE_FOCUS_KEY, 'n'};
    evidence("focus keys written as output: error %d", rogue_write(focus, sizeof(focus)));
    struct hv_msg big = {.info = hv_msginfo(hv_console_write_label(4000), 6)};
    int r = hv_call(HV_VMM_SLOT_CONSOLE, &big);
    evidence("a write of 4000 bytes in 48: error %d, label %llu", r,
             (unsigned long long)hv_msginfo_label(big.info));
    rogue_line("EVAL-LISTEN IF-12");
    /* The control's keys (typed by the harness) reach the server, not the rogue: wait a
     * little for them to act before the run ends. */
    for (volatile unsigned i = 0; i < 20000000; i++)
        ;
}

/* DS-20: memory through a VMM's mapping of its partition's RAM: the victim's canary (arg2 =
 * its nonce) anywhere in its window, then a read just past the window's end: a fault there
 * suspends the rogue (no fault handler), which is the safe outcome. arg1 = 1, the control:
 * the read is aimed at the window's last word instead, which it was given. */
ROGUE_ATTACK(ds20_memory, "DS-20")
{
    const struct hv_vmm_config *cfg = (const struct hv_vmm_config *)HV_VMM_CONFIG_VA;
    uint64_t size = cfg->part.ram_size, found = 0;
    const volatile uint64_t *ram = (const volatile uint64_t *)HV_VMM_RAM_VA;
    for (uint64_t i = 0; i + 1 < size / 8; i++)
        if (ram[i] == 0x5a17ca4a12345678ull && ram[i + 1] == arg2)
            found++;
    evidence("the victim's canary and nonce 0x%llx in its %llu MiB window: %llu times",
             (unsigned long long)arg2, (unsigned long long)(size >> 20),
             (unsigned long long)found);
    uint64_t at = HV_VMM_RAM_VA + (arg1 == 1 ? size - 8 : size);
    evidence("reading 0x%llx, %s", (unsigned long long)at,
             arg1 == 1 ? "its window's last word (control)" : "just past its window");
    uint64_t v = *(const volatile uint64_t *)at;
    evidence("read 0x%llx there", (unsigned long long)v);
    claim(true, "memory past its partition's RAM READ (%llu canaries found)",
          (unsigned long long)found);
}

/* AV-20: reset requests to the root task in a loop, for good: each one wipes and reloads its
 * partition's 16 MiB, work the root does on the attacker's budget. */
ROGUE_ATTACK(av20_reload_flood, "AV-20")
{
    for (unsigned n = 1, next = 1;; n++) {
        struct hv_msg m = {.info = hv_msginfo(HV_ROOT_RELOAD, 0)};
        int r = hv_call(HV_VMM_SLOT_ROOT, &m);
        if (n == next) {
            evidence("%u reloads asked for (last: error %d, label %llu); flooding on", n, r,
                     (unsigned long long)hv_msginfo_label(m.info));
            next *= 10;
        }
    }
}

static uint64_t spin_stack[512] __attribute__((aligned(16)));

static void spin(void)
{
    for (;;)
        __asm__ volatile("" ::: "memory");
}

/* AV-21: the kernel objects within its reach used up (its cnode filled with copies, its vcpu's
 * interrupt queue), then its input thread and itself spinning at its priority for good. */
ROGUE_ATTACK(av21_exhaust, "AV-21")
{
    unsigned copies = 0, injects = 0;
    for (uint64_t s = 0; s < CNODE_SLOTS; s++)
        copies += !filled(s) && copy(HV_VMM_SLOT_VSPACE, s, HV_RIGHTS_ALL, 0) == HV_OK;
    int r = HV_OK;
    while (injects < 100000 &&
           (r = hv_sys(HV_SYS_VCPU_INJECT, HV_VMM_SLOT_VCPU0, 32 + injects % 32, 0, 0, 0, 0)) ==
               HV_OK)
        injects++;
    evidence("%u copies filled its cnode; %u interrupts queued before error %d", copies, injects,
             r);
    const struct hv_vmm_config *cfg = (const struct hv_vmm_config *)HV_VMM_CONFIG_VA;
    r = hv_thread_configure(HV_VMM_SLOT_INPUT_THREAD, HV_SLOT_SELF_CNODE, HV_VMM_SLOT_VSPACE, 0,
                            cfg->prio, HV_SC_INHERIT, (uint64_t)(uintptr_t)spin,
                            (uint64_t)(uintptr_t)(spin_stack + 512));
    if (!r)
        r = hv_thread_resume(HV_VMM_SLOT_INPUT_THREAD);
    evidence("a second thread spinning at priority %u: error %d; spinning", cfg->prio, r);
    spin();
}

/* FI-20: a VMM that crashes: an undefined instruction in the rogue itself, with no fault handler
 * (a VMM has none). The kernel suspends it and records the fault; nothing else may stop. arg1 =
 * 1, the control: the same path without the crash, so the claim sees a VMM that ran on. */
ROGUE_ATTACK(fi20_crash, "FI-20")
{
    evidence("%s", arg1 == 1 ? "control: no crash" : "crashing: an undefined instruction");
    if (arg1 != 1) {
#if defined(__aarch64__)
        __asm__ volatile("udf #0" ::: "memory");
#else
        __asm__ volatile("ud2" ::: "memory");
#endif
    }
    claim(true, "the VMM RAN ON past its crash");
}

/* AV-22: revoke batches for good: its cnode filled with a chain of copies of its address-space
 * cap (each the child of the one before, the deepest tree its slots allow), then all of them
 * revoked in one call, and again; each batch also unmaps through every slot (none holds a
 * frame: the root maps its RAM). The kernel's work is the attacker's, on its budget. */
ROGUE_ATTACK(av22_revoke_batches, "AV-22")
{
    for (unsigned long batches = 1, next = 1;; batches++) {
        unsigned made = 0, unmapped = 0;
        uint64_t parent = HV_VMM_SLOT_VSPACE;
        for (uint64_t s = 0; s < CNODE_SLOTS; s++) {
            if (filled(s) || copy(parent, s, HV_RIGHTS_ALL, 0) != HV_OK)
                continue;
            made++;
            parent = s;
        }
        int r = hv_cap_revoke(HV_VMM_SLOT_VSPACE);
        for (uint64_t s = 0; s < CNODE_SLOTS; s++)
            unmapped += hv_unmap(s) == HV_OK;
        if (batches == next) {
            evidence("%lu revoke batches of %u copies (last: error %d, %u unmapped); revoking on",
                     batches, made, r, unmapped);
            next *= 10;
        }
    }
}

const struct rogue_attack rogue_attacks[] = {
    {"IF-10", if10_rights}, {"IF-11", if11_slots},   {"IF-12", if12_console},
    {"DS-20", ds20_memory}, {"AV-20", av20_reload_flood}, {"AV-21", av21_exhaust},
    {"DS-21", ds21_storage}, {"FI-20", fi20_crash}, {"AV-22", av22_revoke_batches},
};
const unsigned rogue_nattacks = sizeof(rogue_attacks) / sizeof(rogue_attacks[0]);
