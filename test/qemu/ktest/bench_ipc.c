/* The IPC benchmarks (duet.bench=ipc), meant for QEMU -icount shift=0 where the counter of
 * hv/cycles.h counts instructions: a call+reply round trip to a server in another address
 * space, and a notification signal->wake ping-pong. Each figure is the median and minimum
 * over batches; a timer tick inside a batch only inflates that batch. */
#include "bench.h"
#include "ktest.h"
#include <hv/cycles.h>

#define BATCHES BENCH_BATCHES
#define ROUNDS BENCH_ROUNDS

static int bench_call_reply(void)
{
    uint64_t ep = root_new(HV_OBJ_ENDPOINT, 0);
    int r = echo_server_start(ep, HV_PRIO_MAX);
    if (r) {
        bench_fail("ipc_call_reply_roundtrip", "cannot start bench_server", r);
        return r;
    }
    uint64_t per_call[BATCHES];
    struct hv_msg m = {0};
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = hv_cycles();
        for (unsigned i = 0; i < ROUNDS; i++) {
            m.info = hv_msginfo(0, 0);
            hv_call(ep, &m);
        }
        per_call[b] = (hv_cycles() - t0) / ROUNDS;
    }
    bench_print("ipc_call_reply_roundtrip", per_call, "instructions");
    return 0;
}

static uint64_t ping, pong;

static void ponger(void)
{
    uint64_t bits;
    for (;;) {
        hv_wait(ping, &bits);
        hv_signal(pong);
    }
}

static void bench_notification(void)
{
    ping = root_new(HV_OBJ_NOTIFICATION, 0);
    pong = root_new(HV_OBJ_NOTIFICATION, 0);
    root_spawn(ponger, ROOT_CNODE, 0, HV_PRIO_MAX, 10, 10);
    uint64_t per_wake[BATCHES], bits;
    for (unsigned b = 0; b < BATCHES; b++) {
        uint64_t t0 = hv_cycles();
        for (unsigned i = 0; i < ROUNDS; i++) {
            hv_signal(ping);
            hv_wait(pong, &bits);
        }
        /* Two signal->wake hand-offs per round. */
        per_wake[b] = (hv_cycles() - t0) / (2 * ROUNDS);
    }
    bench_print("notification_signal_to_wake", per_wake, "instructions");
}

bool bench_ipc_run(void)
{
    if (bench_call_reply())
        return false;
    bench_notification();
    return true;
}
