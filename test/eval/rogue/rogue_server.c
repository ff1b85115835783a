/* A rogue storage server (docs/eval.md): started by the root task in place of the storage
 * server in the evaluation's test image eval-rogue-server (as the archive's storage.eval), with
 * every cap and page the storage server gets (hv/proto/device.h, hv/proto/storage.h). It serves
 * no disk: at its start it sends the kernel and the root task calls beyond its caps (LP-30) and
 * the console forged lines (IF-30); then it answers its clients' VMMs with bogus replies, fills
 * their shared pages with garbage and floods their event notifications (FI-30). Built with
 * ROGUE_SERVER_GRANTED (rogue-server-granted, image eval-rogue-server-granted) it is the
 * control: LP-30's calls aimed at what it holds, and its VMMs' first calls never answered.
 * It reports through its log cap, whose lines the console server prints as the root task's:
 * untagged (IF-30 is about exactly that). */
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/proto/block.h>
#include <hv/proto/device.h>
#include <hv/proto/partition.h>
#include <hv/proto/storage.h>
#include <hv/proto/vdev.h>
#include <hv/sys.h>

#define CONFIG ((const struct hv_storage_config *)HV_DEVICE_CONFIG_VA)
#define CNODE_SLOTS 64      /* libhv/root/loader.c PROGRAM_CNODE_BITS */
#define SLOT_SCRATCH 60     /* an empty slot of its cnode for its copies */
#define EVENT_FLOOD 100000u /* signals into each client VMM's event notification */
#define READY_FLOOD 10000u  /* signals into the root task's ready notification */
#define OWN_FREE_VA 0x7f800000ull

#ifdef ROGUE_SERVER_GRANTED
static const bool granted = true;
#else
static const bool granted = false;
#endif

static unsigned refused, accepted;

/* One call that must be refused (in the control: one that it holds the right for). */
static void expect(const char *what, int r)
{
    if (r == HV_OK) {
        accepted++;
        hv_printf("EVAL-EVIDENCE LP-30 %s: GOT THROUGH\n", what);
    } else {
        refused++;
    }
}

static int map_device_frame_at(uint64_t va)
{
    int r = hv_cap_copy(HV_DEVICE_SLOT_DEVICE, HV_SLOT_SELF_CNODE, SLOT_SCRATCH, HV_RIGHTS_ALL,
                        0);
    if (!r)
        r = hv_map(SLOT_SCRATCH, HV_DEVICE_SLOT_VSPACE, va, HV_MAP_READ | HV_MAP_WRITE);
    hv_cap_delete(SLOT_SCRATCH);
    return r;
}

/* LP-30: calls beyond its caps on the kernel, then the root task's one notification flooded;
 * last, a receive on its log endpoint (write only), which would take the partitions' console
 * calls if allowed (and blocks: the partitions then never start). */
