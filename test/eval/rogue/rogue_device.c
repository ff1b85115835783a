/* A device server that faults (docs/device-servers.md, "A server that faults"): started by the
 * root task in place of the storage or radio server in the test images dev-fault-<arch>, as the
 * archive's storage.eval or radio.eval, with every cap that server gets. It says it is ready and
 * its clients' calls go to its event thread, which it started itself with the fault cap the
 * root gave it (HV_DEVICE_SLOT_FAULT): that thread takes the first VMM's call and faults with it
 * unanswered. The root's watcher must then remove the whole server, which ends that call and
 * every later one with an error (test/qemu/dev_fault.cmake). Built with
 * ROGUE_DEVICE_EARLY (rogue-device-early) its main thread faults before it says it is ready:
 * the root task must not wait for that word for ever. Built with ROGUE_DEVICE_FORGE
 * (rogue-device-forge) its event thread, instead of faulting, sends a made-up fault on its fault
 * cap: the root stops this server, and no other (the cap's badge says whose it is). */
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/proto/device.h>
#include <hv/sys.h>
#include <stdbool.h>

#define SLOT_SCRATCH 60 /* an empty slot of its cnode (libhv/root/loader.c: 64 slots) */
/* Below the server's own (190, partition.c), above every partition's VMM. */
#define EVENT_PRIO 150

static uint8_t event_stack[4096] __attribute__((aligned(16)));

/* Refuses the server's own events; the first VMM's call it takes and faults. */
static void event_loop(void)
{
    for (;;) {
        struct hv_msg m = {0};
        if (hv_recv(HV_DEVICE_SLOT_EP, &m))
            continue;
        if (m.badge != 0 && m.badge < HV_DEVICE_BADGE_EVENTS) {
#ifdef ROGUE_DEVICE_FORGE
            hv_printf("device.eval: a VMM's call: its event thread sends a made-up fault\n");
            struct hv_msg f = {.info = hv_msginfo(1, 3), .w = {0xdead, 0, 0xbeef}};
            (void)hv_call(HV_DEVICE_SLOT_FAULT, &f);
#else
            hv_printf("device.eval: a VMM's call: its event thread faults with it unanswered\n");
            *(volatile uint64_t *)8 = 1; /* nothing is mapped at page 0 */
#endif
        }
        m.info = hv_msginfo(HV_EINVAL, 0);
        hv_reply(&m);
    }
}

static bool started;

void hv_main(uint64_t arg)
{
    (void)arg;
    /* The root starts a thread per client on the same entry once it is ready: they only wait
     * (the main thread runs first; the clients' threads start after its ready word). */
    if (__atomic_exchange_n(&started, true, __ATOMIC_RELAXED))
        for (;;) {
            uint64_t bits;
            (void)hv_wait(HV_DEVICE_SLOT_IRQ_NTFN, &bits);
        }
    hv_print_to_console(HV_DEVICE_SLOT_LOG);
#ifdef ROGUE_DEVICE_EARLY
    hv_printf("device.eval: faulting before it is ready\n");
    *(volatile uint64_t *)8 = 1;
#endif
    int r = hv_thread_configure(HV_DEVICE_SLOT_EVENT_THREAD, HV_SLOT_SELF_CNODE,
                                HV_DEVICE_SLOT_VSPACE, HV_DEVICE_SLOT_FAULT, EVENT_PRIO, HV_SC_INHERIT,
                                (uint64_t)(uintptr_t)event_loop,
                                (uint64_t)(uintptr_t)(event_stack + sizeof(event_stack)));
    if (!r)
        r = hv_thread_resume(HV_DEVICE_SLOT_EVENT_THREAD);
    /* The fault cap is the root's watch endpoint: write only, and not to be passed on. A
     * receive on it would read the other servers' faults; a copy would hand it on. */
    struct hv_msg m = {0};
    int recv = hv_recv(HV_DEVICE_SLOT_FAULT, &m);
    int copy = hv_cap_copy(HV_DEVICE_SLOT_FAULT, HV_SLOT_SELF_CNODE, SLOT_SCRATCH, HV_RIGHT_WRITE,
                           0);
    hv_printf("device.eval: its fault cap: receive %d, copy %d\n", recv, copy);
    hv_printf("device.eval: ready (event thread: %d); it takes the calls and faults at the "
              "first VMM's\n", r);
    hv_signal(HV_DEVICE_SLOT_READY);
    for (;;) {
        uint64_t bits;
        (void)hv_wait(HV_DEVICE_SLOT_IRQ_NTFN, &bits); /* the main thread only waits */
    }
}
