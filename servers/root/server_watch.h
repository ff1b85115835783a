/* The root task's watch over the device servers its partitions depend on (the storage, radio
 * and keyboard servers): every thread of theirs faults to one endpoint of the root's, and a
 * fault stops the whole server (docs/device-servers.md, "A server that faults"). */
#pragma once

#include <hv/proto/partition_table.h>
#include <hv/root.h>
#include <stdbool.h>

/* A server's main thread, its event thread and a thread per client partition. */
#define SERVER_WATCH_THREADS (2 + HV_PT_MAX_PARTITIONS)

struct server_watch {
    const char *name;   /* "the storage server" */
    const char *after;  /* what that means for the partitions, said when it faults */
    uint64_t fault_cap; /* the root's write cap to the watch endpoint, badged with this server */
    uint64_t ep;        /* the endpoint its clients call (0: none) */
    uint64_t ready;     /* the notification the root's start of it waits on */
    uint64_t threads[SERVER_WATCH_THREADS]; /* the root's caps to its threads */
    unsigned nthreads;
    volatile bool faulted;
};

/* The watch endpoint and the root's thread on it, at prio: above every server it watches, so
 * that a fault is handled at once (it needs little of the CPU: 10 %). Before any add. */
int server_watch_start(unsigned prio);

/* Registers w for a server about to start: its clients' endpoint ep and the root's ready
 * notification (either may be 0). w->fault_cap is then the cap its threads fault to. */
int server_watch_add(struct server_watch *w, const char *name, const char *after, uint64_t ep,
                     uint64_t ready);

/* Notes one of the server's threads (the root's cap to it), to be removed when it faults. */
int server_watch_thread(struct server_watch *w, uint64_t thread);