static void lp30_kernel_and_root(void)
{
    hv_printf("EVAL-ATTACK LP-30 start%s\n", granted ? " (control: what it holds)" : "");
    if (granted) {
        expect("control: its register frame mapped in its own half",
               map_device_frame_at(OWN_FREE_VA));
        expect("control: its address-space cap copied (all rights)",
               hv_cap_copy(HV_DEVICE_SLOT_VSPACE, HV_SLOT_SELF_CNODE, SLOT_SCRATCH,
                           HV_RIGHTS_ALL, 0));
        hv_cap_delete(SLOT_SCRATCH);
    } else {
        expect("its register frame mapped over the kernel's half",
               map_device_frame_at(0xffff800000000000ull));
        expect("its register frame mapped at a non-canonical address",
               map_device_frame_at(0x0000800000000000ull));
        expect("its register frame mapped at 0", map_device_frame_at(0));
        expect("the root's ready notification copied (no grant)",
               hv_cap_copy(HV_DEVICE_SLOT_READY, HV_SLOT_SELF_CNODE, SLOT_SCRATCH,
                           HV_RIGHTS_ALL, 0));
        hv_cap_delete(SLOT_SCRATCH);
        uint64_t bits;
        expect("the root's ready notification polled (write only)",
               hv_poll(HV_DEVICE_SLOT_READY, &bits));
        expect("its event thread configured above its own priority",
               hv_thread_configure(HV_DEVICE_SLOT_EVENT_THREAD, HV_SLOT_SELF_CNODE,
                                   HV_DEVICE_SLOT_VSPACE, 0, CONFIG->prio + 10, HV_SC_INHERIT,
                                   0x1000, 0x2000));
        unsigned sc = 0, irq = 0, putc = 0, sys = 0;
        for (uint64_t s = 0; s < CNODE_SLOTS; s++) {
            sc += hv_sc_configure(s, HV_DEVICE_SLOT_EVENT_THREAD, 1000, 1000) == HV_OK;
            irq += hv_sys(HV_SYS_IRQ_GET, s, 40, HV_SLOT_SELF_CNODE, SLOT_SCRATCH, 0, 0) == HV_OK;
            hv_cap_delete(SLOT_SCRATCH);
            putc += hv_debug_putc(s, '!') == HV_OK;
        }
        for (uint64_t n = HV_SYS_COUNT; n < HV_SYS_COUNT + 32; n++)
            sys += hv_sys(n, HV_DEVICE_SLOT_READY, ~0ull, 0, 0, 0, 0) == HV_OK;
        sys += hv_sys(~0ull, 0, 0, 0, 0, 0, 0) == HV_OK;
        hv_printf("EVAL-EVIDENCE LP-30 of %u slots: sc_configure worked on %u, irq_get on %u, "
                  "debug_putc on %u; %u of 33 unknown system calls did something\n",
                  CNODE_SLOTS, sc, irq, putc, sys);
        accepted += sc + irq + putc + sys;
        refused += 3 * CNODE_SLOTS + 33 - (sc + irq + putc + sys);
    }
    unsigned taken = 0;
    for (unsigned i = 0; i < READY_FLOOD; i++)
        taken += hv_signal(HV_DEVICE_SLOT_READY) == HV_OK;
    hv_printf("EVAL-EVIDENCE LP-30 the root's ready notification signalled %u times\n", taken);
    hv_printf("EVAL-CLAIM LP-30 %s: %u calls refused, %u got through\n",
              accepted ? "breach" : "denied", refused, accepted);
    if (!granted) {
        struct hv_msg m = {0};
        expect("a receive on its log endpoint (write only)", hv_recv(HV_DEVICE_SLOT_LOG, &m));
    }
    hv_printf("EVAL-ATTACK LP-30 done\n");
}

/* IF-30: log lines written as another's: a partition's, its VMM's, the console server's, the
 * root task's and the kernel's. Each carries the marker the harness looks for. */
static void if30_forged_lines(void)
{
    hv_printf("EVAL-ATTACK IF-30 start\n");
    hv_printf("[victim] EVAL-FORGERY a line as the victim's\n");
    hv_printf("[victim:vmm] EVAL-FORGERY a line as the victim's VMM\n");
    hv_printf("[duet] EVAL-FORGERY a line as the console server's\n");
    hv_printf("root: EVAL-FORGERY a line as the root task's\n");
    hv_printf("Duet: EVAL-FORGERY a line as the kernel's\n");
    hv_printf("EVAL-ATTACK IF-30 done\n");
}

/* FI-30: a VMM's call answered with garbage; the first of each client's OPENs with a reply of
 * the right version and absurd limits, later ones with a label or length that is wrong. */
static void bogus_reply(struct hv_msg *m, unsigned n)
{
    uint64_t label = hv_msginfo_label(m->info);
    if (label == HV_VDEV_OPEN && n % 3 == 0) {
        m->w[0] = HV_BLK_VERSION;
        m->w[1] = ~0ull;            /* capacity */
        m->w[2] = ~0ull;            /* every feature */
        m->w[3] = 0;                /* seg_max 0, size_max 0 */
        m->w[4] = ~0ull;            /* queue_num_max */
        m->info = hv_msginfo(HV_OK, HV_BLK_OPEN_REPLY_WORDS);
    } else if (n % 3 == 1) {
        for (unsigned i = 0; i < HV_MSG_WORDS; i++)
            m->w[i] = 0xdeadbeefcafef00dull ^ i;
        m->info = hv_msginfo(0xffffu, HV_MSG_WORDS);
    } else {
        m->info = hv_msginfo(HV_OK, 0); /* no words where a reply is declared */
    }
}

