/* The root's watcher of device servers: one endpoint, one thread. Each server's threads fault
 * to it with a badge of their own (its index + 1); the kernel sends the fault, and a server
 * that sends something itself on its cap only stops itself. A faulted server never answers
 * again: a VMM waiting in a call to it, every later call, and the root's own start of it
 * (waiting for its ready word) would wait for ever. So the watcher removes it whole
 * (stop_server). */
#include "server_watch.h"
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/proto/partition_table.h>

#define MAX_WATCHED 4 /* storage, radio, keyboard, and one to spare */

static struct server_watch *watched[MAX_WATCHED];
static unsigned nwatched;
static uint64_t watch_ep;

/* Revoked first (the server holds caps to its own threads, its clients copies of the
 * endpoint), then the root's own deleted, which destroys the object and cancels what waits on
 * it: the call a thread had taken ends with an error, the calls queued on the endpoint too,
 * and every cap to it is empty from then on. (The fault cap is a badged copy: only it and what
 * was derived from it go, the watch endpoint stays.) */
static int remove_object(uint64_t cap)
{
    int r = hv_cap_revoke(cap);
    return r ? r : hv_cap_delete(cap);
}

static void stop_server(struct server_watch *w, const struct hv_msg *m)
{
    hv_printf("root: %s faulted (fault %lu at 0x%lx, pc 0x%lx): it is stopped and its endpoint "
              "removed; %s\n",
              w->name, (unsigned long)hv_msginfo_label(m->info), (unsigned long)m->w[0],
              (unsigned long)m->w[2], w->after);
    /* Its fault cap first: nothing more arrives from it, whatever its threads still do. */
    int failed = remove_object(w->fault_cap) ? 1 : 0;
    for (unsigned i = 0; i < w->nthreads; i++)
        failed += remove_object(w->threads[i]) ? 1 : 0;
    if (w->ep)
        failed += remove_object(w->ep) ? 1 : 0;
    if (failed)
        hv_printf("root: removing %s left %d object(s) in place\n", w->name, failed);
    /* A server that faults before it said it was ready: the root's start waits for that
     * word, and the partitions start only after it. */
    w->faulted = true;
    if (w->ready)
        hv_signal(w->ready);
}

static void watch_loop(void)
{
    for (;;) {
        struct hv_msg m = {0};
        if (hv_recv(watch_ep, &m))
            continue;
        if (m.badge == 0 || m.badge > nwatched || watched[m.badge - 1]->faulted)
            continue; /* a second thread's fault, already in hand */
        stop_server(watched[m.badge - 1], &m);
    }
}

int server_watch_start(unsigned prio)
{
    watch_ep = root_new(HV_OBJ_ENDPOINT, 0);
    if (!watch_ep)
        return HV_ENOMEM;
    return root_spawn(watch_loop, ROOT_CNODE, 0, prio, 1, 10) ? HV_OK : HV_ENOMEM;
}

int server_watch_add(struct server_watch *w, const char *name, const char *after, uint64_t ep,
                     uint64_t ready)
{
    if (!watch_ep || nwatched == MAX_WATCHED)
        return watch_ep ? HV_ENOMEM : HV_EINVAL;
    w->name = name;
    w->after = after;
    w->ep = ep;
    w->ready = ready;
    w->nthreads = 0;
    w->faulted = false;
    w->fault_cap = root_slot();
    /* Grant too: the root hands copies of it to the threads it starts and to the server. */
    int r = hv_cap_copy(watch_ep, ROOT_CNODE, w->fault_cap, HV_RIGHT_WRITE | HV_RIGHT_GRANT,
                        nwatched + 1);
    if (!r)
        watched[nwatched++] = w;
    return r;
}

int server_watch_thread(struct server_watch *w, uint64_t thread)
{
    if (w->nthreads == SERVER_WATCH_THREADS)
        return HV_ENOMEM;
    w->threads[w->nthreads++] = thread;
    return HV_OK;
}
