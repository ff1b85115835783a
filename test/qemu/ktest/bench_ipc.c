/* The IPC benchmarks (duet.bench=ipc), meant for QEMU -icount shift=0 where the counter of
 * hv/cycles.h counts instructions: a call+reply round trip to a server in another address
 * space, and a notification signal->wake ping-pong. Every call's result is checked (folded
 * into one word per loop, so the loops stay lean): a figure is printed only when all of them
 * succeeded. */
#include "bench.h"
#include "ktest.h"
#include <hv/abi/error.h>
#include <hv/cycles.h>

static bool bench_call_reply(void)
{
    const char *name = "ipc_call_reply_roundtrip";
    uint64_t ep = root_new(HV_OBJ_ENDPOINT, 0);
    int r = ep ? echo_server_start(ep, HV_PRIO_MAX) : HV_ENOMEM;
    if (r) {
        bench_fail(name, "cannot start bench_server", r);
        return false;
    }
    uint64_t per_call[BENCH_BATCHES];
    struct hv_msg m = {0};
    int err = 0;
    for (unsigned b = 0; b < BENCH_BATCHES; b++) {
        uint64_t t0 = hv_cycles();
        for (unsigned i = 0; i < BENCH_ROUNDS; i++) {
            m.info = hv_msginfo(0, 0);
            err |= hv_call(ep, &m);
        }
        per_call[b] = (hv_cycles() - t0) / BENCH_ROUNDS;
    }
    if (err) {
        bench_fail(name, "a call failed", err);
        return false;
    }
    bench_print(name, per_call, "instructions");
    return true;
}

static uint64_t ping, pong;
static volatile int ponger_err;

/* Answers each ping with a pong; on an error it says so and stops answering, so the timed
 * side is never woken by a failed round. */
static void ponger(void)
{
    uint64_t bits, from = ping, to = pong;
    int err = 0;
    while (!err) {
        err |= hv_wait(from, &bits);
        err |= hv_signal(to);
    }
    ponger_err = err;
    for (;;)
        hv_yield();
}

static bool bench_notification(void)
{
    const char *name = "notification_signal_to_wake";
    ping = root_new(HV_OBJ_NOTIFICATION, 0);
    pong = root_new(HV_OBJ_NOTIFICATION, 0);
    if (!ping || !pong || !root_spawn(ponger, ROOT_CNODE, 0, HV_PRIO_MAX, 10, 10)) {
        bench_fail(name, "cannot make the notifications or the ponger", HV_ENOMEM);
        return false;
    }
    uint64_t per_wake[BENCH_BATCHES], bits, to = ping, from = pong;
    int err = 0;
    for (unsigned b = 0; b < BENCH_BATCHES; b++) {
        uint64_t t0 = hv_cycles();
        for (unsigned i = 0; i < BENCH_ROUNDS; i++) {
            err |= hv_signal(to);
            err |= hv_wait(from, &bits);
        }
        /* Two signal->wake hand-offs per round. */
        per_wake[b] = (hv_cycles() - t0) / (2 * BENCH_ROUNDS);
    }
    if (err || ponger_err) {
        bench_fail(name, err ? "a signal or wait failed" : "the ponger's signal or wait failed",
                   err ? err : ponger_err);
        return false;
    }
    bench_print(name, per_wake, "instructions");
    return true;
}

bool bench_ipc_run(void)
{
    return bench_call_reply() && bench_notification();
}