/* The garbage a VMM finds in its shared page, and a flood of its event notification. */
static void flood_clients(unsigned nclients)
{
    for (unsigned c = 0; c < nclients; c++) {
        volatile uint32_t *page = (volatile uint32_t *)HV_DEVICE_SHARED_VA(c);
        for (unsigned i = 0; i < 1024; i++)
            page[i] = 0xffffffffu;
    }
    unsigned taken = 0;
    for (unsigned i = 0; i < EVENT_FLOOD; i++)
        for (unsigned c = 0; c < nclients; c++)
            taken += hv_signal(HV_DEVICE_SLOT_VMM_EVENTS + c) == HV_OK;
    hv_printf("EVAL-EVIDENCE FI-30 %u clients' shared pages filled with ones, their event "
              "notifications signalled %u times\n", nclients, taken);
}

static _Noreturn void fi30_serve(unsigned nclients)
{
    struct hv_msg m = {0};
    unsigned calls = 0, opened = 0;
    bool flooded = false;
    hv_recv(HV_DEVICE_SLOT_EP, &m);
    hv_printf("EVAL-ATTACK FI-30 start%s\n", granted ? " (control: no reply)" : "");
    if (granted) {
        hv_printf("EVAL-EVIDENCE FI-30 a call from client %lu held without a reply\n", m.badge);
        hv_printf("EVAL-ATTACK FI-30 done\n");
        for (;;) /* the call waits for good, and so does the other VMM's: nobody receives it */
            hv_thread_suspend(HV_SLOT_SELF_THREAD);
    }
    for (;;) {
        if (m.badge >= 1 && m.badge <= nclients) {
            opened += hv_msginfo_label(m.info) == HV_VDEV_OPEN;
            bogus_reply(&m, calls++);
        } else {
            m.info = hv_msginfo(HV_OK, 0);
        }
        if (!flooded && opened >= nclients) {
            hv_reply(&m);
            flood_clients(nclients);
            flooded = true;
            hv_printf("EVAL-EVIDENCE FI-30 %u calls answered with garbage\n", calls);
            hv_printf("EVAL-ATTACK FI-30 done\n");
            hv_recv(HV_DEVICE_SLOT_EP, &m);
            continue;
        }
        hv_reply_recv(HV_DEVICE_SLOT_EP, &m);
    }
}

/* The root task starts the storage server's entry once more per client, on that partition's
 * budget and on a stack that names the client (docs/storage.md); this server serves no one
 * there: those threads stop at once, with their own caps. */
static void stop_if_client_thread(void)
{
    volatile char here;
    uintptr_t sp = (uintptr_t)&here;
    for (unsigned c = 0; c < HV_STORAGE_MAX_SLICES; c++) {
        uint64_t top = HV_STORAGE_WORKER_STACK_TOP(c);
        if (sp < top && sp >= top - HV_STORAGE_WORKER_STACK_PAGES * 4096ull)
            for (;;)
                hv_thread_suspend(HV_STORAGE_SLOT_WORKER_THREAD + c);
    }
}

void hv_main(uint64_t arg)
{
    (void)arg;
    stop_if_client_thread();
    hv_print_to_console(HV_DEVICE_SLOT_LOG);
    unsigned nclients = CONFIG->nslices < HV_VDEV_MAX_CLIENTS ? CONFIG->nslices
                                                              : HV_VDEV_MAX_CLIENTS;
    hv_printf("EVAL-READY a rogue storage server%s, %u clients\n",
              granted ? " (the control's)" : "", nclients);
    lp30_kernel_and_root();
    if30_forged_lines();
    hv_signal(HV_DEVICE_SLOT_READY); /* the root task starts the partitions' VMMs */
    fi30_serve(nclients);
}
