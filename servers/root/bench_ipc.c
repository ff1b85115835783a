/* The IPC benchmarks (duet.bench=ipc), meant for QEMU -icount shift=0 where the counter of
 * hv/cycles.h counts instructions: a call+reply round trip to a server in another address
 * space, and a notification signal->wake ping-pong. Each figure is the median and minimum
 * over batches; a timer tick inside a batch only inflates that batch. */
#include "root.h"
#include <hv/cycles.h>
#include <hv/print.h>

#define BATCHES 11
#define ROUNDS 1000

static void sort(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static void print_figure(const char *name, uint64_t *per_op)
{
    sort(per_op, BATCHES);
    hv_printf("BENCH: %s median=%lu min=%lu max=%lu (instructions, %u batches of %u)\n", name,
              per_op[BATCHES / 2], per_op[0], per_op[BATCHES - 1], BATCHES, ROUNDS);
    hv_printf("BENCH-JSON: {\"name\": \"%s\", \"median\": %lu, \"min\": %lu, \"max\": %lu, "
              "\"batches\": %u, \"rounds\": %u}\n",
              name, per_op[BATCHES / 2], per_op[0], per_op[BATCHES - 1], BATCHES, ROUNDS);
}

static int bench_call_reply(void)
{
    uint64_t ep = root_new(HV_OBJ_ENDPOINT, 0);
    int r = root_start_echo_server(ep, HV_PRIO_MAX);
    if (r) {
        hv_printf("BENCH: cannot start bench_server (error %d)\n", r);
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
    print_figure("ipc_call_reply_roundtrip", per_call);
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
    print_figure("notification_signal_to_wake", per_wake);
}

void bench_ipc_run(void)
{
    if (bench_call_reply() == 0)
        bench_notification();
    hv_printf("BENCH-DONE\n");
}
